"""The read API's rate limit (issue 29): counted atomically in the database (shared by every app
server), by person with a token and by address without one, and applied before a bad token is
refused."""

import threading

import pytest
from django.db import connection, connections

from accounts.models import ApiToken
from accounts.roles import VIEWERS
from api import throttling
from api.models import RateWindow
from tests.factories import UserFactory

MOMENT = 1_800_000_030.0  # mid-window: the tests never straddle a window's edge


@pytest.fixture
def frozen_time(monkeypatch):
    monkeypatch.setattr(throttling.time, "time", lambda: MOMENT)


@pytest.mark.django_db
def test_beyond_the_rate_a_person_is_refused_with_when_to_retry(client, settings, frozen_time):
    settings.API_RATE_LIMIT = "3/minute"
    _, text = ApiToken.issue(UserFactory(role=VIEWERS), "Power BI")
    codes = [client.get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Bearer {text}") for _ in range(4)]
    assert [r.status_code for r in codes] == [200, 200, 200, 429]
    assert int(codes[-1]["Retry-After"]) == 31


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["", "Bearer uhb_guessed", "Bearer nonsense"])
def test_without_a_valid_token_the_address_limit_applies(client, settings, frozen_time, header):
    """Before: every one of these was a 401, however many (guessing tokens was unlimited)."""
    settings.API_ANON_RATE_LIMIT = "2/minute"
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    codes = [client.get("/api/v1/deliverables/", **extra).status_code for _ in range(3)]
    assert codes == [401, 401, 429]


@pytest.mark.django_db
def test_a_new_window_starts_afresh_and_the_old_one_is_deleted():
    assert throttling.hit("user:1", 60, now=MOMENT) == (1, 31)
    assert throttling.hit("user:1", 60, now=MOMENT + 1)[0] == 2
    assert throttling.hit("user:1", 60, now=MOMENT + 60)[0] == 1
    assert RateWindow.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="parallel writers need PostgreSQL (its CI run)"
)
def test_parallel_clients_never_get_past_the_limit():
    """Eight clients at once, 150 requests each, against a limit of 600: exactly 600 allowed
    (the cache's read-then-write let 685 through)."""
    barrier = threading.Barrier(8)
    allowed = []

    def client():
        try:
            barrier.wait()
            for _ in range(150):
                count, _ = throttling.hit("user:parallel", 60, now=MOMENT)
                if count <= 600:
                    allowed.append(count)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(allowed) == 600 and sorted(allowed) == list(range(1, 601))
    assert RateWindow.objects.get(key="user:parallel").count == 1200
