"""Reliability and security, round two: each class of defect an attacker's suite and a race
found, with a test that failed before its fix (issue 13)."""

import html

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
        mine = reverse("reporting:deliverable_list") + "?quarter=2"
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
        xlsx = client.get(reverse("reporting:deliverable_export", args=["xlsx"]) + "?quarter=2")
        assert xlsx.status_code == 200
        cells = [
            c
            for row in load_workbook(io.BytesIO(xlsx.getvalue())).active.iter_rows(values_only=True)
            for c in row
        ]
        assert self.CLEAN in cells
        assert "'\n=1+1" not in cells and "\n=1+1" in cells  # a leading break is no formula
        csv_response = client.get(
            reverse("reporting:deliverable_export", args=["csv"]) + "?quarter=2"
        )
        rows = list(csv.DictReader(io.StringIO(csv_response.getvalue().decode("utf-8-sig"))))
        assert rows[0]["narrative"] == self.CLEAN
        report = client.get(reverse("reporting:board_report_xlsx") + "?quarter=2")
        assert report.status_code == 200

    def test_a_frozen_report_with_such_text_still_downloads(
        self, client, people, cdo_deliverable, q2
    ):
        from reporting.services import quarter_close

        self._stored(cdo_deliverable, q2)
        quarter_close(quarter=q2, user=people["admin"])
        client.force_login(people["viewer"])
        response = client.get(reverse("reporting:board_report_xlsx") + "?quarter=2")
        assert response.status_code == 200
        page = client.get(reverse("reporting:board_report") + "?quarter=2")
        assert page.status_code == 200

    def test_e_mail_subjects_and_bodies(self, plan, q2, people, cdo_deliverable, dhg, settings):
        from django.core import mail

        from planning import reminders
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


@pytest.mark.django_db
class TestReviewVersions:
    """Two secretaries open the same review; the second save no longer silently overwrites the
    first: it is refused, the newer version is shown, and what was typed is kept."""

    def _url(self, dhg, deliverable):
        return reverse("assurance:review_edit", args=[dhg.pk, deliverable.pk, 2])

    def test_a_stale_save_is_refused_and_nothing_is_lost(
        self, client, people, cdo_deliverable, dhg, q2
    ):
        from assurance.models import AssuranceReview
        from tests.factories import UserFactory

        second = UserFactory(username="second-secretary", assurance_groups=[dhg])
        url = self._url(dhg, cdo_deliverable)
        client.force_login(people["secretary"])
        client.post(url, {"level": "substantial", "comments": "First", "version": "0"})
        # The other secretary had loaded the page before that save (version 0).
        client.force_login(second)
        response = client.post(
            url, {"level": "limited", "comments": "Concerns remain", "version": "0"}
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "Someone else recorded this assurance first" in page
        assert "Substantial assurance" in page and "First" in page  # theirs, shown
        assert "Concerns remain" in page  # mine, kept in the form
        assert 'name="version" value="1"' in page  # saving again is a knowing overwrite
        review = AssuranceReview.objects.get()
        assert (review.level, review.comments, review.version) == ("substantial", "First", 1)
        # Saving again from the newer version succeeds.
        client.post(url, {"level": "limited", "comments": "Concerns remain", "version": "1"})
        assert AssuranceReview.objects.get().level == "limited"

    def test_two_first_saves_race_and_the_loser_is_told(self, people, cdo_deliverable, dhg, q2):
        from assurance.models import AssuranceReview
        from assurance.services import review_save
        from common.versioning import UpdateConflict

        def new(level):
            return AssuranceReview(
                deliverable=cdo_deliverable, quarter=q2, assurance_group=dhg, level=level
            )

        review_save(review=new("substantial"), user=people["secretary"], expected_version=0)
        with pytest.raises(UpdateConflict) as error:
            review_save(review=new("limited"), user=people["secretary"], expected_version=0)
        assert error.value.current.level == "substantial"

    def test_history_on_the_pack_and_the_deliverable_page(
        self, client, people, cdo_deliverable, dhg, q2
    ):
        url = self._url(dhg, cdo_deliverable)
        client.force_login(people["secretary"])
        client.post(url, {"level": "substantial", "version": "0"})
        client.post(url, {"level": "limited", "version": "1"})
        pack = client.get(
            reverse("reporting:group_pack", args=[dhg.pk]) + "?quarter=2"
        ).content.decode()
        assert "DHG's review history" in pack
        assert pack.index("recorded Substantial") < pack.index("changed Limited")
        detail = html.unescape(
            client.get(reverse("deliverables:detail", args=[cdo_deliverable.pk])).content.decode()
        )
        assert "DHG's Q2 assurance recorded" in detail and "DHG's Q2 assurance changed" in detail
        assert "Substantial → Limited" in detail


SIGNED_IN_PAGES = [
    ("reporting:dashboard", []),
    ("reporting:deliverable_list", []),
    ("reporting:deliverable_export", ["csv"]),
    ("reporting:deliverable_export", ["xlsx"]),
    ("reporting:board_report", []),
    ("reporting:board_report_xlsx", []),
    ("deliverables:rag_grid", []),
    ("objectives:plan_overview", []),
]


@pytest.mark.django_db
class TestCaching:
    @pytest.mark.parametrize(("name", "args"), SIGNED_IN_PAGES)
    def test_signed_in_pages_and_downloads_are_not_stored(
        self, client, people, hand_built, name, args
    ):
        client.force_login(people["admin"])
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]

    def test_my_updates_and_the_update_form(self, client, people, cdo_deliverable, q2):
        client.force_login(people["cdo"])
        for url in (
            reverse("deliverables:my_updates"),
            reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2]),
        ):
            assert "no-store" in client.get(url)["Cache-Control"]


