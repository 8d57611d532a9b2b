"""Drafts: what is typed into an update is kept on the server, restored on return (on any
device), private to its author, and never counted as the update anywhere."""

import datetime
import json
import re

import pytest
from django.urls import reverse

from deliverables.exports import plan_rows
from deliverables.models import StatusUpdate, UpdateDraft
from planning import reminders
from reporting import rollups
from reporting.board_report.data import report_data
from tests.deliverables.factories import StatusUpdateFactory


def draft_url(deliverable, number=2):
    return reverse("deliverables:update_draft", args=[deliverable.pk, number])


def edit_url(deliverable, number=2):
    return reverse("deliverables:update_edit", args=[deliverable.pk, number])


def typed(deliverable, **fields):
    values = {"status": "green", "narrative": "Half-written thought", "version": "0"} | fields
    return {f"d{deliverable.pk}-{key}": value for key, value in values.items()}


@pytest.mark.django_db
class TestKeepingADraft:
    def test_kept_as_typed_and_restored_on_return(self, client, people, cdo_deliverable, q2):
        client.force_login(people["cdo"])
        data = typed(cdo_deliverable, amber_date_day="31", risks="<b>not html</b>")
        response = client.post(draft_url(cdo_deliverable), data)
        assert response.status_code == 200 and "saved_at" in response.json()
        draft = UpdateDraft.objects.get()
        assert draft.data["narrative"] == "Half-written thought"
        assert draft.data["amber_date_day"] == "31"  # a half-typed date is kept too
        assert not StatusUpdate.objects.exists()
        # Coming back (another browser, the same person): the form is as they left it, with
        # no error messages for what is unfinished.
        client.logout()
        client.force_login(people["cdo"])
        page = client.get(edit_url(cdo_deliverable)).content.decode()
        assert "This is your draft from" in page
        assert "Half-written thought</textarea>" in page
        assert 'value="31"' in page and "&lt;b&gt;not html&lt;/b&gt;" in page
        assert "There is a problem" not in page
        # In place too, and My updates says a draft is waiting.
        panel = client.get(edit_url(cdo_deliverable), headers={"HX-Request": "true"})
        assert "Half-written thought" in panel.content.decode()
        assert (
            "Draft not yet saved" in client.get(reverse("deliverables:my_updates")).content.decode()
        )

    def test_only_its_author_sees_it(self, client, people, cdo_deliverable, q2):
        client.force_login(people["cdo"])
        client.post(draft_url(cdo_deliverable), typed(cdo_deliverable))
        client.force_login(people["delegate"])  # may edit the update, has no draft of it
        page = client.get(edit_url(cdo_deliverable)).content.decode()
        assert "Half-written thought" not in page and "your draft" not in page

    @pytest.mark.parametrize("role", ["cfo", "viewer", "secretary", "nobody"])
    def test_only_people_who_may_edit_can_keep_one(self, client, people, cdo_deliverable, q2, role):
        client.force_login(people[role])
        assert client.post(draft_url(cdo_deliverable), typed(cdo_deliverable)).status_code == 403
        assert not UpdateDraft.objects.exists()

    def test_signed_out_is_refused_and_keeps_nothing(self, client, cdo_deliverable, q2):
        response = client.post(draft_url(cdo_deliverable), typed(cdo_deliverable))
        assert response.status_code == 302 and not UpdateDraft.objects.exists()

    def test_not_in_a_closed_quarter(self, client, people, cdo_deliverable, q1):
        client.force_login(people["cdo"])
        response = client.post(draft_url(cdo_deliverable, 1), typed(cdo_deliverable))
        assert response.status_code == 403 and "closed" in response.json()["error"]
        assert not UpdateDraft.objects.exists()

    def test_too_long_is_a_clear_refusal(self, client, people, cdo_deliverable, q2):
        client.force_login(people["cdo"])
        data = typed(cdo_deliverable, narrative="x" * 20_000)
        response = client.post(draft_url(cdo_deliverable), data)
        assert response.status_code == 400 and "too long" in response.json()["error"]
        assert not UpdateDraft.objects.exists()

    @pytest.mark.parametrize("version", ["²", "2147483648", "9223372036854775808", "-1", "1e3"])
    def test_a_version_that_is_no_number_of_ours_is_kept_as_none(
        self, client, people, cdo_deliverable, q2, version
    ):
        client.force_login(people["cdo"])
        response = client.post(draft_url(cdo_deliverable), typed(cdo_deliverable, version=version))
        assert response.status_code == 200
        assert UpdateDraft.objects.get().base_version == 0

    def test_saving_the_update_ends_the_draft(self, client, people, cdo_deliverable, q2):
        client.force_login(people["cdo"])
        client.post(draft_url(cdo_deliverable), typed(cdo_deliverable))
        client.post(edit_url(cdo_deliverable), typed(cdo_deliverable, narrative="Done properly."))
        assert StatusUpdate.objects.get().narrative == "Done properly."
        assert not UpdateDraft.objects.exists()

    def test_discarding_it(self, client, people, cdo_deliverable, q2):
        client.force_login(people["cdo"])
        client.post(draft_url(cdo_deliverable), typed(cdo_deliverable))
        response = client.post(draft_url(cdo_deliverable), {"discard": "1"}, follow=True)
        assert "Discarded your draft" in response.content.decode()
        assert not UpdateDraft.objects.exists()
        assert "Half-written thought" not in response.content.decode()

    def test_a_draft_older_than_the_update_warns_and_conflicts_on_save(
        self, client, people, cdo_deliverable, q2
    ):
        client.force_login(people["cdo"])
        client.post(draft_url(cdo_deliverable), typed(cdo_deliverable))  # typed against v0
        StatusUpdateFactory(
            deliverable=cdo_deliverable,
            quarter=q2,
            narrative="Delegate's",
            updated_by=people["delegate"],
        )
        page = client.get(edit_url(cdo_deliverable)).content.decode()
        assert "saved this update after you wrote the draft" in page
        page = client.post(edit_url(cdo_deliverable), typed(cdo_deliverable)).content.decode()
        assert "Someone else saved this update first" in page
        assert StatusUpdate.objects.get().narrative == "Delegate's"


