"""A committee's pack opens with its summary and downloads as PDF and Word (issue 28)."""

import io
import re

import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from assurance.models import AssuranceReview
from tests.deliverables.factories import DeliverableFactory, StatusUpdateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def red_limited(plan, q2, dhg):
    d = DeliverableFactory(objective__theme__plan=plan, assurance_groups=[dhg])
    StatusUpdateFactory(deliverable=d, quarter=q2, status="red", narrative="Supplier delays.")
    AssuranceReview.objects.create(deliverable=d, quarter=q2, assurance_group=dhg, level="limited")
    return d


def test_the_pack_opens_with_its_summary(client, people, dhg, red_limited):
    client.force_login(people["secretary"])
    page = client.get(reverse("reporting:group_pack", args=[dhg.pk])).content.decode()
    summary = page[page.index('id="pack-summary"') : page.index('id="pack-deliverables"')]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", summary))
    assert "Off track (Red) 1" in text and "Limited 1" in text
    assert red_limited.reference in text
    assert page.index('id="pack-summary"') < page.index('id="chair-reports"')


def test_the_pack_as_pdf_and_word(client, people, dhg, red_limited):
    client.force_login(people["secretary"])
    response = client.get(reverse("reporting:group_pack_pdf", args=[dhg.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('_dhg-pack-draft.pdf"')
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pages))
    assert "DHG pack: Q2" in text and "Supplier delays." in text and "Summary" in text
    assert f"Page 1 of {len(pages)}" in text
    response = client.get(reverse("reporting:group_pack_docx", args=[dhg.pk]))
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Supplier delays." in text and "Chair's report" in text
    assert round(document.sections[0].page_width.mm) == 210


def test_a_quarter_that_never_opened_has_no_pack_files(client, people, plan, dhg):
    client.force_login(people["secretary"])
    for name in ("reporting:group_pack_pdf", "reporting:group_pack_docx"):
        url = reverse(name, args=[dhg.pk]) + f"?plan={plan.financial_year}&quarter=4"
        assert client.get(url).status_code == 404
