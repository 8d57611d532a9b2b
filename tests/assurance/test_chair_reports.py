"""Committee chairs' reports to the Board, Alert / Advise / Assure (issue 28): written by the
group's secretary while the quarter is open, citing the group's deliverables; in the board
report after the executive summary and in the group's pack; fixed with the report at close."""

import pytest
from django.urls import reverse

from assurance.models import AssuranceReview, ChairReportItem
from reporting.board_report.reading import report_for
from reporting.services import quarter_close
from tests.assurance.factories import AssuranceGroupFactory
from tests.deliverables.factories import DeliverableFactory

pytestmark = pytest.mark.django_db


def url(group, quarter):
    return reverse("assurance:chair_report", args=[group.pk, quarter.pk])


def point(deliverable, kind="alert", text="Not assured on the recovery plan."):
    return {"kind": kind, "text": text, "deliverables": [deliverable.pk]}


def test_the_secretary_writes_it_and_the_board_reads_it(client, people, q2, dhg, cdo_deliverable):
    AssuranceReview.objects.create(
        deliverable=cdo_deliverable, quarter=q2, assurance_group=dhg, level="limited"
    )
    client.force_login(people["secretary"])
    response = client.post(url(dhg, q2), point(cdo_deliverable))
    assert response.status_code == 302
    client.post(url(dhg, q2), {"kind": "assure", "text": "Digital delivery is on plan."})
    assert [i.kind for i in ChairReportItem.objects.of(dhg, q2)] == ["alert", "assure"]

    reports = report_for(q2).data["chair_reports"]
    assert reports[0]["group"] == "DHG"
    alert = reports[0]["alert"][0]
    assert alert["deliverables"][0]["reference"] == cdo_deliverable.reference
    assert alert["deliverables"][0]["level_label"] == "Limited"

    client.force_login(people["viewer"])
    page = client.get(reverse("reporting:board_report")).content.decode()
    summary, chairs = page.index('id="summary"'), page.index('id="chair-reports"')
    assert summary < chairs < page.index('id="exceptions"')
    assert f"Cites {cdo_deliverable.reference} (Limited assurance)" in page
    pack = client.get(reverse("reporting:group_pack", args=[dhg.pk])).content.decode()
    assert "Not assured on the recovery plan." in pack and "Digital delivery is on plan." in pack


@pytest.mark.parametrize("role", ["cdo", "viewer", "nobody"])
def test_nobody_else_writes_it(client, people, q2, dhg, role):
    client.force_login(people[role])
    response = client.post(url(dhg, q2), {"kind": "alert", "text": "x"})
    assert response.status_code == 403 and not ChairReportItem.objects.exists()


def test_another_groups_deliverable_cannot_be_cited(client, people, plan, q2, dhg):
    theirs = DeliverableFactory(
        objective__theme__plan=plan, assurance_groups=[AssuranceGroupFactory()]
    )
    client.force_login(people["secretary"])
    response = client.post(url(dhg, q2), point(theirs))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ChairReportItem.objects.exists()


def test_an_empty_point_is_a_message_and_nothing_saved(client, people, q2, dhg):
    client.force_login(people["secretary"])
    response = client.post(url(dhg, q2), {"kind": "", "text": "  "})
    page = response.content.decode()
    assert "Choose Alert, Advise or Assure." in page and "Enter what the committee reports." in page
    assert not ChairReportItem.objects.exists()


def test_fixed_at_close_and_unchanged_after_a_later_edit(client, people, q2, dhg, cdo_deliverable):
    client.force_login(people["secretary"])
    client.post(url(dhg, q2), point(cdo_deliverable, text="As the committee said it."))
    quarter_close(quarter=q2, user=people["admin"])
    q2.refresh_from_db()
    # The secretary can no longer change it...
    response = client.post(url(dhg, q2), {"kind": "advise", "text": "Added after the close."})
    assert "closed" in response.content.decode()
    assert ChairReportItem.objects.count() == 1
    # ...and whatever changes the row later, the closed report keeps what the Board saw.
    item = ChairReportItem.objects.get()
    client.force_login(people["admin"])
    edit = reverse("assurance:chair_item_edit", args=[dhg.pk, q2.pk, item.pk])
    assert client.post(edit, {"kind": "assure", "text": "A correction."}).status_code == 302
    item.refresh_from_db()
    assert item.text == "A correction."
    frozen = report_for(q2).data["chair_reports"][0]
    assert frozen["alert"][0]["text"] == "As the committee said it." and not frozen["assure"]
    client.force_login(people["viewer"])
    page = client.get(reverse("reporting:board_report") + "?quarter=2").content.decode()
    assert "As the committee said it." in page and "A correction." not in page


def test_a_point_is_removed_by_its_secretary(client, people, q2, dhg):
    client.force_login(people["secretary"])
    client.post(url(dhg, q2), {"kind": "advise", "text": "To be withdrawn."})
    item = ChairReportItem.objects.get()
    remove = reverse("assurance:chair_item_delete", args=[dhg.pk, q2.pk, item.pk])
    assert client.post(remove).status_code == 302
    assert not ChairReportItem.objects.exists()
