"""The board-paper cover sheet: entered by a plan administrator until the quarter closes, fixed
with the report, first in the page and the PDF."""

import datetime

import pytest
from django.urls import reverse

from reporting.board_report.reading import report_for
from reporting.models import BoardPaperCover
from reporting.services import quarter_close

COVER = {
    "session": "public",
    "key_messages": "",
    "previously_considered_by": "",
    "meeting": "Board of Directors (public)",
    "meeting_date_day": "28",
    "meeting_date_month": "10",
    "meeting_date_year": "2021",
    "agenda_item": "7.2",
    "report_title": "",
    "executive_sponsor": "Chief Executive",
    "author": "Head of Strategy",
    "purpose": "assurance",
    "recommendation": "",
    "strategic_risks": "BAF 3: digital transformation",
    "implications": "None beyond those in the plan.",
}


@pytest.mark.django_db
class TestTheCover:
    def test_entered_by_a_plan_administrator_and_shown_first(self, client, people, q2):
        client.force_login(people["admin"])
        url = reverse("reporting:board_cover", args=[q2.pk])
        assert client.post(url, COVER).status_code == 302
        cover = BoardPaperCover.objects.get(quarter=q2)
        assert cover.meeting_date == datetime.date(2021, 10, 28)
        page = client.get(reverse("reporting:board_report") + "?quarter=2").content.decode()
        assert page.index("Board of Directors (public)") < page.index(
            'id="summary">Executive summary'
        )
        for text in ("7.2", "Chief Executive", "Head of Strategy", "For assurance", "BAF 3"):
            assert text in page
        # Left blank: the plan's own title and the usual recommendation.
        assert "progress</h1>" in page and "The Board is asked to note progress" in page

    @pytest.mark.parametrize("role", ["cdo", "secretary", "viewer"])
    def test_nobody_else_edits_it(self, client, people, q2, role):
        client.force_login(people[role])
        response = client.post(reverse("reporting:board_cover", args=[q2.pk]), COVER)
        assert response.status_code == 403 and not BoardPaperCover.objects.exists()

    def test_fixed_when_the_quarter_closes(self, client, people, q2):
        client.force_login(people["admin"])
        url = reverse("reporting:board_cover", args=[q2.pk])
        client.post(url, COVER)
        quarter_close(quarter=q2, user=people["admin"])
        response = client.post(url, COVER | {"meeting": "Changed afterwards"})
        assert "is closed: its cover is fixed with the report" in response.content.decode()
        assert BoardPaperCover.objects.get().meeting == "Board of Directors (public)"
        # Even if the row changed some other way, the fixed report keeps what the Board saw.
        BoardPaperCover.objects.update(meeting="Edited in the database")
        q2.refresh_from_db()
        assert report_for(q2).data["cover"]["meeting"] == "Board of Directors (public)"

    def test_not_before_its_quarter_opens(self, client, people, plan):
        """The write rule of every quarter, Quarter.write_access (issue 26: the view had its
        own, which let an upcoming quarter's cover be edited)."""
        q3 = plan.quarters.get(number=3)
        client.force_login(people["admin"])
        url = reverse("reporting:board_cover", args=[q3.pk])
        assert "Save the cover" not in client.get(url).content.decode()
        response = client.post(url, COVER)
        assert "cover can only be changed while a quarter is open" in response.content.decode()
        assert not BoardPaperCover.objects.exists()

    def test_a_bad_date_is_a_message_and_nothing_saved(self, client, people, q2):
        client.force_login(people["admin"])
        url = reverse("reporting:board_cover", args=[q2.pk])
        response = client.post(url, COVER | {"meeting_date_month": "13"})
        assert "Enter a real date" in response.content.decode()
        assert not BoardPaperCover.objects.exists()


@pytest.mark.django_db
def test_closing_names_the_cover_fields_still_to_be_confirmed(client, people, q2):
    """Issue 28: closed reports said "To be confirmed" five times, fixed for ever."""
    client.force_login(people["admin"])
    close = reverse("planning:quarter_change", args=[q2.pk, "close"])
    page = client.get(close).content.decode()
    for name in ("Meeting", "Meeting date", "Agenda item", "Executive sponsor", "Author"):
        assert f"<li>{name}</li>" in page
    assert "Close anyway and fix its report" in page
    complete = COVER | {"key_messages": "Delivery is on plan.\n\nTwo risks remain."}
    client.post(reverse("reporting:board_cover", args=[q2.pk]), complete)
    page = client.get(close).content.decode()
    assert "cover-unconfirmed" not in page and "Close Q2 and fix its report" in page
    # The cover's new fields reach the report: the trust, the session, the key messages.
    report = client.get(reverse("reporting:board_report") + "?quarter=2").content.decode()
    assert "University Hospitals Birmingham NHS Foundation Trust" in report
    assert "<p>Delivery is on plan.</p>" in report and "Public session" in report
