"""A roll-over re-baselines (issue 27): each carried deliverable starts the new year with a
delivery window in that year (the whole year unless chosen), so nothing is overdue on its first
day; texts that promise something by a date before the year are flagged for editing."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import PLAN_ADMINISTRATORS
from deliverables.models import Deliverable
from objectives.models import Plan
from objectives.quarters import years_named_before
from planning import rollover as plans
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(role=PLAN_ADMINISTRATORS, is_staff=True)


@pytest.fixture
def next_year(plan_2021, admin):
    return plans.start_plan(financial_year="2022/23", title="UHB SIP", user=admin)


def _origin(objective, number):
    return Deliverable.objects.get(
        objective__plan__financial_year="2021/22", objective__number=objective, number=number
    )


def test_a_carried_deliverable_gets_the_whole_new_year_unless_chosen(plan_2021, next_year, admin):
    early = Deliverable.objects.in_plan(plan_2021).filter(end_quarter__lte=2).first()
    later = _origin(6, 4)
    assert early.delivery != "Q1-4"  # a window that would be over before the new year began
    plans.roll_over(
        source=plan_2021,
        target=next_year,
        deliverable_ids=[early.pk, later.pk],
        windows={later.pk: "Q2-3"},
        user=admin,
    )
    carried = {d.carried_from_id: d for d in Deliverable.objects.in_plan(next_year)}
    assert (
        carried[early.pk].delivery,
        carried[early.pk].start_quarter,
        carried[early.pk].end_quarter,
    ) == ("Q1-4", 1, 4)
    assert (
        carried[later.pk].delivery,
        carried[later.pk].start_quarter,
        carried[later.pk].end_quarter,
    ) == ("Q2-3", 2, 3)


def test_a_window_that_is_not_one_is_refused_and_nothing_is_carried(plan_2021, next_year, admin):
    origin = _origin(6, 4)
    with pytest.raises(ValidationError, match="6.4: “Q5” names Q5"):
        plans.roll_over(
            source=plan_2021,
            target=next_year,
            deliverable_ids=[origin.pk],
            windows={origin.pk: "Q5"},
            user=admin,
        )
    assert not Deliverable.objects.in_plan(next_year).exists()


def test_the_page_sets_windows_row_by_row_or_for_every_ticked_one(
    client, plan_2021, next_year, admin
):
    client.force_login(admin)
    url = reverse("planning:plan_rollover", args=[next_year.pk])
    a, b, c = _origin(1, 1), _origin(6, 4), _origin(6, 5)
    client.post(
        url,
        {
            f"d{a.pk}-carry": "on",
            f"d{a.pk}-window": "Q3",
            f"d{b.pk}-carry": "on",
            f"d{c.pk}-window": "Q4",
        },
    )
    carried = {d.carried_from_id: d.delivery for d in Deliverable.objects.in_plan(next_year)}
    assert carried == {a.pk: "Q3", b.pk: "Q1-4"}  # 6.5 was not ticked: its window is ignored
    Deliverable.objects.in_plan(next_year).delete()
    client.post(
        url,
        {
            "window_all": "From Q2",
            f"d{a.pk}-carry": "on",
            f"d{a.pk}-window": "Q3",
            f"d{b.pk}-carry": "on",
        },
    )
    assert {d.delivery for d in Deliverable.objects.in_plan(next_year)} == {"From Q2"}


def test_a_window_that_is_not_offered_is_a_form_error(client, plan_2021, next_year, admin):
    client.force_login(admin)
    url = reverse("planning:plan_rollover", args=[next_year.pk])
    origin = _origin(6, 4)
    response = client.post(url, {f"d{origin.pk}-carry": "on", f"d{origin.pk}-window": "Q9"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Deliverable.objects.in_plan(next_year).exists()


def test_the_page_ticks_all_or_none_and_shows_each_text_in_full(
    client, plan_2021, next_year, admin
):
    client.force_login(admin)
    url = reverse("planning:plan_rollover", args=[next_year.pk])
    none = client.get(url + "?select=none").content.decode()
    assert none.count('type="checkbox"') == 63 and none.count("checked") == 0
    every = client.get(url + "?select=all").content.decode()
    assert every.count('type="checkbox"') == 63
    long_text = max(
        Deliverable.objects.in_plan(plan_2021), key=lambda d: len(d.description)
    ).description
    assert long_text.split()[-1] in every  # the last word: nothing cut short


def test_texts_naming_an_earlier_date_are_flagged(client, plan_2021, next_year, admin):
    origin = _origin(6, 4)
    origin.description = "Roll out the new system to every ward by December 2021."
    origin.save()
    client.force_login(admin)
    page = client.get(reverse("planning:plan_rollover", args=[next_year.pk])).content.decode()
    assert "Names 2021: check its dates" in page
    # The plan's own four ("by December 2021"...) and the changed 6.4, in the plan's order.
    assert "5 deliverables name a date before 2022/23" in page
    assert "change their text in the plan's administration: 6.1, 6.3, 6.4, 8.1, 20.2." in page


@pytest.mark.parametrize(
    ("text", "first_year", "named"),
    [
        ("by December 2021", 2022, ["2021"]),
        ("as in the 2021/22 plan, and again by 2023", 2022, ["2021/22"]),
        ("by March 2023", 2022, []),
        ("ward 2019 beds? no: 12019 is not a year", 2022, ["2019"]),
        ("", 2022, []),
    ],
)
def test_years_named_before_a_plan_year(text, first_year, named):
    assert years_named_before(text, first_year) == named


def test_the_demo_starts_its_year_with_nothing_overdue(plan_2021):
    today = datetime.date(2026, 11, 28)
    call_command("seed_demo", force=True, today=today, stdout=io.StringIO())
    current = Plan.objects.current(today)
    carried = Deliverable.objects.in_plan(current).filter(carried_from__isnull=False)
    assert carried.exists()
    assert set(carried.values_list("delivery", flat=True)) == {"Q1-4"}
    q1 = current.quarters.get(number=1)
    assert (
        not Deliverable.objects.in_plan(current).with_status_in(q1).filter(is_overdue=True).exists()
    )
