"""Faults the emulator injects on request, so tests can see how the bot copes.

A fault matches a method (or ``"*"`` for every method except ``getUpdates``), optionally
one chat, and fires for the next ``times`` matching calls (``None``: until cleared).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

FaultKind = Literal["429", "403", "500", "502", "slow"]
FAULT_KINDS: tuple[str, ...] = ("429", "403", "500", "502", "slow")


@dataclass(slots=True)
class Fault:
    """One injected fault rule; ``remaining`` counts down, ``None`` never runs out."""

    method: str
    kind: FaultKind
    remaining: int | None = 1
    chat_id: int | None = None
    retry_after: int = 1
    delay: float = 0.0
    fired: int = 0

    def matches(self, method: str, chat_id: int | None) -> bool:
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.method == "*":
            if method == "getupdates":
                return False
        elif self.method.lower() != method:
            return False
        return self.chat_id is None or self.chat_id == chat_id

    def consume(self) -> None:
        self.fired += 1
        if self.remaining is not None:
            self.remaining -= 1


def fault_response(fault: Fault) -> tuple[int, dict[str, Any] | str]:
    """The HTTP status and body Telegram would send for this fault (not for ``slow``)."""
    if fault.kind == "429":
        return 429, {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {fault.retry_after}",
            "parameters": {"retry_after": fault.retry_after},
        }
    if fault.kind == "403":
        return 403, {
            "ok": False,
            "error_code": 403,
            "description": "Forbidden: bot was blocked by the user",
        }
    if fault.kind == "500":
        return 500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}
    if fault.kind == "502":
        # Telegram's front end answers a bad gateway with an HTML page, not JSON.
        return 502, (
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
            "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
            "</body>\r\n</html>\r\n"
        )
    raise ValueError(f"fault kind {fault.kind!r} has no response")
