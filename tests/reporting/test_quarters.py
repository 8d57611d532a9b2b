import pytest
from django.urls import reverse

from assurance.models import AssuranceReview
from common import revision
from deliverables.models import StatusUpdate
from reporting.models import BoardReport


def close(client, quarter):
    return client.post(reverse("planning:quarter_change", args=[quarter.pk, "close"]), follow=True)


def reopen(client, quarter):
    return client.post(reverse("planning:quarter_change", args=[quarter.pk, "open"]), follow=True)


@pytest.mark.django_db
class TestClosing:
    @pytest.mark.parametrize("role", ["viewer", "cdo", "secretary", "nobody"])
    def test_only_administrators(self, client, people, q2, role):
        client.force_login(people[role])
        assert client.get(reverse("planning:quarters")).status_code == 403
        url = reverse("planning:quarter_change", args=[q2.pk, "close"])
        assert client.post(url).status_code == 403
        q2.refresh_from_db()
        assert q2.is_open

    def test_closing_asks_first_and_says_what_is_missing(
        self, client, people, q2, cdo_deliverable, cfo_deliverable
    ):
        client.force_login(people["admin"])
        page = client.get(reverse("planning:quarters")).content.decode()
        confirm = reverse("planning:quarter_change", args=[q2.pk, "close"])
        assert f'href="{confirm}"' in page
        # Only the open quarter can be closed; the others wait for it.
        assert "Close Q2 first to open Q3." in page and "Close Q2 first to reopen Q1." in page
        page = client.get(confirm).content.decode()
        assert "2 updates still missing" in page and "Close anyway and fix its report" in page
        assert reverse("reporting:board_cover", args=[q2.pk]) in page  # the cover, first
        # None has been entered: its blanks are named (issue 28).
        assert "The board paper's cover is not complete" in page
        q2.refresh_from_db()
        assert q2.is_open  # asking changed nothing

    def test_close_records_who_and_locks_updates_and_reviews(
        self, client, people, q2, cdo_deliverable, dhg
    ):
        client.force_login(people["admin"])
        page = close(client, q2).content.decode()
        assert "is closed and its board report is fixed" in page
        q2.refresh_from_db()
        assert q2.is_closed and q2.state_changed_by == people["admin"]
        assert q2.history.latest().history_change_reason == "Closed"
        assert BoardReport.objects.filter(quarter=q2, superseded_at__isnull=True).count() == 1

        client.force_login(people["cdo"])
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        response = client.post(
            url,
            {
                f"d{cdo_deliverable.pk}-status": "green",
                f"d{cdo_deliverable.pk}-narrative": "x",
                f"d{cdo_deliverable.pk}-version": "0",
            },
        )
        assert (
            "is closed: updates can only be made while a quarter is open"
            in response.content.decode()
        )
        assert not StatusUpdate.objects.exists()

        client.force_login(people["secretary"])
        url = reverse("assurance:review_edit", args=[dhg.pk, cdo_deliverable.pk, 2])
        response = client.post(url, {"level": "limited"})
        assert "assurance can only be recorded while a quarter is open" in response.content.decode()
        assert not AssuranceReview.objects.exists()

    def test_reopen_is_possible_and_recorded(self, client, people, q2):
        client.force_login(people["admin"])
        close(client, q2)
        page = reopen(client, q2).content.decode()
        assert "is open for updates" in page
        q2.refresh_from_db()
        assert q2.is_open
        assert [h.history_change_reason for h in q2.history.all()[:2]] == ["Reopened", "Closed"]
        close(client, q2)
        assert BoardReport.objects.filter(quarter=q2).count() == 2
        assert BoardReport.objects.filter(quarter=q2, superseded_at__isnull=True).count() == 1

    def test_a_reopened_quarters_report_and_pack_say_so(self, client, people, q2, dhg):
        client.force_login(people["admin"])
        close(client, q2)
        reopen(client, q2)
        for url in (
            reverse("reporting:board_report") + "?quarter=2",
            reverse("reporting:group_pack", args=[dhg.pk]) + "?quarter=2",
        ):
            page = client.get(url).content.decode()
            assert "Draft: Q2 was reopened" in page
            assert "The report fixed when it closed is kept on record" in page
        # A quarter never opened has no report at all (issue 27: it had a draft of zeros).
        q3_page = client.get(reverse("reporting:board_report") + "?quarter=3").content.decode()
        assert "was reopened" not in q3_page and "Draft" not in q3_page
        assert "Q3 2021/22, Oct–Dec 2021 has not opened yet" in q3_page

    def test_a_closed_quarter_s_pack_names_the_group_as_it_was(
        self, client, people, q2, dhg, cdo_deliverable
    ):
        dhg.name = "Digital Health Group"
        dhg.save()
        client.force_login(people["admin"])
        close(client, q2)
        dhg.code, dhg.name = "DTG", "Digital Transformation Group"
        dhg.save()
        page = client.get(reverse("reporting:group_pack", args=[dhg.pk]) + "?quarter=2")
        html = page.content.decode()
        assert "<h1>DHG pack: Q2" in html and "Digital Health Group." in html
        assert "DTG" not in html and "Digital Transformation Group" not in html
        # A report frozen before groups were kept in it (schema 4) names the group by the label
        # on its deliverables.
        report = BoardReport.objects.get(quarter=q2, superseded_at__isnull=True)
        data = dict(report.data)
        del data["groups"], data["schema"]
        BoardReport.objects.filter(pk=report.pk).update(data=data)
        revision._kept.clear()  # as another app server, which has not kept it yet
        html = client.get(
            reverse("reporting:group_pack", args=[dhg.pk]) + "?quarter=2"
        ).content.decode()
        assert "<h1>DHG pack: Q2" in html and "DTG" not in html

    def test_cannot_open_a_second_quarter(self, client, people, plan, q2):
        client.force_login(people["admin"])
        q3 = plan.quarters.get(number=3)
        page = reopen(client, q3).content.decode()
        assert "Q2 is open. Close it before opening Q3." in page
        q3.refresh_from_db()
        assert not q3.is_open

    def test_closing_a_closed_quarter_is_a_message(self, client, people, q1):
        client.force_login(people["admin"])
        assert "Only an open quarter can be closed" in close(client, q1).content.decode()
