"""Next year's plan and rolling unfinished work over into it; the demo that reads naturally."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.roles import PLAN_ADMINISTRATORS, VIEWERS
from deliverables.models import Deliverable
from objectives.models import Plan, Quarter
from planning import rollover as plans
from tests.deliverables.factories import StatusUpdateFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(role=PLAN_ADMINISTRATORS, is_staff=True)


@pytest.fixture
def next_year(plan_2021, admin):
    return plans.start_plan(financial_year="2022/23", title="UHB SIP", user=admin)


def test_a_new_plan_has_its_quarters_and_nhs_deadlines(next_year):
    quarters = list(next_year.quarters.order_by("number"))
    assert [q.deadline for q in quarters] == [
        datetime.date(2022, 7, 15),
        datetime.date(2022, 10, 15),
        datetime.date(2023, 1, 15),
        datetime.date(2023, 4, 15),
    ]
    assert next_year.start_date == datetime.date(2022, 4, 1)
    assert next_year.history.get().history_user is not None


def test_pages_default_to_the_plan_whose_year_contains_today(plan_2021, next_year):
    assert Plan.objects.current(datetime.date(2021, 11, 1)) == plan_2021
    assert Plan.objects.current(datetime.date(2023, 3, 31)) == next_year
    assert Plan.objects.current(datetime.date(2030, 1, 1)) == next_year  # else the latest


def test_roll_over_skips_finished_work_and_keeps_links_order_and_history(
    plan_2021, next_year, admin
):
    q1 = plan_2021.quarters.get(number=1)
    done = Deliverable.objects.get(objective__number=6, number=5)
    closed = Deliverable.objects.get(objective__number=2, number=1)
    StatusUpdateFactory(deliverable=done, quarter=q1, status="complete")
    StatusUpdateFactory(deliverable=closed, quarter=q1, status="closed", reason_for_change="x")
    candidates = plans.candidates(plan_2021, next_year)
    chosen = [c.deliverable.pk for c in candidates if c.chosen_by_default]
    assert done.pk not in chosen and closed.pk not in chosen and len(chosen) == 61

    carried = plans.roll_over(
        source=plan_2021, target=next_year, deliverable_ids=chosen, user=admin
    )
    assert len(carried) == 61
    new = Deliverable.objects.in_plan(next_year).get(objective__number=1, number=2)
    origin = Deliverable.objects.in_plan(plan_2021).get(objective__number=1, number=2)
    assert new.carried_from == origin
    assert [o.code for o in new.ordered_owners] == ["CFO", "CWIO"]
    assert [g.label for g in new.ordered_assurance_groups] == [
        "ERP Steering Committee",
        "Business Systems Board",
        "CEAG",
    ]
    assert new.history.get().history_change_reason == "Rolled over from 2021/22 1.2"
    assert new.history.get().history_user == admin
    # Themes and objectives came too, with the objective's key indicators.
    assert next_year.objectives.get(number=3).key_indicators.count() == 7
    # Again: nothing is carried twice.
    assert (
        plans.roll_over(source=plan_2021, target=next_year, deliverable_ids=chosen, user=admin)
        == []
    )


def test_a_taken_reference_gets_the_next_free_number(plan_2021, next_year, admin):
    origin = Deliverable.objects.in_plan(plan_2021).get(objective__number=6, number=1)
    plans.roll_over(source=plan_2021, target=next_year, deliverable_ids=[origin.pk], user=admin)
    taken = Deliverable.objects.in_plan(next_year).get()
    taken.carried_from = None
    taken.save()
    (again,) = plans.roll_over(
        source=plan_2021, target=next_year, deliverable_ids=[origin.pk], user=admin
    )
    assert again.renumbered and again.new.reference == "6.2"


def test_finished_is_the_stored_position_not_the_latest_status(plan_2021, next_year):
    """Q2 Red, then a correction makes Q1 Complete: every page says "Completed earlier", so
    roll-over does not tick it to carry as Red (issue 26: the two rules disagreed)."""
    q1, q2 = plan_2021.quarters.get(number=1), plan_2021.quarters.get(number=2)
    d = Deliverable.objects.get(objective__number=6, number=4)
    StatusUpdateFactory(deliverable=d, quarter=q2, status="red", expected_date="2022-01-31")
    StatusUpdateFactory(deliverable=d, quarter=q1, status="complete")
    (candidate,) = [c for c in plans.candidates(plan_2021, next_year) if c.deliverable == d]
    assert candidate.status == "red"  # the latest status, still shown
    assert not candidate.chosen_by_default
    assert candidate.status_label == "Completed earlier"


class TestOneReportingQuarter:
    """Pages, My updates and reminders ask one rule which quarter people report on (issue 26:
    with two plans' quarters open, reminders chased one and linked to a page showing the
    other)."""

    @pytest.fixture
    def both_open(self, plan_2021, next_year, cdo, settings):
        from tests.deliverables.factories import DeliverableFactory

        settings.REMINDER_DAYS_BEFORE = [7, 15]  # 8 April and 31 March, for 15 April
        old_q4, new_q1 = plan_2021.quarters.get(number=4), next_year.quarters.get(number=1)
        for quarter in (old_q4, new_q1):  # saved, so stored positions follow
            quarter.state, quarter.deadline = Quarter.State.OPEN, datetime.date(2022, 4, 15)
            quarter.save()
        person = UserFactory(username="owner", email="owner@nhs.net", owners=[cdo])
        DeliverableFactory(objective__theme__plan=next_year, owners=[cdo])  # 2021/22 has its own
        return old_q4, new_q1, person

    @pytest.mark.parametrize("today, which", [("2022-04-08", 1), ("2022-03-31", 0)])
    def test_everything_speaks_of_the_same_quarter(
        self, client, both_open, today, which, monkeypatch
    ):
        from deliverables.filters import DeliverableFilter
        from planning.reminders import planned

        expected = both_open[which]
        day = datetime.date.fromisoformat(today)
        assert Quarter.objects.current(day) == expected
        assert Plan.objects.current(day) == expected.plan
        assert {m.quarter for m in planned(day)} == {expected}
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: day)
        assert DeliverableFilter({}).quarter_obj == expected
        client.force_login(both_open[2])
        page = client.get(reverse("deliverables:my_updates"))
        assert page.context["quarter"] == expected

    def test_a_plan_without_an_open_quarter_gives_way_to_the_latest_that_has_one(
        self, plan_2021, next_year
    ):
        q4 = plan_2021.quarters.get(number=4)
        Quarter.objects.filter(pk=q4.pk).update(state=Quarter.State.OPEN)
        day = datetime.date(2022, 4, 8)  # in 2022/23, whose quarters are not open yet
        assert Quarter.objects.current(day) == q4 and Plan.objects.current(day) == plan_2021


def test_roll_over_only_into_a_later_plan(plan_2021, next_year, admin):
    with pytest.raises(ValidationError):
        plans.roll_over(source=next_year, target=plan_2021, deliverable_ids=[], user=admin)


def test_the_roll_over_page_previews_then_carries_and_links_both_ways(
    client, plan_2021, next_year, admin
):
    client.force_login(UserFactory(role=VIEWERS))
    url = reverse("planning:plan_rollover", args=[next_year.pk])
    assert client.get(url).status_code == 403
    client.force_login(admin)
    page = client.get(url).content.decode()
    assert page.count('type="checkbox"') == 63 and page.count(" checked>") == 63
    assert not Deliverable.objects.in_plan(next_year).exists()  # the page wrote nothing
    origin = Deliverable.objects.in_plan(plan_2021).get(objective__number=6, number=4)
    response = client.post(url, {f"d{origin.pk}-carry": "on"}, follow=True)
    assert "Rolled 1 deliverables over" in response.content.decode()
    new = Deliverable.objects.in_plan(next_year).get()
    assert new.delivery == "Q1-4"  # re-baselined: the whole of the new year
    new_page = client.get(reverse("deliverables:detail", args=[new.pk])).content.decode()
    assert "Carried over from" in new_page and "2021/22 6.4" in new_page
    old_page = client.get(reverse("deliverables:detail", args=[origin.pk])).content.decode()
    assert "Carried on in" in old_page and "2022/23 6.4" in old_page


@pytest.mark.parametrize("year", ["9999/00", "0000/01"])
def test_a_year_outside_the_range_is_refused_on_the_page_and_by_the_command(
    client, plan_2021, admin, year, tmp_path
):
    client.force_login(admin)
    response = client.post(reverse("planning:plan_start"), {"financial_year": year, "title": "Far"})
    assert response.status_code == 200
    assert "Enter a financial year from 1948/49 to 2099/00" in response.content.decode()
    path = tmp_path / "plan.csv"
    path.write_text("theme_number\n")
    with pytest.raises(CommandError, match="--plan: Enter a financial year from"):
        call_command("import_plan", str(path), "--plan", year)
    assert not Plan.objects.filter(financial_year=year).exists()


def test_the_start_page_prefills_next_year_and_refuses_a_year_twice(client, plan_2021, admin):
    client.force_login(admin)
    form = client.get(reverse("planning:plan_start")).context["form"]
    assert form.initial["financial_year"] == "2022/23"
    response = client.post(
        reverse("planning:plan_start"), {"financial_year": "2021/22", "title": "Again"}
    )
    assert "There is already a 2021/22 plan" in response.content.decode()
    response = client.post(
        reverse("planning:plan_start"), {"financial_year": "2022/23", "title": "New"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "planning:plan_rollover", args=[Plan.objects.get(financial_year="2022/23").pk]
    )


def test_the_demo_rolls_over_into_todays_year_with_a_live_deadline(plan_2021, settings):
    today = datetime.date(2026, 11, 28)
    call_command("seed_demo", force=True, today=today, stdout=io.StringIO())
    current = Plan.objects.current(today)
    assert current.financial_year == "2026/27"
    open_quarter = Quarter.objects.current()
    assert (open_quarter.plan, open_quarter.number) == (current, 3)
    assert open_quarter.deadline == datetime.date(2027, 1, 15) > today
    assert [q.state for q in current.quarters.order_by("number")] == [
        "closed",
        "closed",
        "open",
        "upcoming",
    ]
    # 2021/22 stays, closed, as history; finished work stayed behind.
    assert not plan_2021.quarters.filter(state="open").exists()
    carried = Deliverable.objects.in_plan(current)
    assert 0 < carried.count() < 63
    assert all(d.carried_from_id for d in carried)
    assert not carried.filter(carried_from__objective__number=6, carried_from__number=5).exists()
    # Its key indicators have values to last month, so the SPC charts are current too.
    from objectives.models import Measure

    latest = max(v.period for m in Measure.objects.in_plan(current) for v in m.values.all())
    assert latest == datetime.date(2026, 10, 1)
    # Again: nothing more.
    count = Deliverable.objects.count()
    call_command("seed_demo", force=True, today=today, stdout=io.StringIO())
    assert Deliverable.objects.count() == count
