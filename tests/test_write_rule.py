"""Who may write in a quarter: one rule (`Quarter.write_access`), asked by both services, the
presenters and the templates. Each role against each quarter state, through each path."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assurance.models import AssuranceReview
from assurance.services import review_save
from deliverables.models import StatusUpdate
from deliverables.services import status_update_save

ROLES = ["cdo", "delegate", "secretary", "admin", "viewer", "cfo"]
# Quarter number in the `plan` fixture -> its state: Q1 closed, Q2 open, Q3 not open yet.
STATES = {1: "closed", 2: "open", 3: "upcoming"}

# (role, state) -> "write", "correct" or None, for an update of the CDO's deliverable...
UPDATE_RULE = {
    ("cdo", "open"): "write",
    ("delegate", "open"): "write",
    ("admin", "open"): "write",
    ("admin", "closed"): "correct",
}
# ...and for DHG's review of it.
REVIEW_RULE = {
    ("secretary", "open"): "write",
    ("admin", "open"): "write",
    ("admin", "closed"): "correct",
}
CASES = [(role, number) for role in ROLES for number in STATES]


def _update(deliverable, quarter):
    return StatusUpdate(
        deliverable=deliverable,
        quarter=quarter,
        status="amber",
        narrative="Progress",
        reason_for_change="Changed",
        expected_date=quarter.end,
    )


@pytest.mark.django_db
class TestTheRule:
    @pytest.mark.parametrize(("role", "number"), CASES)
    def test_write_access(self, people, plan, role, number):
        quarter = plan.quarters.get(number=number)
        access = quarter.write_access(people[role])
        state = STATES[number]
        # The quarter's part of the rule: open for anyone with the row; closed for a recorded
        # correction by a plan administrator; not open yet for nobody.
        assert access.allowed == (state == "open" or (state == "closed" and role == "admin"))
        assert access.correction == (state == "closed" and role == "admin")
        assert bool(access.reason) == (not access.allowed)


@pytest.mark.django_db
class TestServices:
    @pytest.mark.parametrize(("role", "number"), CASES)
    def test_status_update_save(self, people, plan, cdo_deliverable, role, number):
        quarter = plan.quarters.get(number=number)
        expected = UPDATE_RULE.get((role, STATES[number]))
        update = _update(cdo_deliverable, quarter)
        if expected is None:
            with pytest.raises((PermissionDenied, ValidationError)):
                status_update_save(update=update, user=people[role], expected_version=0)
            assert not StatusUpdate.objects.exists()
        else:
            saved = status_update_save(update=update, user=people[role], expected_version=0)
            assert saved.corrected_after_close == (expected == "correct")

    @pytest.mark.parametrize(("role", "number"), CASES)
    def test_review_save(self, people, plan, cdo_deliverable, dhg, role, number):
        quarter = plan.quarters.get(number=number)
        expected = REVIEW_RULE.get((role, STATES[number]))
        review = AssuranceReview(
            deliverable=cdo_deliverable, quarter=quarter, assurance_group=dhg, level="limited"
        )
        if expected is None:
            with pytest.raises((PermissionDenied, ValidationError)):
                review_save(review=review, user=people[role], expected_version=0)
            assert not AssuranceReview.objects.exists()
        else:
            saved = review_save(review=review, user=people[role], expected_version=0)
            assert saved.corrected_after_close == (expected == "correct")


@pytest.mark.django_db
class TestPages:
    @pytest.mark.parametrize("role", ROLES)
    def test_deliverable_page_links_follow_the_rule(self, client, people, cdo_deliverable, role):
        client.force_login(people[role])
        page = client.get(
            reverse("deliverables:detail", args=[cdo_deliverable.pk])
        ).content.decode()
        for number, state in STATES.items():
            url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, number])
            expected = UPDATE_RULE.get((role, state))
            assert (url in page) == (expected is not None), (role, number)
            # The correction link appears for an administrator on a closed quarter only.
            correct = f"Correct the Q{number} update"
            assert (correct in page) == (expected == "correct"), (role, number)

    @pytest.mark.parametrize(("role", "number"), CASES)
    def test_update_form_page(self, client, people, cdo_deliverable, role, number):
        client.force_login(people[role])
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, number])
        response = client.get(url)
        expected = UPDATE_RULE.get((role, STATES[number]))
        if role in ("secretary", "viewer", "cfo"):
            assert response.status_code == 403
            return
        page = response.content.decode()
        assert ('class="uhb-update-form"' in page) == (expected is not None)
        assert ("You are correcting a quarter" in page) == (expected == "correct")

    @pytest.mark.parametrize("number", list(STATES))
    @pytest.mark.parametrize("role", ["secretary", "admin"])
    def test_secretarys_list_links_follow_the_rule(
        self, client, people, dhg, cdo_deliverable, role, number
    ):
        dhg.secretaries.add(people["admin"])  # so the administrator has the page too
        client.force_login(people[role])
        page = client.get(
            reverse("reporting:my_groups") + f"?group={dhg.pk}&quarter={number}"
        ).content.decode()
        url = reverse("assurance:review_edit", args=[dhg.pk, cdo_deliverable.pk, number])
        expected = REVIEW_RULE.get((role, STATES[number]))
        assert (url in page) == (expected is not None)
        assert ("Correct DHG" in page) == (expected == "correct")

    @pytest.mark.parametrize(("role", "number"), CASES)
    def test_review_form_page(self, client, people, dhg, cdo_deliverable, role, number):
        client.force_login(people[role])
        url = reverse("assurance:review_edit", args=[dhg.pk, cdo_deliverable.pk, number])
        response = client.get(url)
        expected = REVIEW_RULE.get((role, STATES[number]))
        if role not in ("secretary", "admin"):
            assert response.status_code == 403
            return
        page = response.content.decode()
        assert ('<form method="post" novalidate>' in page) == (expected is not None)
