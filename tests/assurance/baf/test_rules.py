"""The BAF's gap rules, table by table (assurance.baf.rules), and the same rules read from the
plan's own evidence through the pages people use (issue 30)."""

import datetime

import pytest
from django.urls import reverse

from assurance.baf import rules
from assurance.baf.models import RiskAssurance, RiskCommitteeView
from assurance.baf.register import register
from assurance.models import AssuranceReview
from deliverables.positions import Position
from tests.assurance.baf.factories import PrincipalRiskFactory, control, review_assurance
from tests.deliverables.factories import StatusUpdateFactory

C = rules.ControlEvidence


@pytest.mark.parametrize(
    ("evidence", "raised"),
    [
        (C(1, "x", "effective", 7, "3.2", Position.UPDATED, "red"), "3.2 is Off track (Red) in Q2"),
        (C(1, "x", "effective", 7, "3.2", Position.UPDATED, "amber"), None),
        (C(1, "x", "effective", 7, "3.2", Position.UPDATED, "green"), None),
        (C(1, "x", "effective", 7, "3.2", Position.DEFERRED, "deferred"), "3.2 was deferred in Q2"),
        (C(1, "x", "effective", 7, "3.2", Position.OVERDUE, None), "3.2 is overdue"),
        (
            C(1, "x", "effective", 7, "3.2", Position.UPDATED, "amber", past_window=True),
            "3.2 is overdue",
        ),
        (C(1, "x", "effective", 7, "3.2", Position.MISSING, None), None),  # not due yet
        (
            C(1, "x", "effective", 7, "3.2", Position.MISSING, None, deadline_passed=True),
            "3.2 is missing its Q2 update",
        ),
        (C(1, "x", "effective", 7, "3.2", Position.COMPLETE, "complete"), None),
        (C(1, "Fire policy", "ineffective"), "Fire policy is rated ineffective"),
        (C(1, "Fire policy", "partial"), None),
    ],
)
def test_control_gaps(evidence, raised):
    gap = rules.control_gap(evidence, "Q2")
    if raised is None:
        assert gap is None
    else:
        assert gap.kind == rules.CONTROL
        assert gap.key == "control:1"
        assert raised in gap.source


R = rules.Reading


@pytest.mark.parametrize(
    ("readings", "expected"),
    [
        ([], ["assurance:none"]),
        ([R("assurance:1", 1, "first line only", spc="pass")], ["assurance:none"]),
        ([R("assurance:1:2", 2, "DHG review", level="reasonable")], []),
        ([R("assurance:1:2", 2, "DHG review", level="limited")], ["assurance:1:2"]),
        ([R("assurance:3", 3, "Audit", level="none")], ["assurance:3"]),
        ([R("view", 2, "View", level="substantial")], []),
        (
            [R("view", 2, "View", level="substantial"), R("assurance:4", 1, "SPC", spc="fail")],
            ["assurance:4"],
        ),
    ],
)
def test_assurance_gaps(readings, expected):
    evidence = rules.Evidence("Q2", controls=[C(1, "x", "effective")], readings=readings)
    assert [g.key for g in rules.gaps(evidence) if g.kind == rules.ASSURANCE] == expected


def test_a_risk_without_controls_has_a_gap_in_control():
    found = rules.gaps(rules.Evidence("Q2", readings=[R("view", 2, "View", level="reasonable")]))
    assert [g.key for g in found] == ["control:none"]


def test_readings_say_whether_they_are_positive():
    assert R("k", 2, "s", level="reasonable").positive is True
    assert R("k", 2, "s", level="limited").positive is False
    assert R("k", 1, "s", spc="fail").positive is False
    assert R("k", 1, "s", spc="").positive is None


# Through the real path: the evidence is the plan's, the gap appears without editing the BAF.


@pytest.fixture
def risk(plan, cdo, dhg):
    return PrincipalRiskFactory(plan=plan, owner=cdo, lead_committee=dhg)


