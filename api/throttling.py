"""An atomic rate limit shared by every app server (issue 29), and one that applies to requests
without a valid token too.

Each request adds one to its key's row for the current window with a single UPDATE (the
database serialises the row), then reads the count back in the same transaction: parallel
clients cannot both see room for one more. Windows are fixed (a minute for "600/minute"), so a
client can at most double the rate across a window's edge; rows of past windows are deleted as
new ones start."""

import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from rest_framework.throttling import BaseThrottle

from api.models import RateWindow
from common.http import client_ip

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "600/minute" as (600, 60)."""
    number, _, period = rate.partition("/")
    return int(number), PERIODS[period.strip().lower().rstrip("s")]


def hit(key: str, period: int, now: float | None = None) -> tuple[int, int]:
    """Count one request for `key`; (the count in this window, seconds until it ends)."""
    now = time.time() if now is None else now
    window = int(now // period * period)
    with transaction.atomic():
        if not RateWindow.objects.filter(key=key, window=window).update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateWindow.objects.create(key=key, window=window, count=1)
            except IntegrityError:  # another server started the window first
                RateWindow.objects.filter(key=key, window=window).update(count=F("count") + 1)
            RateWindow.objects.filter(key=key, window__lt=window).delete()
        count = RateWindow.objects.filter(key=key, window=window).values_list("count", flat=True)
        return count.get(), int(window + period - now) + 1


class AtomicThrottle(BaseThrottle):
    scope = ""
    setting = ""  # the setting that holds the rate ("600/minute")

    def __init__(self):
        self.limit, self.period = parse_rate(getattr(settings, self.setting))
        self.wait_seconds = None

    def key(self, request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request, view):
        key = self.key(request)
        if key is None:
            return True
        count, self.wait_seconds = hit(f"{self.scope}:{key}", self.period)
        return count <= self.limit

    def wait(self):
        return self.wait_seconds


class PersonThrottle(AtomicThrottle):
    """Per person, for requests with a valid token."""

    scope = "user"
    setting = "API_RATE_LIMIT"

    def key(self, request):
        user = getattr(request, "user", None)
        return str(user.pk) if user is not None and user.is_authenticated else None


class AddressThrottle(AtomicThrottle):
    """Per address, for requests without a valid token (none, wrong, expired or revoked)."""

    scope = "anon"
    setting = "API_ANON_RATE_LIMIT"

    def key(self, request):
        user = getattr(request, "_user", None)
        if user is not None and user.is_authenticated:
            return None
        return client_ip(request) or "unknown"
