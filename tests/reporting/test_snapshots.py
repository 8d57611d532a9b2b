"""Board reports frozen by every earlier release render today, as page, PDF, Word and XLSX, for
ever (issue 26). `frozen_reports/vN.json` is a real report of schema N, made by the release that
wrote it: the demo plan's Q2 2021/22, closed. Never edit one; a new version adds a file."""

import io
import json
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.roles import VIEWERS
from reporting.board_report import pdf, snapshots
from reporting.board_report.reading import report_for
from reporting.models import BoardReport
from tests.factories import UserFactory

HERE = Path(__file__).parent / "frozen_reports"
VERSIONS = range(1, snapshots.SCHEMA_VERSION + 1)

pytestmark = pytest.mark.django_db


def frozen(version):
    return json.loads((HERE / f"v{version}.json").read_text(encoding="utf-8"))


def test_there_is_a_snapshot_of_every_version():
    assert sorted(p.name for p in HERE.glob("v*.json")) == [f"v{v}.json" for v in VERSIONS]
    assert [snapshots.version_of(frozen(v)) for v in VERSIONS] == list(VERSIONS)


@pytest.mark.parametrize("version", VERSIONS)
def test_each_version_upgrades_to_the_current_shape(version):
    current = frozen(snapshots.SCHEMA_VERSION)
    upgraded = snapshots.upgrade(frozen(version))
    assert upgraded["schema"] == snapshots.SCHEMA_VERSION
    assert set(upgraded) == set(current) - {"sizes"}
    assert set(upgraded["deliverables"][0]) == set(current["deliverables"][0])
    assert set(upgraded["themes"][0]) == set(current["themes"][0])
    assert set(upgraded["cover"]) == set(current["cover"])
    # What the Board saw is kept: the upgrade adds, it does not rewrite.
    original = frozen(version)
    assert [d["narrative"] for d in upgraded["deliverables"]] == [
        d["narrative"] for d in original["deliverables"]
    ]
    assert upgraded["totals"] == original["totals"]


def test_a_snapshot_of_a_newer_release_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="written by a newer release"):
        snapshots.upgrade(frozen(snapshots.SCHEMA_VERSION) | {"schema": 99})


@pytest.mark.parametrize("version", VERSIONS)
def test_each_version_renders_as_page_pdf_word_and_xlsx(client, plan_2021, version):
    data = frozen(version)
    q2 = plan_2021.quarters.get(number=2)
    plan_2021.quarters.filter(number__lte=2).update(state="closed")
    q2.refresh_from_db()
    BoardReport.objects.create(quarter=q2, data=data)
    # An exception's narrative: the page, PDF and Word version all print those in full.
    narrative = next(d["narrative"] for d in data["exceptions"] if d["narrative"])
    client.force_login(UserFactory(role=VIEWERS))

    page = client.get(reverse("reporting:board_report") + "?plan=2021/22&quarter=2")
    assert page.status_code == 200 and page.context["report"].frozen
    assert narrative in page.content.decode()

    # The PDF is page layout, not the database: the SQLite run of .ci/run makes it (time saved
    # for the 30 minutes .ci/run has).
    if connection.vendor != "postgresql":
        report = report_for(q2)
        text = " ".join(
            p.extract_text() for p in PdfReader(io.BytesIO(pdf.board_report_pdf(report))).pages
        )
        assert narrative.split()[0] in text and "Q2 2021/22" in text

    word = client.get(reverse("reporting:board_report_docx") + "?plan=2021/22&quarter=2")
    document = Document(io.BytesIO(word.content))
    assert narrative in " ".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    ) + " ".join(p.text for p in document.paragraphs)

    book = load_workbook(
        io.BytesIO(
            client.get(reverse("reporting:board_report_xlsx") + "?plan=2021/22&quarter=2").content
        )
    )
    assert narrative in [row[book["Deliverables"].max_column - 1] for row in []] or any(
        narrative == cell
        for row in book["Deliverables"].iter_rows(values_only=True)
        for cell in row
    )


def test_the_frozen_baf_is_shown_as_it_was(client, plan_2021):
    """Schema 7 keeps the BAF (issue 30): the page, Word and XLSX show the risks it holds, not
    today's (this plan has none today)."""
    data = frozen(7)
    q2 = plan_2021.quarters.get(number=2)
    plan_2021.quarters.filter(number__lte=2).update(state="closed")
    BoardReport.objects.create(quarter=q2, data=data)
    first = data["baf"]["risks"][0]
    client.force_login(UserFactory(role=VIEWERS))
    query = "?plan=2021/22&quarter=2"
    page = client.get(reverse("reporting:board_report") + query).content.decode()
    assert 'id="baf"' in page and first["title"].replace("'", "&#x27;") in page
    assert first["current"]["rationale"] in page
    word = Document(io.BytesIO(client.get(reverse("reporting:board_report_docx") + query).content))
    assert f"{first['reference']}: {first['title']}" in [p.text for p in word.paragraphs]
    book = load_workbook(
        io.BytesIO(client.get(reverse("reporting:board_report_xlsx") + query).content)
    )
    assert [row[1] for row in book["BAF"].iter_rows(min_row=2, values_only=True)] == [
        r["title"] for r in data["baf"]["risks"]
    ]
    # Reports frozen before the BAF existed say nothing of one (the board record is never
    # deleted, so another closed quarter holds it).
    BoardReport.objects.create(quarter=plan_2021.quarters.get(number=1), data=frozen(6))
    page = client.get(reverse("reporting:board_report") + "?plan=2021/22&quarter=1")
    assert page.context["report"].frozen and page.context["quarter"].number == 1
    assert 'id="baf"' not in page.content.decode()
