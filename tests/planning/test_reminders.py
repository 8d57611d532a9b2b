"""send_reminders: who gets what on which day, once."""

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from assurance.models import SentReminder
from tests.deliverables.factories import DeliverableFactory, StatusUpdateFactory

DEADLINE = "2021-10-15"


def run(today, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("send_reminders", "--today", today, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def recipients():
    return sorted(message.to[0] for message in mail.outbox)


@pytest.fixture
def setup(plan, q2, people, cdo_deliverable, cfo_deliverable, settings):
    """Q2 open, deadline 15 October 2021; one CDO and one CFO deliverable missing."""
    settings.REMINDER_DAYS_BEFORE = [7]
    settings.SITE_URL = "https://plan.example"
    for user in people.values():
        user.email = f"{user.username}@example.nhs.uk"
        user.save()
    return people


@pytest.mark.django_db
class TestWhoGetsWhatWhen:
    def test_seven_days_before_owners_and_delegates(self, setup):
        run("2021-10-08")
        assert recipients() == [
            "cdo-delegate@example.nhs.uk",
            "cdo@example.nhs.uk",
            "cfo@example.nhs.uk",
        ]
        cdo_mail = next(m for m in mail.outbox if m.to == ["cdo@example.nhs.uk"])
        assert cdo_mail.subject == "[2021/22] 1 Q2 update due in 7 days"
        assert "https://plan.example/my-updates/" in cdo_mail.body
        html = cdo_mail.alternatives[0][0]
        assert '<a href="https://plan.example/my-updates/">' in html

    @pytest.mark.parametrize("today", ["2021-10-07", "2021-10-09", "2021-10-14"])
    def test_nothing_on_other_days_before_the_deadline(self, setup, today):
        run(today)
        assert mail.outbox == []

    def test_on_the_deadline(self, setup):
        run(DEADLINE)
        assert len(mail.outbox) == 3
        assert all("due today" in m.subject for m in mail.outbox)

    def test_after_the_deadline_administrators_get_the_summary(
        self, setup, cdo_deliverable, cfo_deliverable
    ):
        run("2021-10-16")
        assert recipients() == ["admin@example.nhs.uk"]
        summary = mail.outbox[0]
        assert summary.subject == "[2021/22] 2 Q2 updates missing after the deadline"
        assert (
            cdo_deliverable.reference in summary.body and cfo_deliverable.reference in summary.body
        )
        run("2021-10-20")
        assert len(mail.outbox) == 1  # once per quarter

    def test_only_what_is_still_missing(self, setup, cdo_deliverable, q2):
        StatusUpdateFactory(deliverable=cdo_deliverable, quarter=q2)
        run("2021-10-08")
        # The CDO and delegate owe nothing now; DHG's secretary hears its item is ready.
        assert recipients() == ["cfo@example.nhs.uk", "secretary@example.nhs.uk"]

    def test_secretary_told_when_their_group_is_ready(self, setup, cdo_deliverable, q2):
        run("2021-10-10")
        assert mail.outbox == []  # DHG's one item has no update yet
        StatusUpdateFactory(deliverable=cdo_deliverable, quarter=q2)
        run("2021-10-10")
        assert recipients() == ["secretary@example.nhs.uk"]
        assert mail.outbox[0].subject == "[2021/22] DHG: all 1 Q2 updates are in, ready for review"
        run("2021-10-11")
        assert len(mail.outbox) == 1

    def test_a_closed_quarter_is_never_chased(self, setup, q2):
        q2.state = "closed"
        q2.save()
        for day in ("2021-10-08", DEADLINE, "2021-10-16"):
            run(day)
        assert mail.outbox == []

    def test_owner_of_all_is_everyones(self, setup, plan):
        from tests.deliverables.factories import OwnerFactory

        everyone = DeliverableFactory(
            objective__theme__plan=plan, owners=[OwnerFactory(code="ALL")]
        )
        run("2021-10-08")
        for message in mail.outbox:
            assert everyone.reference in message.body


@pytest.mark.django_db
class TestOnceOnly:
    def test_running_twice_sends_nothing_twice(self, setup):
        run("2021-10-08")
        out, _ = run("2021-10-08")
        assert len(mail.outbox) == 3
        assert out.count("Already sent to") == 3
        assert SentReminder.objects.count() == 3

    def test_a_later_trigger_day_is_a_new_reminder(self, setup):
        run("2021-10-08")
        run(DEADLINE)
        assert len(mail.outbox) == 6

    def test_dry_run_prints_and_sends_nothing(self, setup, cdo_deliverable):
        out, _ = run("2021-10-08", "--dry-run")
        assert mail.outbox == [] and not SentReminder.objects.exists()
        assert (
            f"Would send to cdo <cdo@example.nhs.uk>: 1 Q2 update due in 7 days (1 deliverables): {cdo_deliverable.reference}"
            in out
        )
        assert "3 reminder(s) would be sent (dry run: nothing sent)" in out

    def test_a_failed_send_is_not_recorded_and_is_retried(self, setup, monkeypatch):
        from django.core.mail import EmailMultiAlternatives

        def fail(self, *args, **kwargs):
            raise OSError("SMTP down")

        monkeypatch.setattr(EmailMultiAlternatives, "send", fail)
        with pytest.raises(OSError):
            run("2021-10-08")
        assert not SentReminder.objects.exists()
        monkeypatch.undo()
        run("2021-10-08")
        assert len(mail.outbox) == 3


@pytest.mark.django_db
class TestAddresses:
    def test_users_without_an_address_are_skipped_with_a_warning(self, setup, people):
        people["cfo"].email = ""
        people["cfo"].save()
        out, err = run("2021-10-08")
        assert "Skipped cfo: no e-mail address." in err
        assert "cfo@example.nhs.uk" not in recipients() and len(mail.outbox) == 2
        assert "1 skipped for want of an address" in out

    def test_inactive_users_are_not_chased(self, setup, people):
        people["delegate"].is_active = False
        people["delegate"].save()
        run("2021-10-08")
        assert "cdo-delegate@example.nhs.uk" not in recipients()

    def test_a_bad_date_is_a_clear_error(self, setup):
        with pytest.raises(CommandError, match="--today must be a date like 2021-10-08"):
            run("08/10/2021")


@pytest.mark.django_db
def test_an_administrator_who_owns_is_chased_only_for_their_own(
    setup, people, cdo, cdo_deliverable, cfo_deliverable
):
    cdo.users.add(people["admin"])
    run("2021-10-08")
    admin_mail = next(m for m in mail.outbox if m.to == ["admin@example.nhs.uk"])
    assert cdo_deliverable.reference in admin_mail.body
    assert cfo_deliverable.reference not in admin_mail.body
