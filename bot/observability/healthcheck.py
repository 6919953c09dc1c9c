"""``python -m bot.observability.healthcheck``: exit 0 when the local bot's /healthz says ok.

The container image's HEALTHCHECK runs this (slim images have no curl). It reads the same
settings as the bot to find the port: ``DIGESTBOT_METRICS_PORT`` if set, else the webhook
port in webhook mode. ``DIGESTBOT_HEALTH_URL`` overrides both. Standard library and
settings only, so a probe stays cheap.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence

from bot.config import Settings, load_settings

TIMEOUT_SECONDS = 4.0


def health_url(settings: Settings, environ: dict[str, str] | None = None) -> str | None:
    """Where this process's /healthz is, or None when no HTTP server is configured."""
    env = os.environ if environ is None else environ
    if env.get("DIGESTBOT_HEALTH_URL"):
        return env["DIGESTBOT_HEALTH_URL"]
    if settings.metrics_port:
        port = settings.metrics_port
    elif settings.webhook_url:
        port = settings.webhook_port
    else:
        return None
    host = settings.webhook_listen
    if host in {"0.0.0.0", "::", ""}:  # bound to every interface: loopback reaches it
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/healthz"


def probe(url: str, timeout: float = TIMEOUT_SECONDS) -> tuple[bool, str]:
    """GET ``url``: (healthy, one line saying why)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = response.read(4096).decode("utf-8", "replace")
            return response.status == 200, f"{response.status} {body.strip()}"
    except urllib.error.HTTPError as exc:
        body = exc.read(4096).decode("utf-8", "replace")
        return False, f"{exc.code} {body.strip()}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return False, f"unreachable: {exc}"


def main(argv: Sequence[str] | None = None) -> int:
    """Exit 0 if healthy, 1 if not (Docker's HEALTHCHECK convention)."""
    args = list(sys.argv[1:] if argv is None else argv)
    url = args[0] if args else health_url(load_settings())
    if url is None:
        print(
            "no health endpoint: set DIGESTBOT_METRICS_PORT (or run in webhook mode)",
            file=sys.stderr,
        )
        return 1
    ok, why = probe(url)
    print(f"{url}: {'healthy' if ok else 'unhealthy'}: {why}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
