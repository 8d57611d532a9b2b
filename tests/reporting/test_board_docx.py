"""The board report as a Word document, read back with python-docx."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from docx import Document

from objectives.models import Quarter
from reporting.board_report import word
from reporting.board_report.reading import report_for

# The demo as on 8 October 2021, in 2021/22's Q2 (seed_demo rolls over into today's year).
IN_Q2_2021 = datetime.date(2021, 10, 8)


@pytest.mark.django_db
def test_the_demo_q2_report_in_word(client, plan_2021):
    call_command("seed_demo", force=True, verbosity=0, today=IN_Q2_2021)
    q2 = Quarter.objects.get(plan=plan_2021, number=2)
    document = Document(io.BytesIO(word.board_report_docx(report_for(q2))))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    section = document.sections[0]
    assert section.header.paragraphs[0].text.startswith("DRAFT: Q2 is not closed")
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "NUMPAGES" in footer
    assert "UHB Strategy Implementation Plan 2021/22" in section.footer.paragraphs[0].text
    # Cover, summary and sections in the page's order; the exceptions most severe first.
    headings = [
        p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    assert headings[0] == "UHB Strategy Implementation Plan: Q2 2021/22 progress"
    # The cover's key messages, then the summary, the assurance view, and the exceptions
    # (issue 28: the same sections as the page, in its order).
    assert headings[1] == "Key messages" and headings[2].startswith("Executive summary")
    order = [h for h in headings if h in ("Assurance at a glance",) or h.startswith("Exceptions")]
    assert order[0] == "Assurance at a glance" and order[1].startswith("Exceptions")
    exceptions = report_for(q2).data["exceptions"]
    shown = [h.split(" · ")[0] for h in headings if " · " in h]
    assert shown == [d["reference"] for d in exceptions]
    # 11.2's bullets, as bullets, and no truncation anywhere.
    for bullet in ("Breast screening artificial intelligence", "community diagnostic hubs"):
        assert bullet in text + cells
    assert "…" not in text + cells and "not given in the plan" not in text + cells
    # The download.
    client.force_login(get_user_model().objects.get(username="viewer"))  # seed_demo's
    page = client.get(reverse("reporting:board_report")).content.decode()
    assert "Download as Word (DOCX)" in page
    response = client.get(reverse("reporting:board_report_docx"))
    assert response["Content-Disposition"].endswith('-draft.docx"')


def _heading_levels(document) -> list[int]:
    levels = []
    for paragraph in document.paragraphs:
        name = paragraph.style.name
        if name == "Title":
            levels.append(0)
        elif name.startswith("Heading "):
            levels.append(int(name.split()[1]))
    return levels


@pytest.mark.django_db
def test_a4_with_the_chart_as_an_image_and_no_skipped_heading_level(plan_2021):
    """Issue 28: the Word version was US Letter, had no chart and jumped from heading 1 to 3."""
    call_command("seed_demo", force=True, verbosity=0, today=IN_Q2_2021)
    q2 = Quarter.objects.get(plan=plan_2021, number=2)
    document = Document(io.BytesIO(word.board_report_docx(report_for(q2))))
    for section in document.sections:
        assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    images = [r for r in document.part.rels.values() if "image" in r.reltype]
    assert len(images) == 1 and images[0].target_part.content_type == "image/png"
    assert len(document.inline_shapes) == 1
    levels = _heading_levels(document)
    assert levels[0] == 0
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, (before, after)
