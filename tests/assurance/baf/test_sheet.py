"""The BAF as a spreadsheet (issue 30): export, import with a preview and row errors, a round
trip without loss, and the two commands."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from assurance.baf import sheet
from assurance.baf.models import GapNote, PrincipalRisk, RiskAssurance
from tests.assurance.baf.factories import PrincipalRiskFactory, control, review_assurance
from tests.objectives.factories import MeasureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def baf(plan, cdo, dhg, cdo_deliverable, q2):
    risk = PrincipalRiskFactory(
        plan=plan, number=1, owner=cdo, lead_committee=dhg, title="Cyber attack", cause="Old kit"
    )
    risk.objectives.add(cdo_deliverable.objective)
    control(risk, cdo_deliverable, effectiveness="partial")
    control(risk, name="Incident response plan", owner="Head of IT", effectiveness="effective")
    review_assurance(risk, cdo_deliverable, dhg)
    measure = MeasureFactory(indicator__objective=cdo_deliverable.objective, name="Outages")
    RiskAssurance.objects.create(risk=risk, kind="measure", line=2, measure=measure)
    RiskAssurance.objects.create(
        risk=risk,
        kind="external",
        line=3,
        body="CQC",
        title="Well-led review",
        date=datetime.date(2021, 9, 1),
        opinion="reasonable",
    )
    GapNote.objects.create(
        risk=risk,
        key="assurance:none",
        action="Commission an audit",
        action_owner="CDO",
        action_due=datetime.date(2022, 3, 31),
    )
    return risk


def table_of(plan, quarter):
    return sheet.rows(plan, quarter)


def test_an_unchanged_export_imports_as_nothing_to_change(baf, plan, q2):
    data = sheet.to_xlsx(table_of(plan, q2))
    reading = sheet.read("baf.xlsx", data, plan)
    assert reading.errors == []
    assert sheet.changes(reading) == []
    csv_reading = sheet.read("baf.csv", sheet.to_csv(table_of(plan, q2)).encode(), plan)
    assert csv_reading.errors == [] and sheet.changes(csv_reading) == []


def test_the_round_trip_loses_nothing(baf, plan, q2, admin_user):
    before = table_of(plan, q2)
    PrincipalRisk.objects.all().delete()  # the links go with it
    reading = sheet.read("baf.xlsx", sheet.to_xlsx(before), plan)
    assert sheet.changes(reading) == ["BAF 1: new risk “Cyber attack”."]
    sheet.apply(reading, admin_user)
    assert table_of(plan, q2) == before
    risk = PrincipalRisk.objects.get()
    assert risk.history.first().history_change_reason == "Imported from a BAF spreadsheet"


def test_a_changed_file_says_what_would_change(baf, plan, q2, admin_user):
    table = table_of(plan, q2)
    columns = table[0]
    table[1][columns.index("Title")] = "Cyber attack on clinical systems"
    table[1][columns.index("Controls")] = "Policy: Incident response plan | Head of IT | Effective"
    reading = sheet.read("baf.csv", sheet.to_csv(table).encode(), plan)
    assert sheet.changes(reading) == ["BAF 1: title, controls would change."]
    sheet.apply(reading, admin_user)
    baf.refresh_from_db()
    assert baf.title == "Cyber attack on clinical systems"
    assert [c.name for c in baf.controls.all()] == ["Incident response plan"]


def test_every_row_error_is_named_and_nothing_is_written(baf, plan, q2):
    table = table_of(plan, q2)
    columns = table[0]
    row = list(table[1])
    row[columns.index("Risk")] = "BAF 2"
    row[columns.index("Owner")] = "NOBODY"
    row[columns.index("Initial likelihood")] = "7"
    row[columns.index("Controls")] = "99.9 | Effective"
    row[columns.index("Assurances")] = "Audit: Cyber | 1st March | Fine"
    row[columns.index("Appetite level")] = "Reckless"
    row[columns.index("Objectives")] = "²"
    table.append(row)
    reading = sheet.read("baf.csv", sheet.to_csv(table).encode(), plan)
    assert reading.errors == [
        "Row 3, Initial likelihood: give a whole number from 1 to 5, not “7”.",
        "Row 3, Owner: no executive owner has the code “NOBODY”.",
        "Row 3, Appetite level: “Reckless” is not one of Averse, Minimal, Cautious, Open, Seek.",
        "Row 3, Objectives: the plan has no objective “²”.",
        "Row 3, Controls: the plan has no deliverable 99.9.",
        "Row 3, Assurances: give the date as YYYY-MM-DD, not “1st March”.",
        "Row 3, Assurances: “Fine” is not one of Substantial, Reasonable, Limited, No assurance.",
    ]
    with pytest.raises(ValueError):
        sheet.apply(reading, None)
    assert PrincipalRisk.objects.count() == 1


def test_files_that_are_not_a_baf_get_a_clear_message(plan):
    with pytest.raises(sheet.BafFileError, match="not text in UTF-8"):
        sheet.read("baf.csv", "Risk,Title\n".encode("utf-16"), plan)
    reading = sheet.read("baf.csv", b"Name,Score\nx,1\n", plan)
    assert reading.errors[0].startswith("Row 1: the header has no column Risk, Title")


def test_the_page_previews_then_imports(client, people, baf, plan, q2):
    table = table_of(plan, q2)
    table[1][table[0].index("Title")] = "Renamed"
    upload = io.BytesIO(sheet.to_xlsx(table))
    upload.name = "baf.xlsx"
    client.force_login(people["admin"])
    response = client.post(reverse("baf:transfer"), {"plan": plan.financial_year, "file": upload})
    page = response.content.decode()
    assert response.status_code == 200 and "BAF 1: title would change." in page
    baf.refresh_from_db()
    assert baf.title == "Cyber attack"  # nothing written yet
    token = response.context["token"]
    response = client.post(reverse("baf:transfer"), {"token": token})
    assert response.status_code == 302
    baf.refresh_from_db()
    assert baf.title == "Renamed"
    response = client.post(reverse("baf:transfer"), {"token": token + "x"}, follow=True)
    assert "That preview has expired or was changed" in response.content.decode()


def test_the_export_download(client, people, baf, q2):
    client.force_login(people["viewer"])
    response = client.get(reverse("baf:export", args=["xlsx"]) + "?quarter=2")
    assert response["Content-Disposition"].endswith('baf-2021-22-q2.xlsx"')
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "BAF 1"
    assert "assurance:none | action: Commission an audit" in rows[1][rows[0].index("Gap actions")]


def test_the_commands_round_trip(baf, plan, q2, tmp_path, capsys):
    path = tmp_path / "baf.xlsx"
    call_command("export_baf", "--plan", plan.financial_year, "--output", str(path))
    call_command("import_baf", str(path), "--plan", plan.financial_year, "--dry-run")
    assert "Nothing would change" in capsys.readouterr().out
    baf.title = "Changed here"
    baf.save()
    call_command("import_baf", str(path), "--plan", plan.financial_year, "--dry-run")
    out = capsys.readouterr().out
    assert "BAF 1: title would change." in out and "nothing was written" in out
    baf.refresh_from_db()
    assert baf.title == "Changed here"
    call_command("import_baf", str(path), "--plan", plan.financial_year)
    baf.refresh_from_db()
    assert baf.title == "Cyber attack"
    bad = tmp_path / "bad.csv"
    bad.write_text("Risk\nBAF 1\n")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_baf", str(bad), "--plan", plan.financial_year)