def test_a_red_update_on_a_control_is_a_gap_in_the_same_request(
    client, people, risk, q2, cdo_deliverable
):
    control(risk, cdo_deliverable, effectiveness="effective")
    client.force_login(people["cdo"])
    url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, q2.number])
    prefix = f"d{cdo_deliverable.pk}-"
    fields = {
        "status": "red",
        "narrative": "Supplier failed.",
        "reason_for_change": "Supplier failed.",
        "red_date_day": "31",
        "red_date_month": "3",
        "red_date_year": "2022",
        "version": "0",
    }
    response = client.post(url, {prefix + k: v for k, v in fields.items()})
    assert response.status_code == 302
    page = client.get(reverse("baf:risk", args=[risk.pk]) + "?quarter=2")
    text = page.content.decode()
    assert f"{cdo_deliverable.reference} is Off track (Red) in Q2" in text
    [state] = register(q2)
    # The gap's key names the control by its deliverable, so an action stays with it.
    assert [g.gap.key for g in state.control_gaps] == [f"control:d{cdo_deliverable.pk}"]


def test_two_quarters_without_independent_assurance_raise_a_gap(risk, q1, q2, cdo_deliverable, dhg):
    control(risk, cdo_deliverable, effectiveness="effective")
    review_assurance(risk, cdo_deliverable, dhg)
    [state] = register(q2)
    assert "assurance:none" in [g.gap.key for g in state.assurance_gaps]
    # A review in the quarter before counts: the last two quarters.
    AssuranceReview.objects.create(
        deliverable=cdo_deliverable, quarter=q1, assurance_group=dhg, level="reasonable"
    )
    [state] = register(q2)
    assert state.assurance_gaps == []


def test_a_limited_review_raises_a_gap_and_a_better_one_closes_it(risk, q2, cdo_deliverable, dhg):
    control(risk, cdo_deliverable, effectiveness="effective")
    assurance = review_assurance(risk, cdo_deliverable, dhg)
    review = AssuranceReview.objects.create(
        deliverable=cdo_deliverable, quarter=q2, assurance_group=dhg, level="limited"
    )
    [state] = register(q2)
    [gap] = state.assurance_gaps
    assert gap.gap.key == f"assurance:r{assurance.deliverable_id}:{dhg.pk}"
    assert "DHG review of" in gap.gap.source and "Limited" in gap.gap.source
    review.level = "substantial"
    review.save()
    [state] = register(q2)
    assert state.assurance_gaps == []


def test_an_audit_counts_in_its_two_quarters_only(risk, q2, cdo_deliverable):
    control(risk, cdo_deliverable, effectiveness="effective")
    RiskAssurance.objects.create(
        risk=risk,
        kind="audit",
        line=3,
        title="Cyber security",
        date=datetime.date(2021, 8, 1),
        opinion="limited",
    )
    [state] = register(q2)
    assert [g.gap.source for g in state.assurance_gaps] == [
        "Internal audit report: Cyber security (1 Aug 2021): Limited"
    ]
    RiskAssurance.objects.filter(risk=risk).update(date=datetime.date(2020, 8, 1))
    [state] = register(q2)
    assert [g.gap.key for g in state.assurance_gaps] == ["assurance:none"]


def test_the_committee_view_is_second_line(risk, q2, cdo_deliverable, dhg):
    control(risk, cdo_deliverable, effectiveness="effective")
    RiskCommitteeView.objects.create(risk=risk, quarter=q2, assurance_group=dhg, level="none")
    [state] = register(q2)
    assert [g.gap.key for g in state.assurance_gaps] == ["view"]


def test_a_green_update_clears_the_control_gap(risk, q2, cdo_deliverable):
    control(risk, cdo_deliverable, effectiveness="effective")
    update = StatusUpdateFactory(deliverable=cdo_deliverable, quarter=q2, status="red")
    [state] = register(q2)
    assert len(state.control_gaps) == 1
    update.status = "green"
    update.save()
    [state] = register(q2)
    assert state.control_gaps == []