@pytest.mark.django_db
def test_a_draft_never_counts_as_the_update(client, people, cdo, cdo_deliverable, q2, dhg):
    """Roll-ups, the board report, exports and reminders see the deliverable as missing."""
    client.force_login(people["cdo"])
    client.post(draft_url(cdo_deliverable), typed(cdo_deliverable, status="complete"))
    assert UpdateDraft.objects.count() == 1
    totals = rollups.totals(rollups.by_theme(q2), q2)
    assert totals.status_count("green") == 0 and totals.status_count("complete") == 0
    assert totals.numbers[rollups.MISSING] == 1
    data = report_data(q2)
    assert "Half-written thought" not in json.dumps(data, default=str)
    row = next(r for r in plan_rows(q2.plan, q2) if r["reference"] == cdo_deliverable.reference)
    assert row["status"] == "Update missing" and row["narrative"] == ""
    q2.deadline = datetime.date(2021, 10, 15)
    q2.save()
    planned = reminders.planned(datetime.date(2021, 10, 15))
    chased = {d.pk for message in planned for d in message.deliverables}
    assert cdo_deliverable.pk in chased


@pytest.mark.django_db
def test_an_impossible_date_comes_back_as_typed(client, people, cdo_deliverable, q2):
    """Refused for "31 13 2021", the date boxes show what was typed, not blanks (they did)."""
    client.force_login(people["cdo"])
    data = typed(
        cdo_deliverable,
        status="amber",
        amber_date_day="31",
        amber_date_month="13",
        amber_date_year="2021",
    )
    page = client.post(edit_url(cdo_deliverable), data).content.decode()
    assert "Enter a real date" in page
    for part, value in [("day", "31"), ("month", "13"), ("year", "2021")]:
        name = f"d{cdo_deliverable.pk}-amber_date_{part}"
        assert re.search(rf'name="{name}" type="text" inputmode="numeric"\s+value="{value}"', page)
