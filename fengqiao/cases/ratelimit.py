"""WEB-08: fixed-window rate limits for the public endpoints, kept in Django's cache.

Each bucket (per client IP, and per phone number for submissions) allows CASES_PUBLIC_RATE
requests per window; the next one gets 429 with `Retry-After`. With several worker processes,
configure a shared cache (Django's database or Redis cache) so that the count is shared.
The client IP is REMOTE_ADDR: behind a reverse proxy, the proxy must set it.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest

from fengqiao.cases import conf


class RateLimited(Exception):
    """Too many requests in the current window."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("rate limited")
        self.retry_after = retry_after


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def hit(bucket: str) -> None:
    """Count one request in `bucket`; raise RateLimited past the limit."""
    limit, window = conf.public_rate()
    now = int(time.time())
    start = now - now % window
    key = f"fengqiao:rl:{bucket}:{start}"
    if cache.add(key, 1, timeout=window + 5):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window + 5)
            count = 1
    if count > limit:
        raise RateLimited(retry_after=max(start + window - now, 1))


def check_ip(request: HttpRequest, endpoint: str) -> None:
    hit(f"{endpoint}:ip:{client_ip(request)}")
