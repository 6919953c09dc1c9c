"""Canonical URLs: one story at two addresses must compare equal.

Folded: scheme (http → https), host case, a leading ``www.``/``m.``/``amp.``/``mobile.``,
an ``/amp`` path segment or ``amp=1``/``output=amp`` query, ``utm_*`` and other tracking
parameters, the fragment, default ports and a trailing slash. Query parameters that
remain are sorted, since their order never names a different page.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

#: query parameters that track a click and never select content
TRACKING = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "cmpid",
        "ocid",
        "_ga",
        "spm",
        "amp",
        "output",
        "outputtype",
    }
)
_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")
_AMP_SEGMENTS = frozenset({"amp", "amp.html"})


def _tracking(key: str) -> bool:
    k = key.lower()
    return k.startswith(("utm_", "ga_", "hmb_")) or k in TRACKING


def canonical_url(url: str) -> str:
    """The comparison form of ``url`` (not for fetching: the scheme may have changed)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return url.strip()
    host = (parts.hostname or "").lower().rstrip(".")
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    port = parts.port
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    segments = [s for s in parts.path.split("/") if s]
    segments = [s for s in segments if s.lower() not in _AMP_SEGMENTS]
    path = "/" + "/".join(segments)
    path = re.sub(r"\.amp(?=\.html?$|$)", "", path)
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(k)
    )
    return urlunsplit(("https", netloc, path, urlencode(query), ""))


def host_of(url: str) -> str:
    """The host a request goes to (for the per-host politeness limit)."""
    return (urlsplit(url).hostname or "").lower()
