"""Abuse throttling of public submissions without keeping addresses (SECURITY.md DP-08):
a keyed hash of the address with a daily salt, counted per hour in the cache only."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from homeward.core.client_ip import client_address


def _key(request: HttpRequest) -> str:
    now = timezone.now()
    salt = f"{settings.SECRET_KEY}:{now:%Y-%m-%d}".encode()
    address = client_address(request).encode()
    return f"tip-throttle:{now:%H}:{hmac.new(salt, address, hashlib.sha256).hexdigest()[:32]}"


def submission_allowed(request: HttpRequest) -> bool:
    """Count this submission; False once the hourly limit is passed."""
    key = _key(request)
    if cache.add(key, 1, 3600):
        return True
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, 3600)
        count = 1
    return count <= settings.TIP_HOURLY_LIMIT


# The web report form counts accepted reports only, under their own key: a person who
# fixes a rejected form, or looks up a status, is not pushed towards the limit.


def _report_key(request: HttpRequest) -> str:
    return "tip-report-" + _key(request)


def reports_over_limit(request: HttpRequest) -> bool:
    """Whether this connection already sent the hour's share of accepted reports (the
    next one goes through after a light challenge, never refused)."""
    return int(cache.get(_report_key(request), 0)) >= settings.TIP_HOURLY_LIMIT


def report_accepted(request: HttpRequest) -> None:
    """Count one accepted report against this connection's hour."""
    key = _report_key(request)
    if not cache.add(key, 1, 3600):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, 3600)
