"""Measures continue across plan years (issue 27): rolling an objective over continues its
measures as one series (one chart, the year boundary marked), found from either year, and
listed once to the person who keeps them."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import PLAN_ADMINISTRATORS
from deliverables.models import Deliverable
from objectives.measures import charts
from objectives.models import KeyIndicator, Measure, Plan
from planning import rollover as plans
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(role=PLAN_ADMINISTRATORS, is_staff=True)


@pytest.fixture
def measured(plan_2021, admin):
    """Objective 3's first indicator measured monthly from April 2021 to March 2022."""
    indicator = KeyIndicator.objects.filter(objective__plan=plan_2021, objective__number=3).first()
    measure = Measure.objects.create(
        indicator=indicator, name="Missed doses", unit="%", direction="decrease", data_owner=admin
    )
    months = [datetime.date(2021 + (m > 12), (m - 1) % 12 + 1, 1) for m in range(4, 16)]
    measure.record_values([(p, Decimal("3.1") + i % 3) for i, p in enumerate(months)], admin)
    return measure


@pytest.fixture
def next_year(plan_2021, admin, measured):
    plan = plans.start_plan(financial_year="2022/23", title="Next", user=admin)
    carried = Deliverable.objects.in_plan(plan_2021).filter(objective__number=3)[:1]
    plans.roll_over(source=plan_2021, target=plan, deliverable_ids=[carried[0].pk], user=admin)
    return plan


def test_the_measure_goes_on_with_its_objective_as_one_series(plan_2021, next_year, measured):
    measured.refresh_from_db()
    new_indicator = measured.indicator
    assert new_indicator.objective.plan == next_year
    old = KeyIndicator.objects.get(objective__plan=plan_2021, line=new_indicator.line)
    assert old.text == new_indicator.text and old.pk != new_indicator.pk
    assert Measure.objects.count() == 1 and measured.values.count() == 12
    # Found from either year: one measure, one series.
    assert list(Measure.objects.in_plan(plan_2021)) == [measured]
    assert list(Measure.objects.in_plan(next_year)) == [measured]
    assert measured.history.first().history_change_reason == "Continued in 2022/23"


def test_both_years_objective_pages_chart_it_and_mark_the_year_boundary(
    client, admin, plan_2021, next_year, measured
):
    measured.record_values([(datetime.date(2022, 4, 1), Decimal("2.9"))], admin)
    client.force_login(admin)
    for plan in (plan_2021, next_year):
        objective = plan.objectives.get(number=3)
        page = client.get(reverse("objectives:objective_detail", args=[objective.pk])).content
        assert b"Missed doses" in page and b"A new plan year begins" in page
    measured.refresh_from_db()
    chart = charts.chart(measured.analysis(), year_starts=measured.year_starts())
    assert [label for _, label in chart.years] == ["2022/23"]


def test_it_is_listed_once_to_the_person_who_keeps_it(client, admin, next_year, measured):
    assert list(Measure.objects.kept_by(admin)) == [measured]


def test_the_demo_continues_its_measures_into_todays_year(plan_2021):
    today = datetime.date(2026, 11, 28)
    call_command("seed_demo", force=True, today=today, stdout=io.StringIO())
    current = Plan.objects.current(today)
    measures = Measure.objects.in_plan(current)
    assert measures.count() == Measure.objects.count() == 8  # none made twice
    for measure in measures:
        periods = list(measure.values.order_by("period").values_list("period", flat=True))
        assert periods[0] < datetime.date(2021, 4, 1) and periods[-1] == datetime.date(2026, 10, 1)
        assert len(periods) == len(set(periods))
