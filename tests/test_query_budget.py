"""Every page's query count is bounded: the same with 10× the deliverables and updates."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import PLAN_ADMINISTRATORS
from assurance.baf.models import PrincipalRisk, RiskAssurance, RiskCommitteeView, RiskScore
from assurance.models import AssuranceReview
from objectives.models import Measure, Quarter
from tests.assurance.baf.factories import PrincipalRiskFactory, control, review_assurance
from tests.assurance.factories import AssuranceGroupFactory
from tests.deliverables.factories import DeliverableFactory, OwnerFactory, StatusUpdateFactory
from tests.factories import UserFactory
from tests.objectives.factories import (
    MeasureFactory,
    ObjectiveFactory,
    PlanFactory,
    ThemeFactory,
)

PAGES = [
    ("home", {}),
    ("reporting:dashboard", {}),
    ("deliverables:rag_grid", {}),
    ("reporting:deliverable_list", {}),
    ("reporting:deliverable_list", {"query": "status=green&owner=CDO"}),
    ("reporting:deliverable_export", {"args": ["csv"]}),
    ("reporting:deliverable_export", {"args": ["xlsx"]}),
    ("deliverables:my_updates", {}),
    ("deliverables:detail", {"args": ["first"]}),
    ("reporting:my_groups", {}),
    ("objectives:plan_overview", {}),
    ("reporting:board_report", {}),
    ("reporting:board_report_xlsx", {}),
    ("reporting:group_pack", {"args": ["group"]}),
    ("planning:quarters", {}),
    ("objectives:objective_detail", {"args": ["objective"]}),
    ("objectives:measure_detail", {"args": ["measure"]}),
    ("baf:register", {}),
    ("baf:risk", {"args": ["risk"]}),
    ("baf:export", {"args": ["xlsx"]}),
]


@pytest.fixture
def world(db):
    plan = PlanFactory()
    plan.quarters.filter(number=1).update(state=Quarter.State.CLOSED)
    plan.quarters.filter(number=2).update(state=Quarter.State.OPEN)
    cdo, group = OwnerFactory(code="CDO"), AssuranceGroupFactory(code="DHG")
    user = UserFactory(role=PLAN_ADMINISTRATORS, owners=[cdo], assurance_groups=[group])
    return plan, cdo, group, user


def grow(plan, cdo, group, count):
    q1, q2 = plan.quarters.get(number=1), plan.quarters.get(number=2)
    for i in range(count):
        theme = ThemeFactory(plan=plan)
        deliverable = DeliverableFactory(
            objective=ObjectiveFactory(theme=theme),
            owners=[cdo, OwnerFactory()],
            assurance_groups=[group, AssuranceGroupFactory()],
        )
        # Each objective's measure, and more values for the first one each time.
        MeasureFactory(indicator__objective=deliverable.objective, target=50, values=[10] * 6)
        first = Measure.objects.order_by("pk").first()
        first.record_values([(date(2030 + len(first.values.all()), 1, 1), 10)], None)
        StatusUpdateFactory(deliverable=deliverable, quarter=q1, status="green")
        # A principal risk with this deliverable as its control and its review, its measure
        # and an audit as assurances, a score and its committee's view (issue 30).
        risk = PrincipalRiskFactory(plan=plan, owner=cdo, lead_committee=group)
        risk.objectives.add(deliverable.objective)
        control(risk, deliverable, effectiveness="effective")
        review_assurance(risk, deliverable, group)
        RiskAssurance.objects.create(risk=risk, kind="measure", line=2, measure=first)
        RiskScore.objects.create(risk=risk, quarter=q2, likelihood=3, consequence=3, rationale="x")
        RiskCommitteeView.objects.create(
            risk=risk, quarter=q1, assurance_group=group, level="limited"
        )
        AssuranceReview.objects.create(
            deliverable=deliverable, quarter=q2, assurance_group=group, level="reasonable"
        )
        if i % 2:
            StatusUpdateFactory(
                deliverable=deliverable,
                quarter=q2,
                status="amber",
                reason_for_change="x",
                expected_date="2021-12-01",
            )


def count_queries(client, name, options):
    from assurance.models import AssuranceGroup
    from deliverables.models import Deliverable

    args = options.get("args", [])
    if args == ["first"]:
        args = [Deliverable.objects.natural_order().first().pk]
    if args == ["objective"]:
        args = [Measure.objects.order_by("pk").first().indicator.objective_id]
    if args == ["measure"]:
        args = [Measure.objects.order_by("pk").first().pk]
    if args == ["risk"]:
        args = [PrincipalRisk.objects.order_by("pk").first().pk]
    if args == ["group"]:
        args = [AssuranceGroup.objects.get(code="DHG").pk]
    url = reverse(name, args=args) + ("?" + options["query"] if "query" in options else "")
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        response.getvalue()  # a streamed download reads the database as it is sent
    assert response.status_code in (200, 302), (name, response.status_code)
    return len(context.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "options"), PAGES, ids=[f"{n}{o}" for n, o in PAGES])
def test_queries_do_not_grow_with_the_data(client, world, name, options):
    plan, cdo, group, user = world
    client.force_login(user)
    grow(plan, cdo, group, 3)
    small = count_queries(client, name, options)
    grow(plan, cdo, group, 27)  # 10× the deliverables, owners, groups and updates
    assert count_queries(client, name, options) == small
    assert small <= 40
