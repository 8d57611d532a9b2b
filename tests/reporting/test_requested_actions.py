"""A committee's requested actions read as a list everywhere (issue 28), one item per action as
the actions are made, not one run-on sentence."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from reporting.board_report import word
from reporting.board_report.reading import report_for
from tests.assurance.test_actions import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(people, cdo_deliverable, q2, dhg):
    return record(people, cdo_deliverable, q2, dhg, "- Bring a dated recovery plan\n- Name the SRO")


def test_the_board_report_page_lists_them(client, people, asked):
    client.force_login(people["viewer"])
    page = client.get(reverse("reporting:board_report") + "?quarter=2").content.decode()
    assert "<li>Bring a dated recovery plan</li><li>Name the SRO</li>" in page


def test_the_review_summary_lists_them(client, people, asked, cdo_deliverable):
    client.force_login(people["secretary"])
    url = reverse("assurance:review_edit", args=[asked.assurance_group_id, cdo_deliverable.pk, 2])
    # A conflicting save shows the other person's review through the summary.
    page = client.post(url, {"level": "limited", "version": "0"}).content.decode()
    assert "<li>Bring a dated recovery plan</li><li>Name the SRO</li>" in page


def test_the_word_version_lists_them(asked, q2):
    document = Document(io.BytesIO(word.board_report_docx(report_for(q2))))
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert "Bring a dated recovery plan" in bullets and "Name the SRO" in bullets


def test_the_review_form_shows_the_groups_last_review_and_open_actions(
    client, people, asked, cdo_deliverable, q2, dhg
):
    """Issue 28: the secretary records this quarter's level with what the group said and asked
    before in view."""
    from objectives.models import Quarter

    q2.state = Quarter.State.CLOSED
    q2.save()
    q3 = q2.plan.quarters.get(number=3)
    q3.state = Quarter.State.OPEN
    q3.save()
    client.force_login(people["secretary"])
    url = reverse("assurance:review_edit", args=[dhg.pk, cdo_deliverable.pk, 3])
    page = client.get(url).content.decode()
    assert "DHG's last review" in page and "Needs a plan." in page
    assert "Limited</strong> Q2 2021/22" in page
    assert "Bring a dated recovery plan <span" in page and "Name the SRO <span" in page


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite's plan is fixed by its rules; PostgreSQL's by its statistics",
)
def test_a_pack_reads_the_open_actions_from_the_open_ones(client, people, asked, dhg):
    """Issue 32: a committee's pack reached its open actions through every review the group
    ever gave, of every plan year (28 ms after ten years, 10 ms after one). It starts from the
    open actions themselves."""
    client.force_login(people["secretary"])
    with CaptureQueriesContext(connection) as context:
        page = client.get(reverse("reporting:group_pack", args=[dhg.pk]) + "?quarter=2")
    assert "Bring a dated recovery plan" in page.content.decode()
    (sql,) = [
        q["sql"]
        for q in context.captured_queries
        if q["sql"].startswith('SELECT "assurance_reviewaction"."id"') and "IS NULL" in q["sql"]
    ]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        first = cursor.fetchall()[0][-1]
    assert first.startswith("SEARCH assurance_reviewaction USING INDEX reviewaction_closed_at")
