"""Assurance at a glance (issue 28): one fixture, every reader. The counts by level, by
committee and by theme, the matrix of status against level and the gaps it names are the same
on the dashboard, in the board report's data, page, PDF and Word, and each number leads to a
list of exactly that many deliverables."""

import io
import re

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import ApiToken
from assurance.models import AssuranceReview
from reporting import glance
from reporting.board_report import pdf, word
from reporting.board_report.data import report_data
from reporting.board_report.reading import report_for
from reporting.board_report.xlsx import to_xlsx
from tests.assurance.factories import AssuranceGroupFactory
from tests.deliverables.factories import DeliverableFactory, StatusUpdateFactory

pytestmark = pytest.mark.django_db

EXPECTED_TOTALS = {"substantial": 1, "reasonable": 0, "limited": 2, "none": 1, "unreviewed": 1}


@pytest.fixture
def assured(plan, q2, dhg):
    """Five deliverables due in Q2: two gaps (On track but Limited; Off track but Substantial),
    one whose two committees differ, one not reviewed, and one without its update."""
    other = AssuranceGroupFactory(code="CEAG")

    def made(status, levels, groups=(dhg,)):
        d = DeliverableFactory(objective__theme__plan=plan, assurance_groups=list(groups))
        if status:
            StatusUpdateFactory(deliverable=d, quarter=q2, status=status)
        for group, level in zip(groups, levels, strict=False):
            AssuranceReview.objects.create(
                deliverable=d, quarter=q2, assurance_group=group, level=level
            )
        return d

    return {
        "green_limited": made("green", ["limited"]),
        "red_substantial": made("red", ["substantial"]),
        "amber_two": made("amber", ["reasonable", "limited"], groups=(dhg, other)),
        "green_unreviewed": made("green", []),
        "missing_none": made(None, ["none"]),
        "other": other,
    }


def test_the_counts_the_matrix_and_the_gaps(assured, q2, dhg):
    found = glance.for_quarter(q2)
    assert found["totals"] == EXPECTED_TOTALS
    assert found["reviewed"] == 4
    matrix = {row["status"]: row["counts"] for row in found["matrix"]}
    assert matrix["green"] == {**dict.fromkeys(EXPECTED_TOTALS, 0), "limited": 1, "unreviewed": 1}
    assert matrix["red"]["substantial"] == 1 and matrix["amber"]["limited"] == 1
    assert matrix["missing"]["none"] == 1
    by_group = {row["label"]: row["counts"] for row in found["by_group"]}
    assert by_group["DHG"] == {
        "substantial": 1,
        "reasonable": 1,
        "limited": 1,
        "none": 1,
        "unreviewed": 1,
    }
    assert by_group["CEAG"]["limited"] == 1
    gaps = {gap["reference"]: gap for gap in found["gaps"]}
    assert set(gaps) == {assured["green_limited"].reference, assured["red_substantial"].reference}
    gap = gaps[assured["green_limited"].reference]
    assert gap["status_label"] == "On track (Green)" and gap["reviews"] == [
        {"group": "DHG", "level_label": "Limited"}
    ]
    # The board report counts the same from its own data (and so does its frozen copy).
    assert report_data(q2)["assurance"] == found | {"gaps": report_data(q2)["assurance"]["gaps"]}
    assert [g["reference"] for g in report_data(q2)["assurance"]["gaps"]] == sorted(gaps)


def test_each_number_lists_exactly_its_deliverables(client, people, assured, q2, dhg):
    client.force_login(people["viewer"])
    url = reverse("reporting:deliverable_list")
    base = {"plan": q2.plan.financial_year, "quarter": 2, "due": 1}
    for level, count in EXPECTED_TOTALS.items():
        response = client.get(url, base | {"level": level})
        assert response.context["page"].paginator.count == count, level
    # By committee: that committee's own level.
    response = client.get(url, base | {"level": "reasonable", "assurance_group": dhg.pk})
    assert [d.pk for d in response.context["page"]] == [assured["amber_two"].pk]
    # A gap cell of the matrix.
    response = client.get(url, base | {"level": "limited", "status": "green"})
    assert [d.pk for d in response.context["page"]] == [assured["green_limited"].pk]


