"""Operator mistakes as one line each, and no secret in any error a command prints.

Commands fail on wrong settings in ways the libraries report with tracebacks — and PTB's
``InvalidToken`` (a 401/404 from the Bot API) repeats the bot token in its message, which
a cron job then mails around. :func:`explain` turns the mistakes an operator can fix
(a rejected token or wrong ``TELEGRAM_API_URL``, an unreachable Bot API, a path that cannot
be written) into one sentence; :func:`report` is what ``digestbot`` prints for any error:
that sentence, or — for a bug — the traceback, both passed through :func:`redact`.
"""

from __future__ import annotations

import traceback

from bot.errors import DigestbotError
from bot.observability.logs import redact

REJECTED_TOKEN = (
    "the Bot API rejected TELEGRAM_BOT_TOKEN (revoked or mistyped?), or TELEGRAM_API_URL "
    "does not end in /bot"
)


def explain(exc: BaseException) -> str | None:
    """One line for a mistake the operator can fix; None for anything else (a bug)."""
    if isinstance(exc, DigestbotError):
        return str(exc)
    from telegram.error import InvalidToken, NetworkError  # lazily: `build` never needs it

    if isinstance(exc, InvalidToken):
        return REJECTED_TOKEN  # never str(exc): PTB's message contains the token
    if isinstance(exc, NetworkError):
        return f"cannot reach the Bot API (check TELEGRAM_API_URL and the network): {exc}"
    if isinstance(exc, OSError) and exc.filename is not None:
        return f"{exc.strerror or type(exc).__name__}: {exc.filename}"
    return None


def report(command: str, exc: BaseException, secrets: tuple[str, ...] = ()) -> tuple[str, int]:
    """(text for stderr, exit code): one line and 2 for mistakes, a traceback and 1 for bugs."""
    line = explain(exc)
    if line is not None:
        return redact(f"digestbot {command}: {line}", secrets), 2
    text = "".join(traceback.format_exception(exc))
    return redact(f"digestbot {command}: unexpected error\n{text}".rstrip(), secrets), 1