@pytest.mark.django_db
class TestHead:
    """HEAD answers like GET, without a body: monitors and link checkers use it."""

    @pytest.mark.parametrize("path", ["/healthz", "/readyz"])
    def test_health_checks(self, client, path):
        response = client.head(path)
        assert response.status_code == 200 and response.content == b""

    @pytest.mark.parametrize(("name", "args"), SIGNED_IN_PAGES)
    def test_pages(self, client, people, hand_built, name, args):
        client.force_login(people["admin"])
        assert client.head(reverse(name, args=args)).status_code == 200


@pytest.mark.django_db
class TestCsvForExcel:
    def test_declares_utf8_and_starts_with_a_bom(self, client, people, cdo_deliverable, q2):
        cdo_deliverable.description = "• Bullet – dash, café"
        cdo_deliverable.save()
        client.force_login(people["viewer"])
        response = client.get(reverse("reporting:deliverable_export", args=["csv"]))
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        content = response.getvalue()
        assert content.startswith("\ufeff".encode())
        assert "• Bullet – dash, café" in content.decode("utf-8-sig")


@pytest.fixture
def audit_log(caplog):
    """The audit lines written during a test, as the JSON the log store receives."""
    import json
    import logging

    from core.logging import JsonFormatter

    caplog.set_level(logging.INFO, logger="uhbplan.audit")

    def entries():
        return [
            json.loads(JsonFormatter().format(r))
            for r in caplog.records
            if r.name == "uhbplan.audit"
        ]

    return entries


