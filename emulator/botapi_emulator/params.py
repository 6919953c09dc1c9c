"""Parameter coercion as Telegram does it: form strings, JSON values, lenient numbers."""

from __future__ import annotations

import json
from typing import Any

from botapi_emulator.errors import bad_request


def as_str(params: dict[str, Any], name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    raise bad_request(f"parameter {name!r} must be a string")


def as_int(params: dict[str, Any], name: str) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise bad_request(f"parameter {name!r} must be an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    try:
        return int(str(value).strip())
    except ValueError:
        try:
            as_float = float(str(value).strip())
        except ValueError:
            raise bad_request(f"parameter {name!r} must be an integer") from None
        if as_float.is_integer():
            return int(as_float)
        raise bad_request(f"parameter {name!r} must be an integer") from None


def as_float(params: dict[str, Any], name: str) -> float | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise bad_request(f"parameter {name!r} must be a number") from None


def as_bool(params: dict[str, Any], name: str) -> bool:
    value = params.get(name)
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"true", "1"}


def as_json(params: dict[str, Any], name: str, error: str | None = None) -> Any:
    """A structured parameter: already decoded (JSON body) or JSON text (form body)."""
    value = params.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(error or f"can't parse {name} JSON object") from None
    return value
