"""Plans that end (issue 27): a plan whose year is over and which has a successor is archived:
its quarters are not opened again (a closed one can still be corrected), the quarters it never
opened say "Not reported" and have no board report; the trust reports one quarter at a time
unless the administrator confirms another; every title and admin list names the plan year."""

import datetime

import pytest
from django.urls import reverse

from accounts.roles import PLAN_ADMINISTRATORS
from deliverables.models import Deliverable
from objectives.models import Quarter
from planning import rollover as plans
from reporting import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(role=PLAN_ADMINISTRATORS, is_staff=True)


@pytest.fixture
def archived(plan_2021, admin):
    """2021/22 with Q1 and Q2 reported, Q3 and Q4 never opened, and 2022/23 begun."""
    for number in (1, 2):
        quarter = plan_2021.quarters.get(number=number)
        services.quarter_open(quarter=quarter, user=admin)
        services.quarter_close(quarter=quarter, user=admin)
    plans.start_plan(financial_year="2022/23", title="Next", user=admin)
    return plan_2021


def test_a_plan_is_archived_once_its_year_is_over_and_another_follows(archived):
    assert archived.is_archived(datetime.date(2026, 12, 6))
    assert not archived.is_archived(datetime.date(2022, 3, 31))  # its last day
    later = archived.successor
    assert later.financial_year == "2022/23" and not later.is_archived(datetime.date(2026, 12, 6))


def test_an_archived_plans_quarters_are_not_opened_again(client, admin, archived):
    q4 = archived.quarters.get(number=4)
    client.force_login(admin)
    response = client.post(reverse("planning:quarter_change", args=[q4.pk, "open"]), follow=True)
    assert (
        "2021/22 is archived: its year is over and 2022/23 follows it" in response.content.decode()
    )
    q2 = archived.quarters.get(number=2)
    client.post(reverse("planning:quarter_change", args=[q2.pk, "open"]))
    assert set(archived.quarters.values_list("state", flat=True)) == {"closed", "upcoming"}
    # A closed quarter's updates can still be corrected, as a recorded correction.
    q2.refresh_from_db()
    access = q2.write_access(admin)
    assert access.allowed and access.correction


def test_its_never_opened_quarters_are_not_reported_and_have_no_report(client, admin, archived):
    client.force_login(admin)
    cycle = client.get(reverse("planning:quarters")).content.decode()
    assert cycle.count(">Not reported</strong>") == 2
    assert "Not open yet" not in cycle.split("2022/23</h2>")[0].split("2021/22</h2>")[-1]
    q3 = archived.quarters.get(number=3)
    assert q3.state_label == "Not reported"
    assert (
        q3.write_access(admin).reason
        == "Q3 2021/22, Oct–Dec 2021 was not reported: 2021/22 is archived."
    )
    page = client.get(reverse("reporting:board_report") + "?plan=2021/22&quarter=3")
    html = page.content.decode()
    assert page.status_code == 200 and "was not reported: 2021/22 is archived" in html
    assert " due</" not in html and "Draft" not in html
    for name in ("board_report_pdf", "board_report_docx", "board_report_xlsx"):
        url = reverse(f"reporting:{name}") + "?plan=2021/22&quarter=3"
        assert client.get(url).status_code == 404


def test_one_reporting_quarter_at_a_time_unless_confirmed(client, admin, plan_2021):
    # Q4 2021/22 still open (opened before 2022/23 began) as 2022/23's Q1 comes round.
    services.quarter_open(quarter=plan_2021.quarters.get(number=4), user=admin)
    later = plans.start_plan(financial_year="2022/23", title="Next", user=admin)
    q1 = later.quarters.get(number=1)
    client.force_login(admin)
    url = reverse("planning:quarter_change", args=[q1.pk, "open"])
    page = client.post(url).content.decode()
    assert "Open Q1 2022/23 as well?" in page and "The trust reports one quarter at a time" in page
    q1.refresh_from_db()
    assert q1.state == Quarter.State.UPCOMING
    client.post(url, {"confirm_other_open": "1"})
    q1.refresh_from_db()
    assert q1.is_open


def test_titles_and_the_admin_list_name_the_plan_year(client, admin, archived):
    deliverable = Deliverable.objects.in_plan(archived).get(objective__number=5, number=2)
    client.force_login(admin)
    page = client.get(reverse("deliverables:detail", args=[deliverable.pk])).content.decode()
    assert "<title>Deliverable 5.2 (2021/22)" in page
    # Every plan's deliverables (the list opens on the current plan's).
    listing = reverse("admin:deliverables_deliverable_changelist") + "?plan=all"
    listing = client.get(listing).content.decode()
    assert "column-plan_year" in listing and ">2021/22</td>" in listing