@pytest.mark.django_db
class TestAuditEvents:
    """Every kind of outcome has its own event; a refusal is never logged as a write."""

    def _update_url(self, deliverable, number=2):
        return reverse("deliverables:update_edit", args=[deliverable.pk, number])

    def test_an_accepted_save_is_a_write(self, client, people, cdo_deliverable, q2, audit_log):
        client.force_login(people["cdo"])
        client.post(self._update_url(cdo_deliverable), form_data(cdo_deliverable))
        assert [(e["event"], e["status"]) for e in audit_log()] == [("write", 302)]

    @pytest.mark.parametrize("htmx", [False, True])
    def test_invalid_input_is_refused(self, client, people, cdo_deliverable, q2, audit_log, htmx):
        client.force_login(people["cdo"])
        headers = {"HX-Request": "true"} if htmx else {}
        client.post(
            self._update_url(cdo_deliverable),
            form_data(cdo_deliverable, narrative=""),
            headers=headers,
        )
        [entry] = audit_log()
        assert (entry["event"], entry["status"], entry["htmx"]) == ("refused", 200, htmx)
        assert entry["outcome"] == "invalid: narrative"

    def test_a_closed_quarter_is_refused(self, client, people, cdo_deliverable, q1, audit_log):
        client.force_login(people["cdo"])
        client.post(self._update_url(cdo_deliverable, 1), form_data(cdo_deliverable))
        [entry] = audit_log()
        assert entry["event"] == "refused" and entry["outcome"] == "invalid: form"

    def test_a_stale_version_is_a_conflict(self, client, people, cdo_deliverable, q2, audit_log):
        client.force_login(people["cdo"])
        client.post(self._update_url(cdo_deliverable), form_data(cdo_deliverable))
        client.post(self._update_url(cdo_deliverable), form_data(cdo_deliverable, narrative="Late"))
        events = [(e["event"], e["outcome"]) for e in audit_log()]
        assert events == [("write", "accepted"), ("conflict", "version 1 was saved first")]

    def test_a_review_conflict(self, client, people, cdo_deliverable, dhg, q2, audit_log):
        client.force_login(people["secretary"])
        url = reverse("assurance:review_edit", args=[dhg.pk, cdo_deliverable.pk, 2])
        client.post(url, {"level": "limited", "version": "0"})
        client.post(url, {"level": "substantial", "version": "0"})
        assert [e["event"] for e in audit_log()] == ["write", "conflict"]

    def test_forbidden_and_not_found(self, client, people, cdo_deliverable, q2, audit_log):
        client.force_login(people["cfo"])
        client.post(self._update_url(cdo_deliverable), form_data(cdo_deliverable))
        client.get(reverse("deliverables:detail", args=[999999]))
        assert [(e["event"], e["status"]) for e in audit_log()] == [
            ("denied", 403),
            ("not_found", 404),
        ]

    def test_signing_in_and_out(self, client, people, audit_log):
        person = people["viewer"]
        client.post(reverse("login"), {"username": person.username, "password": "wrong"})
        client.post(
            reverse("login"), {"username": person.username, "password": "a-strong-test-password"}
        )
        client.post(reverse("logout"))
        events = [(e["event"], e["user"]) for e in audit_log()]
        assert events == [("login_failed", None), ("login", "viewer"), ("logout", "viewer")]

    def test_lockout(self, client, people, audit_log):
        for _ in range(5):
            client.post(reverse("login"), {"username": "viewer", "password": "wrong"})
        events = [e["event"] for e in audit_log()]
        assert events[:4] == ["login_failed"] * 4 and events[-1] == "lockout"

    def test_reading_is_not_logged(self, client, people, audit_log, hand_built):
        client.force_login(people["viewer"])
        client.get(reverse("reporting:dashboard"))
        assert audit_log() == []


@pytest.mark.django_db
class TestSignedOutInPageSave:
    def test_htmx_gets_401_not_a_login_page(self, client, cdo_deliverable, q2):
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        response = client.post(url, form_data(cdo_deliverable), headers={"HX-Request": "true"})
        assert response.status_code == 401
        assert b"<html" not in response.content  # nothing to swap into the row

    def test_a_plain_post_still_goes_to_the_login_page(self, client, cdo_deliverable, q2):
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        response = client.post(url, form_data(cdo_deliverable))
        assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.django_db
class TestLockoutBehindAProxy:
    """The lockout is keyed on username and address; behind our proxies the address is the
    client's, so nobody can lock a named person out from elsewhere, and a spray across
    usernames from one address is refused after LOGIN_ADDRESS_FAILURE_LIMIT failures."""

    def login(self, client, username, password, forwarded):
        return client.post(
            reverse("login"),
            {"username": username, "password": password},
            REMOTE_ADDR="10.0.0.1",  # the proxy
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    def test_an_attacker_elsewhere_cannot_lock_out_a_named_person(self, client, people, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        for _ in range(6):
            self.login(client, "viewer", "wrong", "203.0.113.9")  # the attacker
        # The person, from the hospital, behind the same proxy: not locked out.
        response = self.login(client, "viewer", "a-strong-test-password", "198.51.100.20")
        assert response.status_code == 302
        # A forged header cannot pose as the person: our proxy's entry is the last one.
        client.post(reverse("logout"))
        for _ in range(6):
            self.login(client, "viewer", "wrong", "198.51.100.20, 203.0.113.9")
        assert (
            self.login(client, "viewer", "a-strong-test-password", "198.51.100.20").status_code
            == 302
        )

    def test_the_client_address_is_in_the_audit_log(self, client, people, settings, audit_log):
        settings.TRUSTED_PROXY_COUNT = 1
        self.login(client, "viewer", "wrong", "203.0.113.9")
        assert audit_log()[-1]["ip"] == "203.0.113.9"

    def test_without_trusted_proxies_the_header_is_ignored(self, client, people, audit_log):
        self.login(client, "viewer", "wrong", "203.0.113.9")
        assert audit_log()[-1]["ip"] == "10.0.0.1"

    def test_a_spray_across_usernames_is_slowed(self, client, people, settings, audit_log):
        settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
        for number in range(8):
            self.login(client, f"guess{number}", "Summer2021!", "")
        response = self.login(client, "viewer", "a-strong-test-password", "")
        assert response.status_code == 200
        assert "too many failed sign-ins from your network" in response.content.decode()
        assert audit_log()[-1]["event"] == "lockout"
