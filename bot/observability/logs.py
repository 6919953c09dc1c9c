"""Logging set-up: plain or JSON lines, and a filter that scrubs bot tokens.

PTB and httpx log request URLs, and Bot API URLs embed the token
(``/bot<token>/sendMessage``); the :class:`RedactingFilter` masks anything shaped like a
token in every record, whatever logger produced it.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from typing import Literal

_TOKEN_RE = re.compile(r"\d{5,16}:[A-Za-z0-9_-]{30,64}")
#: The webhook secret as PTB logs ``setWebhook`` parameters at DEBUG
#: (``'secret_token': '…'``) or as the ``X-Telegram-Bot-Api-Secret-Token`` header.
_SECRET_FIELD_RE = re.compile(r"""(?i)(secret[_-]token['"]?\s*[:=]\s*['"]?)[A-Za-z0-9_-]+""")
REDACTED = "<redacted-token>"


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Mask token-shaped strings, webhook secrets and any explicit ``secrets`` in ``text``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    text = _SECRET_FIELD_RE.sub(lambda m: m.group(1) + REDACTED, text)
    return _TOKEN_RE.sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's final message so no token reaches a handler."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message, self._secrets)
        if record.exc_info and record.exc_info[1] is not None:
            # Render the traceback now so it can be scrubbed too.
            formatted = logging.Formatter().formatException(record.exc_info)
            cleaned = f"{cleaned}\n{redact(formatted, self._secrets)}"
            record.exc_info = None
            record.exc_text = None
        record.msg, record.args = cleaned, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(
            {
                "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
                "level": record.levelname,
                "logger": record.name,
                "message": record.getMessage(),
            },
            ensure_ascii=False,
        )


def configure_logging(
    level: str = "INFO",
    fmt: Literal["plain", "json"] = "plain",
    secrets: tuple[str, ...] = (),
) -> None:
    """Install one stderr handler on the root logger; idempotent across calls."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter(secrets))
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Python warnings (e.g. PTB's) would go straight to stderr: route them through the
    # redacting, formatted handler instead.
    logging.captureWarnings(True)
    # httpx logs every request URL at INFO, token included; keep it quiet below WARNING.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, root.level))
    # APScheduler logs two INFO lines per scheduler tick; keep them for DEBUG runs.
    quiet = root.level if root.level <= logging.DEBUG else max(logging.WARNING, root.level)
    logging.getLogger("apscheduler").setLevel(quiet)
    # Alembic says "Context impl SQLiteImpl." on every start: noise in cron mail.
    logging.getLogger("alembic").setLevel(quiet)
