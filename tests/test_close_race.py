"""Writes racing a quarter's close, on PostgreSQL (issue 25): a save that commits after the close
is refused, the closed quarter's rows and its frozen report agree, and a conflict of locks is
never an outage page."""

import pytest
from django.core.exceptions import ValidationError

from assurance.models import AssuranceReview
from assurance.services import review_save
from deliverables.models import StatusUpdate
from deliverables.services import status_update_save
from objectives.models import Quarter
from reporting.models import BoardReport
from reporting.services import quarter_close
from tests.deliverables.factories import DeliverableFactory, StatusUpdateFactory
from tests.test_concurrency import POSTGRES_ONLY, run_together

pytestmark = [pytest.mark.django_db(transaction=True), POSTGRES_ONLY]

EXECUTIVES = 19
ROUNDS = 3


def write(model, service, field, pk, user, text):
    """A job: load the row, change one text, save it through its service as a page would."""

    def job():
        record = model.objects.select_related("quarter__plan").get(pk=pk)
        setattr(record, field, text)
        try:
            service(record, user=user, expected_version=record.version)
        except ValidationError:  # the quarter is closed
            return "refused"
        return "saved"

    return job


def save(pk, user, narrative):
    return write(
        StatusUpdate,
        lambda record, **kw: status_update_save(update=record, **kw),
        "narrative",
        pk,
        user,
        narrative,
    )


def review(pk, user, comments):
    return write(
        AssuranceReview,
        lambda record, **kw: review_save(review=record, **kw),
        "comments",
        pk,
        user,
        comments,
    )


def close(quarter, user):
    def job():
        quarter_close(quarter=Quarter.objects.get(pk=quarter.pk), user=user)
        return "closed"

    return job


def frozen_narratives(quarter):
    report = BoardReport.objects.get(quarter=quarter, superseded_at__isnull=True)
    return {d["id"]: d["narrative"] for d in report.data["deliverables"]}


@pytest.mark.parametrize("round", range(ROUNDS))
def test_saves_in_flight_at_the_close_are_in_its_report_or_refused(
    plan, q2, people, cdo, dhg, round
):
    updates = [
        StatusUpdateFactory(
            deliverable=DeliverableFactory(
                objective__theme__plan=plan, owners=[cdo], assurance_groups=[dhg]
            ),
            quarter=q2,
            version=1,
            narrative="Before",
        )
        for _ in range(EXECUTIVES)
    ]
    reviewed = AssuranceReview.objects.create(
        deliverable=updates[0].deliverable, quarter=q2, assurance_group=dhg, level="limited"
    )
    jobs = [save(u.pk, people["cdo"], f"Late {i}") for i, u in enumerate(updates)]
    jobs.insert(EXECUTIVES // 2, close(q2, people["admin"]))
    jobs.append(review(reviewed.pk, people["secretary"], "Late comment"))
    results = run_together(jobs)

    assert not [r for r in results if r[0] != "ok"], results
    q2.refresh_from_db()
    assert q2.is_closed
    stored = {u.deliverable_id: u.narrative for u in StatusUpdate.objects.filter(quarter=q2)}
    # Every accepted save is in the frozen report, and nothing was stored after it froze.
    assert frozen_narratives(q2) | stored == frozen_narratives(q2)
    saved = sum(1 for r in results if r[1] == "saved")
    assert saved == sum(1 for text in stored.values() if text.startswith("Late")) + (
        results[-1][1] == "saved"
    )
    assert not StatusUpdate.objects.filter(quarter=q2, corrected_after_close=True).exists()
    report = BoardReport.objects.get(quarter=q2, superseded_at__isnull=True)
    reviews = [r for d in report.data["deliverables"] for r in d["reviews"]]
    assert [r["comments"] for r in reviews] == [
        AssuranceReview.objects.get(pk=reviewed.pk).comments
    ]


def test_a_close_and_saves_never_deadlock_into_an_outage(plan, q2, people, cdo, dhg):
    """Closing refreshes every deliverable's stored position in the quarter while saves refresh
    one deliverable's across quarters: the two used to take their row locks in opposite orders
    and PostgreSQL killed one (503)."""
    for _ in range(ROUNDS):
        q2.refresh_from_db()
        if q2.is_closed:
            Quarter.objects.filter(pk=q2.pk).update(state=Quarter.State.OPEN)
        updates = [
            StatusUpdateFactory(
                deliverable=DeliverableFactory(objective__theme__plan=plan, owners=[cdo]),
                quarter=q2,
                version=1,
            )
            for _ in range(EXECUTIVES)
        ]
        jobs = [save(u.pk, people["cdo"], f"Now {i}") for i, u in enumerate(updates)]
        jobs.insert(1, close(q2, people["admin"]))
        results = run_together(jobs)
        assert not [r for r in results if r[0] != "ok"], results
