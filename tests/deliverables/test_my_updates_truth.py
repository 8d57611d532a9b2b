"""My updates tells the truth (issue 27): the banner's counts follow the table's rule (a
deliverable updated this quarter is done, flagged when past its window), are sent again after
each save in place, and a form that holds Green past the window says so as soon as it shows."""

import pytest
from django.urls import reverse

from deliverables.models import Deliverable
from tests.deliverables.factories import DeliverableFactory, StatusUpdateFactory
from tests.deliverables.test_views import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended(plan, cdo):
    """Its window was Q1 only: in Q2 it is past its window."""
    return DeliverableFactory(
        objective__theme__plan=plan, owners=[cdo], delivery="Q1", start_quarter=1, end_quarter=1
    )


def test_an_updated_deliverable_past_its_window_counts_as_done(
    client, people, q2, ended, cdo_deliverable
):
    StatusUpdateFactory(
        deliverable=ended,
        quarter=q2,
        status="amber",
        expected_date="2021-12-31",
        reason_for_change="Late",
    )
    counts = Deliverable.objects.queue_counts(people["cdo"], q2)
    assert counts == {"overdue": 0, "missing": 1, "done": 1}
    client.force_login(people["cdo"])
    page = client.get(reverse("deliverables:my_updates")).content.decode()
    assert "2 deliverables to update: 1 missing, 0 overdue, 1 done." in page
    assert "(past its delivery window, Q1)" in page


def test_past_its_window_and_not_updated_is_overdue(people, q2, ended):
    assert Deliverable.objects.queue_counts(people["cdo"], q2)["overdue"] == 1


def test_a_save_in_place_sends_the_banner_again_with_the_new_counts(
    client, people, q2, cdo_deliverable
):
    client.force_login(people["cdo"])
    url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
    response = client.post(
        url, form_data(cdo_deliverable) | {"then": "list"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert '<p id="queue-counts" hx-swap-oob="outerHTML">' in html
    assert "1 deliverable to update: 0 missing, 0 overdue, 1 done." in html


def test_green_past_the_window_is_flagged_as_soon_as_the_form_shows(client, people, q2, ended):
    q1 = q2.plan.quarters.get(number=1)
    StatusUpdateFactory(deliverable=ended, quarter=q1, status="green")
    client.force_login(people["cdo"])
    url = reverse("deliverables:update_edit", args=[ended.pk, 2])
    page = client.get(url + "?start=previous").content.decode()
    assert "On track (Green) cannot be saved here" in page
    assert "The form holds Green, copied from the Q1 update: change it before saving." in page
    # A form not holding Green says why Green is not an option, calmly.
    plain = client.get(url).content.decode()
    assert "window ended in Q1, so it cannot be On track (Green)" in plain
    assert "cannot be saved here" not in plain
