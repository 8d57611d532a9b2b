"""Delegates and executive sign-off: where a plan asks for it, a delegate's update waits for the
executive, and counts as not submitted until approved."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from deliverables.exports import plan_rows
from deliverables.models import SignOff, StatusUpdate
from deliverables.services import UpdateConflict, status_update_save, update_sign_off
from reporting import rollups
from reporting.board_report.data import report_data


@pytest.fixture
def sign_off(plan):
    plan.requires_sign_off = True
    plan.save()
    return plan


def write(people, role, deliverable, quarter, narrative="Pilot live on two wards.", version=0):
    update = StatusUpdate.objects.filter(deliverable=deliverable, quarter=quarter).first()
    update = update or StatusUpdate(deliverable=deliverable, quarter=quarter)
    update.status, update.narrative = "green", narrative
    return status_update_save(update=update, user=people[role], expected_version=version)


def missing(quarter) -> int:
    return rollups.totals(rollups.by_theme(quarter), quarter).numbers[rollups.MISSING]


@pytest.mark.django_db
class TestStates:
    def test_off_by_default_a_delegates_update_counts_at_once(self, people, cdo_deliverable, q2):
        update = write(people, "delegate", cdo_deliverable, q2)
        assert update.sign_off == SignOff.NOT_NEEDED and missing(q2) == 0

    def test_a_delegates_update_awaits_and_does_not_count(
        self, sign_off, people, cdo_deliverable, q2
    ):
        update = write(people, "delegate", cdo_deliverable, q2, narrative="Draft by delegate")
        assert update.sign_off == SignOff.AWAITING
        assert missing(q2) == 1  # the dashboard counts it as not yet submitted
        assert "Draft by delegate" not in str(report_data(q2))
        row = next(r for r in plan_rows(q2.plan, q2) if r["reference"] == cdo_deliverable.reference)
        assert row["status"] == "Update missing" and row["narrative"] == ""
        # Approved, it counts.
        update_sign_off(update=update, user=people["cdo"], approve=True)
        update.refresh_from_db()
        assert update.sign_off == SignOff.APPROVED and update.signed_off_by == people["cdo"]
        assert missing(q2) == 0 and "Draft by delegate" in str(report_data(q2))

    def test_returned_with_a_comment_then_resubmitted(self, sign_off, people, cdo_deliverable, q2):
        update = write(people, "delegate", cdo_deliverable, q2)
        with pytest.raises(ValidationError):
            update_sign_off(update=update, user=people["cdo"], approve=False, comment=" ")
        update_sign_off(update=update, user=people["cdo"], approve=False, comment="Add the date.")
        update.refresh_from_db()
        assert update.sign_off == SignOff.RETURNED and update.sign_off_comment == "Add the date."
        assert missing(q2) == 1
        update = write(people, "delegate", cdo_deliverable, q2, version=update.version)
        assert update.sign_off == SignOff.AWAITING

    def test_the_executives_own_save_is_signed_off(self, sign_off, people, cdo_deliverable, q2):
        update = write(people, "cdo", cdo_deliverable, q2)
        assert update.sign_off == SignOff.APPROVED and missing(q2) == 0

    @pytest.mark.parametrize("role", ["delegate", "cfo", "secretary", "viewer"])
    def test_only_the_executive_or_an_administrator_signs_off(
        self, sign_off, people, cdo_deliverable, q2, role
    ):
        update = write(people, "delegate", cdo_deliverable, q2)
        with pytest.raises(PermissionDenied):
            update_sign_off(update=update, user=people[role], approve=True)
        update.refresh_from_db()
        assert update.sign_off == SignOff.AWAITING

    def test_an_administrator_may(self, sign_off, people, cdo_deliverable, q2):
        update = write(people, "delegate", cdo_deliverable, q2)
        update_sign_off(update=update, user=people["admin"], approve=True)
        update.refresh_from_db()
        assert update.sign_off == SignOff.APPROVED

    def test_only_once(self, sign_off, people, cdo_deliverable, q2):
        update = write(people, "delegate", cdo_deliverable, q2)
        update_sign_off(update=update, user=people["cdo"], approve=True)
        with pytest.raises(ValidationError):
            update_sign_off(update=update, user=people["cdo"], approve=False, comment="Late")


@pytest.mark.django_db
class TestPages:
    def test_the_executive_sees_what_awaits_them_first(
        self, client, sign_off, people, cdo_deliverable, q2
    ):
        write(people, "delegate", cdo_deliverable, q2)
        client.force_login(people["cdo"])
        page = client.get(reverse("deliverables:my_updates")).content.decode()
        assert page.index("Awaiting your sign-off (1)") < page.index("Your deliverables for Q2")
        url = reverse("deliverables:update_sign_off", args=[cdo_deliverable.pk, 2])
        assert url in page
        # The sign-off page carries the version the executive reads.
        read = client.get(url).context["form"]["version"].value()
        # Returning needs a comment; the page says so and nothing changes.
        response = client.post(url, {"decision": "return", "comment": "", "version": read})
        assert "Say what needs to change" in response.content.decode()
        assert StatusUpdate.objects.get().sign_off == SignOff.AWAITING
        response = client.post(url, {"decision": "approve", "version": read}, follow=True)
        assert "Signed off: the Q2 update" in response.content.decode()
        assert "Awaiting your sign-off" not in response.content.decode()

    def test_the_delegate_sees_whose_behalf_and_the_state(
        self, client, sign_off, people, cdo_deliverable, q2
    ):
        update = write(people, "delegate", cdo_deliverable, q2)
        client.force_login(people["delegate"])
        page = client.get(reverse("deliverables:my_updates")).content.decode()
        assert "You write updates on behalf of <strong>CDO</strong>" in page
        assert "Awaiting sign-off" in page and "Awaiting your sign-off" not in page
        update_sign_off(update=update, user=people["cdo"], approve=False, comment="Add the date.")
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        page = client.get(url).content.decode()
        assert "Returned for changes" in page and "Add the date." in page
        assert "your update waits for their approval" in page
        # Returned, it is back among the ones to do.
        rows = client.get(reverse("deliverables:my_updates")).context["groups"]
        assert [r["deliverable"] for r in rows["missing"]] == [cdo_deliverable]


@pytest.mark.django_db
class TestSignOffOfWhatWasRead:
    """The delegate saves A, the executive opens sign-off and reads A, the delegate saves B,
    the executive approves: B is never stored as approved (issue 25)."""

    def test_text_changed_since_it_was_read_is_refused_and_shown(
        self, client, sign_off, people, cdo_deliverable, q2
    ):
        write(people, "delegate", cdo_deliverable, q2, narrative="Text A")
        url = reverse("deliverables:update_sign_off", args=[cdo_deliverable.pk, 2])
        client.force_login(people["cdo"])
        page = client.get(url)
        assert "Text A" in page.content.decode()
        seen = page.context["form"]["version"].value()
        write(people, "delegate", cdo_deliverable, q2, narrative="Text B", version=seen)

        response = client.post(
            url, {"decision": "return", "version": seen, "comment": "Add the date."}
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "changed since you opened it" in html and "Text B" in html
        assert "Add the date." in html  # what they typed is kept
        stored = StatusUpdate.objects.get(deliverable=cdo_deliverable, quarter=q2)
        assert stored.sign_off == SignOff.AWAITING and stored.narrative == "Text B"
        # Having read B, they can approve it.
        again = client.post(
            url, {"decision": "approve", "version": response.context["form"]["version"].value()}
        )
        assert again.status_code == 302
        stored.refresh_from_db()
        assert stored.sign_off == SignOff.APPROVED and stored.narrative == "Text B"

    def test_the_service_refuses_a_version_it_was_not_given(
        self, sign_off, people, cdo_deliverable, q2
    ):
        first = write(people, "delegate", cdo_deliverable, q2, narrative="Text A")
        write(people, "delegate", cdo_deliverable, q2, narrative="Text B", version=first.version)
        with pytest.raises(UpdateConflict) as raised:
            update_sign_off(update=first, user=people["cdo"], approve=True)
        assert raised.value.current.narrative == "Text B"
        assert StatusUpdate.objects.get(pk=first.pk).sign_off == SignOff.AWAITING

    def test_a_form_without_the_version_signs_nothing(
        self, client, sign_off, people, cdo_deliverable, q2
    ):
        write(people, "delegate", cdo_deliverable, q2)
        client.force_login(people["cdo"])
        url = reverse("deliverables:update_sign_off", args=[cdo_deliverable.pk, 2])
        response = client.post(url, {"decision": "approve"})
        assert "This page was out of date" in response.content.decode()
        assert StatusUpdate.objects.get().sign_off == SignOff.AWAITING


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, sees",
    [
        ("viewer", False),
        ("secretary", False),
        ("cfo", False),
        ("cdo", True),
        ("delegate", True),
        ("admin", True),
    ],
)
def test_history_shows_text_awaiting_sign_off_only_to_those_who_may_write_it(
    client, sign_off, people, cdo_deliverable, q2, role, sees
):
    agreed = write(people, "delegate", cdo_deliverable, q2, narrative="Agreed wording")
    agreed = update_sign_off(update=agreed, user=people["cdo"], approve=True)
    # The delegate rewrites it: the new text waits for the executive again.
    write(people, "delegate", cdo_deliverable, q2, "Not yet agreed wording", agreed.version)
    client.force_login(people[role])
    page = client.get(reverse("deliverables:detail", args=[cdo_deliverable.pk])).content.decode()
    assert ("Not yet agreed wording" in page) is sees
    # Once approved, it counts, and everyone reads it, in history too.
    update_sign_off(update=StatusUpdate.objects.get(), user=people["cdo"], approve=True)
    page = client.get(reverse("deliverables:detail", args=[cdo_deliverable.pk])).content.decode()
    assert "Not yet agreed wording" in page
