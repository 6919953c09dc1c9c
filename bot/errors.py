"""The project's error hierarchy: every failure a user or operator can see is one of these.

Callers catch :class:`DigestbotError` at the edges (CLI, handlers) and show its message;
the message is written for people and never contains secrets.
"""

from __future__ import annotations


class DigestbotError(Exception):
    """Base of every error digestbot raises on purpose."""


class ConfigError(DigestbotError):
    """Settings are missing or malformed (e.g. a bad bot token)."""


class CorpusError(DigestbotError):
    """The seeds or their metadata cannot be loaded; names the offending entry."""


class CacheError(DigestbotError):
    """summaries/ is missing, unreadable, of another schema, or stale."""


class StoreError(DigestbotError):
    """The subscription database cannot be reached or migrated."""