def test_every_reader_shows_them(client, people, assured, q2):
    client.force_login(people["viewer"])
    gap = assured["green_limited"].reference
    dashboard = client.get(reverse("reporting:dashboard")).content.decode()
    page = client.get(reverse("reporting:board_report")).content.decode()
    for html in (dashboard, page):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
        assert "Assurance at a glance" in text and "Assurance gaps (2)" in text
        assert "2 Limited" in text and "1 No assurance" in text and "1 Not yet reviewed" in text
        assert "(assurance gap)" in text
    assert "level=limited&amp;status=green" in dashboard
    report = report_for(q2)
    pdf_text = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(pdf.board_report_pdf(report))).pages
    )
    pdf_text = re.sub(r"\s+", " ", pdf_text)
    assert "Assurance at a glance" in pdf_text and "Assurance gaps (2)" in pdf_text
    assert gap in pdf_text
    document = Document(io.BytesIO(word.board_report_docx(report)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Assurance gaps (2)" in text and "2 Limited" in text
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "1 (gap)" in cells
    # And the API, for a reporting tool's own view.
    text = ApiToken.issue(people["viewer"], "Power BI")[1]
    client.logout()
    api = client.get("/api/v1/assurance-glance/", HTTP_AUTHORIZATION=f"Bearer {text}").json()
    assert api["totals"] == EXPECTED_TOTALS and [g["reference"] for g in api["gaps"]] == sorted(
        [assured["green_limited"].reference, assured["red_substantial"].reference]
    )
    book = load_workbook(io.BytesIO(to_xlsx(report.data)))
    sheet = list(book["Assurance"].iter_rows(values_only=True))
    assert ("On track (Green)", 0, 0, 1, 0, 1) in sheet
    assert any(row[0] == gap and row[3] == "On track (Green)" for row in sheet)


def test_the_gap_filter_lists_exactly_the_glance_gaps(client, people, assured, q2, dhg):
    other = assured["other"]

    def made(status, levels):
        d = DeliverableFactory(objective__theme__plan=q2.plan, assurance_groups=[dhg, other])
        StatusUpdateFactory(deliverable=d, quarter=q2, status=status)
        for group, level in zip((dhg, other), levels, strict=False):
            AssuranceReview.objects.create(
                deliverable=d, quarter=q2, assurance_group=group, level=level
            )
        return d

    # At the lowest level either committee gave: Limited, so a gap; Limited, so not
    # Substantial and no gap; No assurance of a complete deliverable, a gap.
    made("green", ["substantial", "limited"])
    made("red", ["substantial", "limited"])
    made("complete", ["none"])
    gaps = {gap["id"] for gap in glance.for_quarter(q2)["gaps"]}
    assert len(gaps) == 4
    client.force_login(people["viewer"])
    query = {"plan": q2.plan.financial_year, "quarter": 2, "due": 1, "gap": "on"}
    response = client.get(reverse("reporting:deliverable_list"), query)
    assert {d.pk for d in response.context["page"]} == gaps
    assert response.context["filter"].description() == "due_gap"


def test_the_dashboard_names_the_first_gaps_and_links_to_them_all(client, people, plan, q2, dhg):
    """A plan of thousands of deliverables can have hundreds of gaps: the dashboard lists the
    first few, by reference, and links to the list of them all; the board report lists all."""
    shown = glance.GAPS_ON_DASHBOARD
    for _ in range(shown + 2):
        d = DeliverableFactory(objective__theme__plan=plan, assurance_groups=[dhg])
        StatusUpdateFactory(deliverable=d, quarter=q2, status="green")
        AssuranceReview.objects.create(
            deliverable=d, quarter=q2, assurance_group=dhg, level="limited"
        )
    client.force_login(people["viewer"])
    dashboard = client.get(reverse("reporting:dashboard")).content.decode()
    gaps_table = dashboard.split('class="nhsuk-table uhb-glance__gaps"')[1].split("</table>")[0]
    assert gaps_table.count("Reported on track, but the committee is not assured") == shown
    assert f"The first {shown} of {shown + 2}, by reference." in dashboard
    link = re.search(r'<a href="([^"]+)">All (\d+) assurance gaps</a>', dashboard)
    assert link and link[2] == str(shown + 2)
    listed = client.get(link[1].replace("&amp;", "&"))
    assert listed.context["page"].paginator.count == shown + 2
    report = client.get(reverse("reporting:board_report")).content.decode()
    assert report.count("Reported on track, but the committee is not assured") == shown + 2
    assert "assurance gaps</a>" not in report
