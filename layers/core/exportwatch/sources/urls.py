"""Canonical URLs: the same article reached through tracking links must be one item."""

from __future__ import annotations

import urllib.parse

# Only parameters that are tracking by nature: campaign tags and click ids no site uses for content.
# Generic names (ref, cid, feed, rss, id, source, mbid ...) are article ids on some sites; dropping
# them would make every article of such a site one item, alerted once and then "already seen".
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_", "ga_")
_TRACKING_KEYS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "ref_src",
        "cmpid",
        "ncid",
        "ocid",
        "smid",
        "s_cid",
        "sr_share",
        "taid",
    }
)


_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def safe_url(url: str) -> str:
    """An http(s) URL with unsafe characters percent-encoded, or '' (``javascript:`` and the like).

    Links go into e-mails and JSON for subscribers: nothing in them may read as markup.
    """
    url = (url or "").strip()
    if not url.lower().startswith(("http://", "https://")) or len(url) > 2000:
        return ""
    try:
        parts = urllib.parse.urlsplit(url)
        _ = parts.port
    except ValueError:
        return ""
    return urllib.parse.quote(url, safe=_SAFE) if parts.hostname else ""


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, drop the fragment, default port, tracking parameters and a trailing slash.

    Only parameters that are tracking by nature are dropped, never one that may name the article.

    Examples
    --------
    >>> canonical_url("HTTPS://Example.com:443/a/b/?utm_source=x&id=2#top")
    'https://example.com/a/b?id=2'
    """
    url = (url or "").strip()
    if not url:
        return ""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:  # an impossible port or a malformed host: not a link we can use
        return ""
    scheme = parts.scheme.lower() or "https"
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    query = [
        (k, v)
        for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING_PREFIXES) and k.lower() not in _TRACKING_KEYS
    ]
    path = parts.path.rstrip("/") or ""
    return urllib.parse.urlunsplit((scheme, netloc, path, urllib.parse.urlencode(sorted(query)), ""))
