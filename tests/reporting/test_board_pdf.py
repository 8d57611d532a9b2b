"""The board report as a PDF for the board papers: read back with pypdf, as a reader would."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from assurance.models import AssuranceReview
from deliverables.models import Deliverable, StatusUpdate
from deliverables.services import status_update_save
from objectives.models import Quarter
from reporting.board_report import pdf
from reporting.board_report.data import report_data
from reporting.board_report.reading import report_for
from reporting.record import archive, signing, verify

# The demo as on 8 October 2021, in 2021/22's Q2 (seed_demo rolls over into today's year).
IN_Q2_2021 = datetime.date(2021, 10, 8)

# The Q2 demo report, cover and summary included, fits in this many A4 pages: 14 before issue
# 28 added the cover's key messages and the assurance view (the matrix, its gaps, the counts
# by each of the plan's 26 committees and 9 themes), which take two; 16 before issue 30 added
# the Board Assurance Framework (its register, heat map and seven risks, each with its
# controls, assurances and gaps, set compactly as a BAF appendix is), which takes five.
PAGE_TARGET = 21


@pytest.fixture
def demo(plan_2021, settings):
    call_command("seed_demo", force=True, verbosity=0, today=IN_Q2_2021)
    return plan_2021


def pages_of(quarter) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf.board_report_pdf(report_for(quarter))))
    # A tagged PDF (PDF/UA) in British English: screen readers get its structure.
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == "en-GB"
    return [page.extract_text() for page in reader.pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.django_db
class TestTheDemoReport:
    def test_q2_open_draft_on_every_page_with_the_footer(self, demo):
        q2 = Quarter.objects.get(plan=demo, number=2)
        pages = pages_of(q2)
        assert len(pages) <= PAGE_TARGET
        for number, text in enumerate(pages, start=1):
            text = flat(text)
            assert f"Page {number} of {len(pages)}" in text
            assert "DRAFT" in text
            assert "UHB Strategy Implementation Plan 2021/22 · Q2 2021/22, Jul–Sep 2021" in text
            assert "produced" in text
        whole = flat(" ".join(pages))
        assert "…" not in whole and "[cut off in the source]" not in whole
        for bullet in [
            "Breast screening artificial intelligence",
            "Skin cancer pathway using Artificial intelligence and telemedicine",
            "Creation of a range of community diagnostic hubs",
        ]:
            assert bullet in whole  # 11.2's three bullets

    def test_the_key_indicators_icons_are_drawn(self, demo, caplog):
        """The icons are static files the PDF reads from disk: one it could not read would be
        left out with only a warning in the log."""
        q2 = Quarter.objects.get(plan=demo, number=2)
        with caplog.at_level("WARNING", logger="weasyprint"):
            text = flat(" ".join(pages_of(q2)))
        assert "Common cause" in text  # beside an icon, in a key indicators' table
        assert not [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")]

    def test_q1_closed_comes_from_its_snapshot_unchanged_after_a_correction(self, demo):
        q1 = Quarter.objects.get(plan=demo, number=1)
        before = flat(" ".join(pages_of(q1)))
        assert "DRAFT" not in before and "as it stood when Q1 closed" in before
        update = StatusUpdate.objects.filter(quarter=q1).order_by("pk").first()
        update.narrative = "A correction made after the quarter closed."
        from django.contrib.auth import get_user_model

        admin = get_user_model().objects.get(username="admin")
        status_update_save(update=update, user=admin, expected_version=update.version)
        after = flat(" ".join(pages_of(q1)))
        assert "A correction made after the quarter closed." not in after
        assert re.sub(r"produced [^P]*Page", "", after) == re.sub(r"produced [^P]*Page", "", before)


@pytest.mark.django_db
def test_exceptions_most_severe_first(client, people, plan, q2, dhg):
    from tests.deliverables.factories import DeliverableFactory, StatusUpdateFactory

    amber = DeliverableFactory(objective__theme__plan=plan)
    red = DeliverableFactory(objective__theme__plan=plan)
    limited = DeliverableFactory(objective__theme__plan=plan, assurance_groups=[dhg])
    fine = DeliverableFactory(objective__theme__plan=plan)
    StatusUpdateFactory(deliverable=amber, quarter=q2, status="amber")
    StatusUpdateFactory(deliverable=red, quarter=q2, status="red")
    StatusUpdateFactory(deliverable=limited, quarter=q2, status="green")
    StatusUpdateFactory(deliverable=fine, quarter=q2, status="green")
    AssuranceReview.objects.create(
        deliverable=limited, quarter=q2, assurance_group=dhg, level="limited"
    )
    data = report_data(q2)
    assert [d["reference"] for d in data["exceptions"]] == [
        red.reference,
        amber.reference,
        limited.reference,
    ]
    assert Deliverable.objects.count() == 4


@pytest.mark.django_db
def test_the_download(client, people, q2):
    client.force_login(people["viewer"])
    page = client.get(reverse("reporting:board_report")).content.decode()
    url = reverse("reporting:board_report_pdf")
    assert f'href="{url}?plan=' in page and "Download as PDF" in page
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('-draft.pdf"')
    assert response.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_without_weasyprints_libraries_a_clear_503(client, people, q2, monkeypatch):
    def missing(report):
        raise pdf.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf, "board_report_pdf", missing)
    client.force_login(people["viewer"])
    response = client.get(reverse("reporting:board_report_pdf"))
    assert response.status_code == 503
    assert "Use the page's Print command" in response.content.decode()


def _headings(report) -> list[str]:
    """The texts a reader takes for headings: h1–h4 and the lines kept with what follows."""
    from django.template.loader import render_to_string

    html = render_to_string(
        "reporting/board_report_pdf.html",
        {"report": report, "data": report.data, "quarter": report.quarter, "print": True},
    )
    found = re.findall(
        r"<h([1-4])[^>]*>(.*?)</h\1>|<p class=\"[^\"]*uhb-keep-with-next[^\"]*\">(.*?)</p>",
        html,
        re.S,
    )
    texts = [flat(re.sub(r"<[^>]+>", " ", heading or lead)).strip() for _, heading, lead in found]
    return [html_unescape(text) for text in texts if text]


def html_unescape(text):
    import html

    return html.unescape(text)


def _page_ends(content: bytes) -> list[str]:
    """Each page's last few lines of text above its footer, as laid out, read as one line:
    a heading at a page's foot is what that ends with, whole (a heading of two lines
    included). Only its last line was compared before, so a table row ending in the same
    words as a heading elsewhere (a risk's title in the BAF's register and its own heading)
    was taken for the heading."""
    ends = []
    for page in PdfReader(io.BytesIO(content)).pages:
        lines = [
            flat(line).strip() for line in page.extract_text(extraction_mode="layout").splitlines()
        ]
        lines = [
            line for line in lines if line and not re.search(r"Page \d+ of \d+|produced \d", line)
        ]
        ends.append(" ".join(lines[-4:]))
    return ends


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="page layout, not the database: the SQLite run of .ci/run checks it (90 s saved)",
)
def test_the_demos_closed_reports_are_filed_as_they_are(plan_2021, signed):
    """Issue 28: every closed quarter of the demo, in this year and 2021/22, has a complete
    cover, no heading at a page's foot, and its cut-off key indicators marked. Issue 31: each
    is its board record, signed, and verifies."""
    call_command("seed_demo", force=True, verbosity=0)
    closed = Quarter.objects.filter(state="closed").select_related("plan")
    assert closed.count() >= 3
    for quarter in closed:
        report = report_for(quarter)
        assert report.frozen
        content = bytes(archive.archival_pdf(report.snapshot).content)
        result = verify.verify(content, signing.trusted_certificates())
        assert result.verified, result.failures
        assert result.facts["quarter"] == report.data["quarter"]["label"]
        whole = flat(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages))
        assert "To be confirmed" not in whole, quarter
        assert "University Hospitals Birmingham NHS Foundation Trust" in whole
        assert "Key messages" in whole and "Public session" in whole
        cut = [
            k
            for theme in report.data["themes"]
            for o in theme["objectives"]
            for k in o["indicators"]
            if k["incomplete"]
        ]
        assert cut and whole.count("Cut off in the source") == len(cut), quarter
        headings = _headings(report)
        for number, end in enumerate(_page_ends(content)[:-1], start=1):
            orphaned = [h for h in headings if end.endswith(h)]
            assert not orphaned, f"{quarter}: page {number} ends with the heading {orphaned}"
