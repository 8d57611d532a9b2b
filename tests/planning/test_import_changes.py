"""Importing into a plan that already exists shows what it changes (issue 27): row by row and
field by field, old → new, theme moves and owner changes included, and which deliverables
already have updates; changing those needs an explicit tick, on the page and in the command."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from deliverables.models import Deliverable
from objectives.models import Plan
from planning import importing
from tests.deliverables.factories import StatusUpdateFactory
from tests.planning.test_plan_import import admin_client, csv_of, upload  # noqa: F401

pytestmark = pytest.mark.django_db

BEFORE = (
    "1,Theme A,1,Objective A,1.1,Do the thing,Q1-4,,,CFO,DHG",
    "1,Theme A,1,Objective A,1.2,Do the other thing,Q2,,,CFO,DHG",
    "2,Theme B,2,Objective B,2.1,Something else,Q1-4,,,CDO,DHG",
)
AFTER = (
    # 1.1's text and owners change; objective 1 is renamed and moves to theme 2.
    "2,Theme B,1,Objective A renamed,1.1,Do the thing better,Q1-4,,,CFO; CDO,DHG",
    "2,Theme B,1,Objective A renamed,1.2,Do the other thing,Q2,,,CFO,DHG",
    "2,Theme B,2,Objective B,2.1,Something else,Q1-4,,,CDO,DHG",
    "2,Theme B,2,Objective B,2.2,A new one,Q3,,,CDO,DHG",
)


@pytest.fixture
def live_plan():
    reading = importing.read("plan.csv", csv_of(*BEFORE))
    importing.apply(reading, financial_year="2022/23", title="Live", create_missing=True, user=None)
    return Plan.objects.get(financial_year="2022/23")


def test_every_changed_field_is_named_with_old_and_new(live_plan):
    reading = importing.read("plan.csv", csv_of(*AFTER))
    found = {(c.what, c.field): (c.old, c.new) for c in importing.changes(reading, "2022/23")}
    assert found == {
        ("Objective 1", "title"): ("Objective A", "Objective A renamed"),
        ("Objective 1", "theme"): ("Theme 1", "Theme 2"),
        ("Deliverable 1.1", "description"): ("Do the thing", "Do the thing better"),
        ("Deliverable 1.1", "owners"): ("CFO", "CFO; CDO"),
        ("Deliverable 2.2", "new"): ("", "A new one"),
    }
    same = importing.read("plan.csv", csv_of(*BEFORE))
    assert importing.changes(same, "2022/23") == []


def test_changing_a_deliverable_with_updates_needs_the_tick(live_plan):
    updated = Deliverable.objects.in_plan(live_plan).get(objective__number=1, number=1)
    StatusUpdateFactory(deliverable=updated, quarter=live_plan.quarters.get(number=1))
    reading = importing.read("plan.csv", csv_of(*AFTER))
    assert importing.updated_changes(importing.changes(reading, "2022/23")) == ["1.1"]
    with pytest.raises(ValidationError, match="These deliverables already have updates .*: 1.1"):
        importing.apply(reading, financial_year="2022/23", title="", create_missing=True, user=None)
    updated.refresh_from_db()
    assert updated.description == "Do the thing"  # nothing written
    importing.apply(
        reading,
        financial_year="2022/23",
        title="",
        create_missing=True,
        user=None,
        change_updated=True,
    )
    updated.refresh_from_db()
    assert updated.description == "Do the thing better"


def test_the_page_lists_the_changes_and_asks_for_the_tick(admin_client, live_plan):  # noqa: F811
    updated = Deliverable.objects.in_plan(live_plan).get(objective__number=1, number=1)
    StatusUpdateFactory(deliverable=updated, quarter=live_plan.quarters.get(number=1))
    page = upload(admin_client, csv_of(*AFTER), title="").content.decode()
    assert "What would change in 2022/23" in page
    assert "Objective A renamed" in page and "Theme 2" in page
    assert "1 deliverable with updates would change" in page and "Has updates" in page
    token = upload(admin_client, csv_of(*AFTER), title="").context["token"]
    url = reverse("planning:plan_import")
    refused = admin_client.post(url, {"preview": token}, follow=True).content.decode()
    assert "These deliverables already have updates" in refused
    updated.refresh_from_db()
    assert updated.description == "Do the thing"
    admin_client.post(url, {"preview": token, "change_updated": "on"})
    updated.refresh_from_db()
    assert updated.description == "Do the thing better"


def test_the_command_prints_the_same_changes_and_needs_the_flag(live_plan, tmp_path):
    updated = Deliverable.objects.in_plan(live_plan).get(objective__number=1, number=1)
    StatusUpdateFactory(deliverable=updated, quarter=live_plan.quarters.get(number=1))
    path = tmp_path / "plan.csv"
    path.write_bytes(csv_of(*AFTER))
    out = io.StringIO()
    call_command("import_plan", str(path), "--plan", "2022/23", "--dry-run", stdout=out)
    text = out.getvalue()
    assert (
        "Change Deliverable 1.1, description [has updates]: 'Do the thing' -> 'Do the thing better'"
        in text
    )
    assert "Change Objective 1, theme: 'Theme 1' -> 'Theme 2'" in text
    assert "New: Deliverable 2.2" in text
    with pytest.raises(CommandError, match="--change-updated"):
        call_command("import_plan", str(path), "--plan", "2022/23", stdout=io.StringIO())
    call_command(
        "import_plan", str(path), "--plan", "2022/23", "--change-updated", stdout=io.StringIO()
    )
    updated.refresh_from_db()
    assert updated.description == "Do the thing better"
