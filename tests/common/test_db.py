"""A conflict of locks is tried again, then explained; never an outage page (issue 25)."""

import pytest
from django.db import OperationalError
from django.urls import reverse

from common.db import ATTEMPTS, Busy, retried
from deliverables.models import StatusUpdate
from tests.deliverables.test_views import form_data


class _Cause(Exception):
    def __init__(self, pgcode):
        self.pgcode = pgcode


def conflict(pgcode="40P01"):
    error = OperationalError("deadlock detected")
    error.__cause__ = _Cause(pgcode)
    return error


def test_a_deadlock_is_tried_again_with_the_objects_as_they_were(transactional_db):
    from tests.deliverables.factories import DeliverableFactory

    record = DeliverableFactory.build()
    calls = []

    @retried
    def work(*, record):
        calls.append((record.description, record._state.adding))
        record.description = "changed by a failed attempt"
        record._state.adding = False  # as a save does, in place
        if len(calls) < ATTEMPTS:
            raise conflict()
        return "done"

    original = record.description
    assert work(record=record) == "done"
    assert calls == [(original, True)] * ATTEMPTS


def test_after_the_last_attempt_it_is_busy_and_other_errors_pass(transactional_db):
    @retried
    def always():
        raise conflict("40001")

    with pytest.raises(Busy):
        always()

    @retried
    def unreachable():
        raise conflict(None)

    with pytest.raises(OperationalError):
        unreachable()


@pytest.mark.django_db
def test_the_update_page_says_try_again_instead_of_503(
    client, people, cdo_deliverable, q2, monkeypatch
):
    def busy(**kwargs):
        raise Busy()

    monkeypatch.setattr("deliverables.views.status_update_save", busy)
    client.force_login(people["cdo"])
    url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
    response = client.post(url, form_data(cdo_deliverable))
    assert response.status_code == 200
    assert "Please try again" in response.content.decode()
    assert not StatusUpdate.objects.exists()
