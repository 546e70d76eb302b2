"""Where a webhook may be sent: the one check of an endpoint's address, when it is saved and again before each try.

In production (``settings.WEBHOOK_ALLOW_LOCAL`` off) an address is ``https://`` and its host resolves to public
addresses only: the portal's server must not be made to post to its own network (a database, a cloud metadata
service). In development and tests (``WEBHOOK_ALLOW_LOCAL`` on) ``http://`` is allowed too, for this machine only
(``127.0.0.1``, ``localhost``, ``::1``), and the host is not resolved.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return [ipaddress.ip_address(info[4][0]) for info in infos]


def url_problem(url: str) -> str:
    """Why webhooks cannot be sent to ``url``, in words for the organization's manager; "" when they can."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        parts.port  # noqa: B018 - reading it checks the port is a number in range
    except ValueError:
        return "This is not a web address."
    if parts.scheme not in ("http", "https") or not host:
        return "Give a full web address that starts with https://."
    if parts.username or parts.password:
        return "Put no user name or password in the address: every request is signed with the endpoint's secret."
    local = settings.WEBHOOK_ALLOW_LOCAL
    if parts.scheme == "http" and not (local and host in LOCAL_HOSTS):
        return "The address must start with https:// (a webhook carries case numbers: it goes encrypted)."
    if local:
        return ""
    try:
        addresses = _addresses(host)
    except (OSError, UnicodeError):
        return f"The host {host} could not be found: check the address."
    if not addresses or not all(address.is_global for address in addresses):
        return f"The host {host} is not on the public internet: webhooks go only to public addresses."
    return ""
