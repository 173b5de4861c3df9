"""The client's address behind the TLS proxy (issue 17 defect 11).

Behind the reverse proxy every request's REMOTE_ADDR is the proxy's, so throttles
keyed on it would put every citizen in one bucket. The proxy's forwarding header is
believed only when the request comes from an address listed in TRUSTED_PROXIES; the
client is the right-most address in the header that is not itself a trusted proxy
(addresses further left are written by the client and can be forged)."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
    if address is None:
        return False
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(request: HttpRequest) -> str:
    """The address of the client that made ``request`` ("" when there is none)."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    if not _trusted(_parse(remote)):
        return remote
    header = str(request.META.get(settings.CLIENT_IP_META_KEY) or "")
    hops = [hop.strip() for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            return remote  # a malformed header is not believed
        if not _trusted(address):
            return str(address)
    return remote


def axes_client_ip(request: HttpRequest) -> str:
    """django-axes' AXES_CLIENT_IP_CALLABLE."""
    return client_address(request)
