"""Committee findings reach the owner: actions from reviews, the owner's response, the
secretary's closing and reopening, and where they show."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assurance import services
from assurance.models import AssuranceReview, ReviewAction


def record(people, deliverable, quarter, group, actions, level="limited", version=0):
    review = AssuranceReview.objects.filter(
        deliverable=deliverable, quarter=quarter, assurance_group=group
    ).first() or AssuranceReview(deliverable=deliverable, quarter=quarter, assurance_group=group)
    review.level, review.comments, review.actions_requested = level, "Needs a plan.", actions
    return services.review_save(review=review, user=people["secretary"], expected_version=version)


@pytest.fixture
def review(people, cdo_deliverable, q2, dhg):
    return record(people, cdo_deliverable, q2, dhg, "- Bring a recovery plan\n- Name a lead\n\n")


@pytest.mark.django_db
class TestActionsFromAReview:
    def test_one_action_per_line(self, review):
        assert [a.text for a in review.actions.all()] == ["Bring a recovery plan", "Name a lead"]
        assert all(
            a.is_open and a.deliverable_id == review.deliverable_id for a in review.actions.all()
        )

    def test_changing_the_lines(self, people, review, cdo_deliverable, q2, dhg):
        answered = review.actions.get(text="Name a lead")
        services.action_respond(action=answered, user=people["cdo"], response="Jo Bloggs leads.")
        record(people, cdo_deliverable, q2, dhg, "Bring a recovery plan\nReport monthly", version=1)
        texts = {a.text: a.is_open for a in ReviewAction.objects.all()}
        # Added, kept, and the answered one closed rather than lost; nothing else removed.
        assert texts == {
            "Bring a recovery plan": True,
            "Report monthly": True,
            "Name a lead": False,
        }
        record(people, cdo_deliverable, q2, dhg, "", version=2)
        assert list(ReviewAction.objects.values_list("text", flat=True)) == ["Name a lead"]


@pytest.mark.django_db
class TestWhoMayDoWhat:
    @pytest.mark.parametrize("role", ["cdo", "delegate", "admin"])
    def test_the_owners_respond(self, people, review, role):
        action = review.actions.first()
        services.action_respond(action=action, user=people[role], response="Plan by 1 Dec.")
        action.refresh_from_db()
        assert action.response == "Plan by 1 Dec." and action.responded_by == people[role]

    @pytest.mark.parametrize("role", ["cfo", "secretary", "viewer", "nobody"])
    def test_nobody_else_responds(self, people, review, role):
        with pytest.raises(PermissionDenied):
            services.action_respond(action=review.actions.first(), user=people[role], response="x")
        assert not ReviewAction.objects.exclude(response="").exists()

    @pytest.mark.parametrize("role", ["secretary", "admin"])
    def test_the_groups_secretary_closes_and_reopens(self, people, review, role):
        action = review.actions.first()
        services.action_close(action=action, user=people[role], closed=True)
        action.refresh_from_db()
        assert not action.is_open and action.closed_by == people[role]
        services.action_close(action=action, user=people[role], closed=False)
        action.refresh_from_db()
        assert action.is_open and action.closed_by is None

    @pytest.mark.parametrize("role", ["cdo", "delegate", "cfo", "viewer"])
    def test_nobody_else_closes(self, people, review, role):
        with pytest.raises(PermissionDenied):
            services.action_close(action=review.actions.first(), user=people[role], closed=True)
        assert ReviewAction.objects.open().count() == 2

    def test_a_closed_action_takes_no_response(self, people, review):
        action = review.actions.first()
        services.action_close(action=action, user=people["secretary"], closed=True)
        with pytest.raises(ValidationError):
            services.action_respond(action=action, user=people["cdo"], response="Late")


@pytest.mark.django_db
class TestWhereTheyShow:
    def test_my_updates_and_the_form(self, client, people, review, cdo_deliverable, q2):
        client.force_login(people["cdo"])
        page = client.get(reverse("deliverables:my_updates")).content.decode()
        assert "DHG: Limited" in page and "2 open actions" in page
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        panel = client.get(url, headers={"HX-Request": "true"}).content.decode()
        assert "Committee findings" in panel and "Bring a recovery plan" in panel
        assert "Needs a plan." in panel

    def test_responding_on_the_deliverable_page(self, client, people, review, cdo_deliverable):
        action = review.actions.first()
        client.force_login(people["cdo"])
        page = client.get(
            reverse("deliverables:detail", args=[cdo_deliverable.pk])
        ).content.decode()
        respond = reverse("assurance:action_respond", args=[action.pk])
        assert respond in page and "Close the action" not in page
        # An empty response is refused with a message; a real one is saved.
        response = client.post(respond, {"response": "  "})
        assert "Enter your response to the action." in response.content.decode()
        response = client.post(respond, {"response": "Plan to the board in December."}, follow=True)
        assert "Saved your response" in response.content.decode()
        assert "Plan to the board in December." in response.content.decode()

    def test_closing_on_the_deliverable_page(self, client, people, review, cdo_deliverable):
        action = review.actions.first()
        client.force_login(people["secretary"])
        page = client.get(
            reverse("deliverables:detail", args=[cdo_deliverable.pk])
        ).content.decode()
        assert "Close the action" in page
        assert reverse("assurance:action_respond", args=[action.pk]) not in page
        response = client.post(
            reverse("assurance:action_close", args=[action.pk]), {"closed": "1"}, follow=True
        )
        page = response.content.decode()
        assert "Closed the action." in page and "Reopen the action" in page
        # In history, with who did it.
        assert "Committee action closed: Bring a recovery plan" in page
        assert "Committee action requested: Name a lead" in page

    def test_the_group_pack_and_the_dashboard(self, client, people, review, dhg, q2):
        services.action_close(action=review.actions.first(), user=people["secretary"], closed=True)
        client.force_login(people["viewer"])
        pack = client.get(reverse("reporting:group_pack", args=[dhg.pk])).content.decode()
        assert 'id="open-actions"' in pack and "Name a lead" in pack
        assert "Bring a recovery plan</td>" not in pack.split('id="open-actions"')[1]
        dashboard = client.get(reverse("reporting:dashboard")).content.decode()
        assert "Open committee actions: <strong>1</strong>" in dashboard and "DHG 1" in dashboard
