"""Reliability and security, round two: each class of defect an attacker's suite and a race
found, with a test that failed before its fix (issue 13)."""

import pytest
from django.urls import reverse

from tests.deliverables.test_views import form_data

HOSTILE_NEXT = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "https://evil.example/",
    "//evil.example/",
    "\\\\evil.example",
    "data:text/html,<script>alert(1)</script>",
]


@pytest.mark.django_db
class TestReturnUrls:
    """A `next` from the request becomes a link or a redirect only if it points at this site."""

    @pytest.mark.parametrize("hostile", HOSTILE_NEXT)
    def test_hostile_next_never_becomes_the_back_link(
        self, client, people, cdo_deliverable, q2, hostile
    ):
        client.force_login(people["cdo"])
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        response = client.get(url, {"next": hostile})
        assert response.context["next"] == ""
        page = response.content.decode()
        back = reverse("deliverables:detail", args=[cdo_deliverable.pk])
        assert f'class="nhsuk-back-link" href="{back}"' in page
        assert "evil.example" not in page and "javascript:" not in page.lower()

    @pytest.mark.parametrize("hostile", HOSTILE_NEXT)
    def test_hostile_next_never_becomes_the_redirect(
        self, client, people, cdo_deliverable, q2, hostile
    ):
        client.force_login(people["cdo"])
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        response = client.post(
            url + "?next=" + hostile, form_data(cdo_deliverable) | {"next": hostile}
        )
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("deliverables:my_updates"))

    def test_a_page_of_this_site_is_kept(self, client, people, cdo_deliverable, q2):
        client.force_login(people["cdo"])
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        mine = reverse("assurance:deliverable_list") + "?quarter=2"
        page = client.get(url, {"next": mine}).content.decode()
        assert 'class="nhsuk-back-link" href="/deliverables/?quarter=2"' in page
        assert client.post(url, form_data(cdo_deliverable) | {"next": mine})["Location"] == mine


@pytest.mark.django_db
class TestControlCharacters:
    """Word pastes \\x0b for Shift+Enter; XLSX cannot hold it. Text is cleaned where it enters,
    and every writer is safe for any stored text, including text stored before."""

    PASTED = "Line one\x0bline two\x01\x7f and a tab\tstays"
    CLEAN = "Line one\nline two and a tab\tstays"

    def _stored(self, deliverable, quarter):
        from deliverables.models import StatusUpdate
        from tests.deliverables.factories import StatusUpdateFactory

        update = StatusUpdateFactory(deliverable=deliverable, quarter=quarter, status="green")
        StatusUpdate.objects.filter(pk=update.pk).update(narrative=self.PASTED, risks="\x0b=1+1")
        return update

    def test_the_form_cleans_what_enters(self, client, people, cdo_deliverable, q2):
        from deliverables.models import StatusUpdate

        client.force_login(people["cdo"])
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        response = client.post(url, form_data(cdo_deliverable, narrative=self.PASTED))
        assert response.status_code == 302
        assert StatusUpdate.objects.get().narrative == self.CLEAN

    def test_review_form_cleans_too(self, client, people, cdo_deliverable, dhg, q2):
        from assurance.models import AssuranceReview

        client.force_login(people["secretary"])
        url = reverse("assurance:review_edit", args=[dhg.pk, cdo_deliverable.pk, 2])
        client.post(url, {"level": "limited", "comments": self.PASTED, "version": "0"})
        assert AssuranceReview.objects.get().comments == self.CLEAN

    def test_downloads_of_text_already_stored(self, client, people, cdo_deliverable, q2):
        import csv
        import io

        from openpyxl import load_workbook

        self._stored(cdo_deliverable, q2)
        client.force_login(people["viewer"])
        xlsx = client.get(reverse("assurance:deliverable_export", args=["xlsx"]) + "?quarter=2")
        assert xlsx.status_code == 200
        cells = [
            c
            for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True)
            for c in row
        ]
        assert self.CLEAN in cells
        assert "'\n=1+1" not in cells and "\n=1+1" in cells  # a leading break is no formula
        csv_response = client.get(
            reverse("assurance:deliverable_export", args=["csv"]) + "?quarter=2"
        )
        rows = list(csv.DictReader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
        assert rows[0]["narrative"] == self.CLEAN
        report = client.get(reverse("assurance:board_report_xlsx") + "?quarter=2")
        assert report.status_code == 200

    def test_a_frozen_report_with_such_text_still_downloads(
        self, client, people, cdo_deliverable, q2
    ):
        from assurance.services import quarter_close

        self._stored(cdo_deliverable, q2)
        quarter_close(quarter=q2, user=people["admin"])
        client.force_login(people["viewer"])
        response = client.get(reverse("assurance:board_report_xlsx") + "?quarter=2")
        assert response.status_code == 200
        page = client.get(reverse("assurance:board_report") + "?quarter=2")
        assert page.status_code == 200

    def test_e_mail_subjects_and_bodies(self, plan, q2, people, cdo_deliverable, dhg, settings):
        from django.core import mail

        from assurance import reminders
        from tests.deliverables.factories import StatusUpdateFactory

        dhg.name = "Digital\nHealthcare\x0bGroup"
        dhg.code = ""
        dhg.save()
        StatusUpdateFactory(deliverable=cdo_deliverable, quarter=q2, status="green")
        cdo_deliverable.description = "Deliver\x0bthe thing\x01"
        cdo_deliverable.save()
        people["secretary"].email = "secretary@example.nhs.uk"
        people["secretary"].save()
        messages = [m for m in reminders.planned(q2.deadline) if m.kind == "group_ready"]
        assert messages and all(reminders.send(m, q2.deadline) for m in messages)
        sent = mail.outbox[0]
        assert "\n" not in sent.subject and "Digital Healthcare Group" in sent.subject
        assert "\x0b" not in sent.body and "\x01" not in sent.body
