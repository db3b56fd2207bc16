"""Fetching a file someone named by URL: a size limit read as it streams, and for addresses a user types in a
page, no private, loopback or link-local destination (the server is not a proxy into its own network)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urljoin, urlsplit

import requests
from django.utils.translation import gettext as _

TIMEOUT = 60
MAX_REDIRECTS = 3


class FetchError(ValueError):
    """The address could not be fetched, or is not one Lockstep fetches; the message says why."""


def _check_public(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(_("%(url)s: only http and https addresses are fetched") % {"url": url})
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise FetchError(f"{parts.hostname}: {exc.strerror}") from None  # the resolver's own words
    for *_rest, address in found:
        ip = ipaddress.ip_address(address[0])
        if not ip.is_global:
            raise FetchError(
                _("%(host)s is a private or local address (%(ip)s); Lockstep does not fetch it")
                % {"host": parts.hostname, "ip": ip}
            )


def fetch_url(
    url: str,
    *,
    limit: int,
    public_only: bool = False,
    auth: tuple[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    """The body at ``url``, at most ``limit`` bytes (FetchError beyond). ``public_only`` refuses destinations
    that are not global addresses, redirects included."""
    for _hop in range(MAX_REDIRECTS + 1):
        if public_only:
            _check_public(url)
        try:
            with requests.get(
                url, auth=auth, headers=headers, timeout=TIMEOUT, stream=True, allow_redirects=False
            ) as response:
                if response.is_redirect:
                    url = urljoin(url, response.headers["Location"])
                    continue
                response.raise_for_status()
                body = bytearray()
                for block in response.iter_content(1 << 16):
                    body += block
                    if len(body) > limit:
                        raise FetchError(
                            _("%(url)s: larger than %(limit)s bytes") % {"url": url, "limit": f"{limit:,}"}
                        )
                return bytes(body)
        except requests.RequestException as exc:
            raise FetchError(f"{url}: {exc}") from None
    raise FetchError(_("%(url)s: more than %(count)d redirects") % {"url": url, "count": MAX_REDIRECTS})
