"""Continuity of assurance across a roll-over (issue 27): the committee's open actions go on with
the carried deliverable (the same actions, answerable and closable in the new year, history
kept), its last level is shown as last year's until the group reviews the new copy, and every
count of open actions in the new year includes them."""

import pytest
from django.urls import reverse

from assurance import services
from assurance.models import AssuranceReview, ReviewAction
from objectives.models import Quarter
from planning import rollover as plans
from reporting import rollups
from reporting.board_report.data import report_data
from tests.assurance.test_actions import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(people, cdo_deliverable, q2, dhg):
    """DHG was not assured in Q2 and asked for three things; the secretary closed one."""
    review = record(
        people, cdo_deliverable, q2, dhg, "Bring a dated recovery plan\nName the SRO\nOld ask"
    )
    services.action_close(
        action=review.actions.get(text="Old ask"), user=people["secretary"], closed=True
    )
    return review


@pytest.fixture
def carried(people, plan, asked, cdo_deliverable):
    next_year = plans.start_plan(financial_year="2022/23", title="Next", user=people["admin"])
    next_year.quarters.filter(number=1).update(state=Quarter.State.OPEN)
    (moved,) = plans.roll_over(
        source=plan, target=next_year, deliverable_ids=[cdo_deliverable.pk], user=people["admin"]
    )
    return moved.new


def test_open_actions_move_with_the_deliverable_and_keep_their_history(carried, cdo_deliverable):
    assert set(carried.review_actions.values_list("text", flat=True)) == {
        "Bring a dated recovery plan",
        "Name the SRO",
    }
    # The closed one stays with the year it was closed in.
    assert list(cdo_deliverable.review_actions.values_list("text", flat=True)) == ["Old ask"]
    action = carried.review_actions.get(text="Name the SRO")
    assert action.is_open and action.review.quarter.plan.financial_year == "2021/22"
    reasons = list(action.history.values_list("history_change_reason", flat=True))
    assert reasons[0] == f"Carried over to 2022/23 {carried.reference}"


def test_the_owner_answers_and_the_secretary_closes_them_in_the_new_year(client, people, carried):
    action = carried.review_actions.get(text="Name the SRO")
    client.force_login(people["cdo"])
    response = client.post(
        reverse("assurance:action_respond", args=[action.pk]), {"response": "Jo Bloggs"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("deliverables:detail", args=[carried.pk]))
    client.force_login(people["secretary"])
    client.post(reverse("assurance:action_close", args=[action.pk]), {"closed": "1"})
    action.refresh_from_db()
    assert action.response == "Jo Bloggs" and not action.is_open


def test_the_new_copy_shows_last_years_level_until_the_group_reviews_it(
    client, people, carried, dhg
):
    client.force_login(people["cdo"])
    page = client.get(reverse("deliverables:detail", args=[carried.pk])).content.decode()
    assert "No assurance group has reviewed this deliverable yet" not in page
    assert "DHG, last year:" in page and "(Q2 2021/22)" in page
    assert "Asked by DHG in Q2 2021/22" in page
    mine = client.get(reverse("deliverables:my_updates")).content.decode()
    assert "DHG last year: Limited" in mine and "2 open actions" in mine
    # Once DHG reviews the new copy, its own level replaces last year's.
    q1 = carried.objective.plan.quarters.get(number=1)
    AssuranceReview.objects.create(
        deliverable=carried, quarter=q1, assurance_group=dhg, level="substantial"
    )
    page = client.get(reverse("deliverables:detail", args=[carried.pk])).content.decode()
    assert "DHG, last year:" not in page and "Substantial" in page


def test_every_count_of_the_new_year_includes_them(client, people, carried, dhg):
    plan = carried.objective.plan
    q1 = plan.quarters.get(number=1)
    assert rollups.open_actions(plan) == (2, [(dhg, 2)])
    assert report_data(q1)["open_actions"] == 2
    client.force_login(people["secretary"])
    pack = client.get(
        reverse("reporting:group_pack", args=[dhg.pk]) + "?plan=2022/23&quarter=1"
    ).content.decode()
    assert "Bring a dated recovery plan" in pack and "Name the SRO" in pack
    assert ReviewAction.objects.open().count() == 2
