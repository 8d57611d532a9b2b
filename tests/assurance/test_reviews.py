import pytest
from django.urls import reverse

from assurance.models import AssuranceReview
from tests.assurance.factories import AssuranceGroupFactory
from tests.deliverables.factories import DeliverableFactory


def review_url(group, deliverable, number=2):
    return reverse("assurance:review_edit", args=[group.pk, deliverable.pk, number])


DATA = {"level": "reasonable", "comments": "Timeline is tight.", "actions_requested": ""}


@pytest.mark.django_db
class TestReviewPermissions:
    @pytest.mark.parametrize(
        ("role", "get", "post"),
        [
            ("anonymous", 302, 302),
            ("nobody", 403, 403),
            ("viewer", 403, 403),
            ("cdo", 403, 403),  # the owner cannot rate their own deliverable
            ("secretary", 200, 302),
            ("admin", 200, 302),
        ],
    )
    def test_by_page_and_by_post(self, client, people, cdo_deliverable, dhg, q2, role, get, post):
        if role != "anonymous":
            client.force_login(people[role])
        url = review_url(dhg, cdo_deliverable)
        assert client.get(url).status_code == get
        assert client.post(url, DATA).status_code == post
        assert AssuranceReview.objects.exists() == (post == 302 and role != "anonymous")

    def test_a_secretary_of_another_group_is_refused(self, client, people, plan, dhg, q2):
        other = AssuranceGroupFactory(code="IGG")
        theirs = DeliverableFactory(objective__theme__plan=plan, assurance_groups=[other])
        client.force_login(people["secretary"])  # secretary of DHG only
        url = review_url(other, theirs)
        assert client.get(url).status_code == 403
        response = client.post(url, DATA)
        assert response.status_code == 403 and "Only this group" in response.content.decode()
        assert not AssuranceReview.objects.exists()

    def test_own_group_but_a_deliverable_it_does_not_review_is_404(
        self, client, people, dhg, cfo_deliverable, q2
    ):
        client.force_login(people["secretary"])
        assert client.post(review_url(dhg, cfo_deliverable), DATA).status_code == 404
        assert not AssuranceReview.objects.exists()


@pytest.mark.django_db
class TestRecording:
    def test_records_who_and_when_in_history(self, client, people, cdo_deliverable, dhg, q2):
        client.force_login(people["secretary"])
        response = client.post(review_url(dhg, cdo_deliverable), DATA, follow=True)
        assert "Recorded DHG&#x27;s assurance" in response.content.decode()
        review = AssuranceReview.objects.get()
        assert (review.level, review.recorded_by) == ("reasonable", people["secretary"])
        assert review.history.get().history_user == people["secretary"]
        # The second save carries the version the form loaded, as the page does.
        client.post(review_url(dhg, cdo_deliverable), DATA | {"level": "limited", "version": "1"})
        assert review.history.count() == 2
        assert AssuranceReview.objects.get().level == "limited"

    @pytest.mark.parametrize(
        ("level", "message"),
        [("", "Choose the level of assurance."), ("excellent", "Select a valid choice.")],
    )
    def test_level_is_validated(self, client, people, cdo_deliverable, dhg, q2, level, message):
        client.force_login(people["secretary"])
        response = client.post(review_url(dhg, cdo_deliverable), DATA | {"level": level})
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not AssuranceReview.objects.exists()

    def test_the_form_shows_each_levels_meaning(self, client, people, cdo_deliverable, dhg, q2):
        client.force_login(people["secretary"])
        page = client.get(review_url(dhg, cdo_deliverable)).content.decode()
        for label in ("Substantial", "Reasonable", "Limited", "No assurance"):
            assert label in page
        assert "fundamental gaps or weaknesses" in page

    def test_secretary_page_shows_the_review_and_the_link(
        self, client, people, cdo_deliverable, dhg, q2
    ):
        client.force_login(people["secretary"])
        client.post(review_url(dhg, cdo_deliverable), DATA)
        page = client.get(reverse("reporting:my_groups")).content.decode()
        assert "DHG: Reasonable assurance" in page
        assert review_url(dhg, cdo_deliverable) in page


@pytest.mark.django_db
class TestRecordAndGoToTheNext:
    """Issue 28: the secretary goes through the group's items without going back to the list."""

    def test_it_opens_the_next_item_still_without_its_review(
        self, client, people, plan, cdo_deliverable, dhg, q2
    ):
        objective = cdo_deliverable.objective
        second = DeliverableFactory(objective=objective, number=8, assurance_groups=[dhg])
        third = DeliverableFactory(objective=objective, number=9, assurance_groups=[dhg])
        AssuranceReview.objects.create(
            deliverable=second, quarter=q2, assurance_group=dhg, level="limited"
        )
        client.force_login(people["secretary"])
        back = reverse("reporting:my_groups")
        response = client.post(
            review_url(dhg, cdo_deliverable) + f"?next={back}", DATA | {"then": "next"}
        )
        # The second already has its review: on to the third, keeping the way back.
        assert response["Location"] == review_url(dhg, third) + "?next=%2Fmy-groups%2F"
        response = client.post(response["Location"], DATA | {"then": "next"}, follow=True)
        assert "Every item of DHG&#x27;s now has its review." in response.content.decode()
        assert response.redirect_chain[-1][0] == f"{back}#deliverable-{third.pk}"
        assert AssuranceReview.objects.filter(quarter=q2, assurance_group=dhg).count() == 3
