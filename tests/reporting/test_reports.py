import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assurance.models import AssuranceReview
from deliverables.models import Deliverable, StatusUpdate
from reporting.board_report.data import report_data


def refs(rows):
    return [row["reference"] for row in rows]


@pytest.fixture
def reviewed(hand_built, q2, dhg):
    a1 = Deliverable.objects.get(objective__number=1, number=1)
    AssuranceReview.objects.create(
        deliverable=a1, quarter=q2, assurance_group=dhg, level="limited", comments="Worried."
    )
    return a1


@pytest.mark.django_db
class TestReportSections:
    def test_hand_built_quarter(self, reviewed, q2):
        data = report_data(q2)
        assert refs(data["exceptions"]) == ["1.1"]  # amber; no red in Q2
        assert refs(data["completed"]) == ["2.2"]  # 1.5 completed in Q1, not this quarter
        assert refs(data["missing"]) == ["1.3", "1.4"]
        assert data["totals"]["missing"] == 2 and data["totals"]["due"] == 6
        exception = data["exceptions"][0]
        assert exception["reviews"][0]["level_label"] == "Limited"
        assert (
            exception["narrative"] == "Progress as planned."
            and exception["reason_for_change"] == "x"
        )
        assert [t["number"] for t in data["themes"]] == [1, 2]
        assert len(data["themes"][0]["objectives"][0]["deliverables"]) == 6
        assert [s["label"] for s in data["definitions"]["levels"]] == [
            "Substantial",
            "Reasonable",
            "Limited",
            "No assurance",
        ]

    def test_red_is_an_exception_too(self, hand_built, q1):
        assert refs(report_data(q1)["exceptions"]) == ["1.2", "1.4"]  # red, amber

    def test_page_sections(self, client, people, reviewed, q2):
        client.force_login(people["viewer"])
        page = client.get(reverse("reporting:board_report") + "?quarter=2").content.decode()
        for heading in (
            "Executive summary",
            "Exceptions (1)",
            "Completed this quarter (1)",
            "Updates missing (2)",
            "Theme 1: A",
            "Definitions",
            "Levels of assurance",
        ):
            assert heading in page
        assert "Draft" in page  # Q2 is still open
        assert "DHG: Limited assurance" in page

    def test_xlsx(self, client, people, reviewed, q2):
        client.force_login(people["viewer"])
        response = client.get(reverse("reporting:board_report_xlsx") + "?quarter=2")
        assert response["Content-Disposition"].endswith('_Q2_board-report-draft.xlsx"')
        book = load_workbook(io.BytesIO(response.content))
        assert book.sheetnames == [
            "Summary",
            "Deliverables",
            "Exceptions",
            "Updates missing",
            "Assurance",  # assurance at a glance (issue 28)
        ]
        assert [row[0] for row in book["Exceptions"].iter_rows(min_row=2, values_only=True)] == [
            "1.1"
        ]
        # Every sheet of deliverables carries their full text, who answers for each and the
        # committees' findings.
        for name in book.sheetnames[1:4]:
            headings = [cell.value for cell in book[name][1]]
            for column in (
                "Deliverable",
                "Delivery window",
                "Accountable",
                "Assurance",
                "Actions requested",
            ):
                assert column in headings, (name, column)
        exception = dict(
            zip(
                headings,
                next(book["Exceptions"].iter_rows(min_row=2, values_only=True)),
                strict=True,
            )
        )
        assert exception["Deliverable"] and exception["Assurance"] == "DHG: Limited"


@pytest.mark.django_db
class TestFrozenAtClose:
    def test_a_closed_quarters_report_never_changes(self, client, people, reviewed, q2, dhg):
        client.force_login(people["admin"])
        client.post(reverse("planning:quarter_change", args=[q2.pk, "close"]))
        url = reverse("reporting:board_report") + "?quarter=2"
        before = client.get(url).context["data"]

        # An owner's attempt to edit afterwards is refused...
        client.force_login(people["cdo"])
        a1 = reviewed
        client.post(
            reverse("deliverables:update_edit", args=[a1.pk, 2]),
            {f"d{a1.pk}-status": "red", f"d{a1.pk}-narrative": "Changed", f"d{a1.pk}-version": "1"},
        )
        # ...and an administrator's later correction is recorded but does not rewrite the report.
        client.force_login(people["admin"])
        update = StatusUpdate.objects.get(deliverable=a1, quarter=q2)
        response = client.post(
            reverse("deliverables:update_edit", args=[a1.pk, 2]),
            {
                f"d{a1.pk}-status": "red",
                f"d{a1.pk}-narrative": "Corrected later",
                f"d{a1.pk}-reason_for_change": "Data error",
                f"d{a1.pk}-red_date_day": "1",
                f"d{a1.pk}-red_date_month": "3",
                f"d{a1.pk}-red_date_year": "2022",
                f"d{a1.pk}-version": str(update.version),
            },
        )
        assert response.status_code == 302
        corrected = StatusUpdate.objects.get(deliverable=a1, quarter=q2)
        assert (corrected.status, corrected.corrected_after_close) == ("red", True)
        AssuranceReview.objects.filter(deliverable=a1).update(level="substantial")

        client.force_login(people["viewer"])
        response = client.get(url)
        assert response.context["data"] == before
        page = response.content.decode()
        assert "as it stood when Q2 closed" in page and "Corrected later" not in page
        assert "DHG: Limited assurance" in page

        pack = client.get(reverse("reporting:group_pack", args=[dhg.pk]) + "?quarter=2")
        assert "Corrected later" not in pack.content.decode()
        assert "Progress as planned." in pack.content.decode()

    def test_the_live_page_still_shows_the_correction(self, client, people, reviewed, q2):
        client.force_login(people["admin"])
        client.post(reverse("planning:quarter_change", args=[q2.pk, "close"]))
        StatusUpdate.objects.filter(deliverable=reviewed, quarter=q2).update(narrative="Later text")
        detail = client.get(reverse("deliverables:detail", args=[reviewed.pk])).content.decode()
        assert "Later text" in detail


@pytest.mark.django_db
class TestGroupPack:
    def test_only_the_groups_deliverables_and_reviews(self, client, people, reviewed, q2, dhg):
        client.force_login(people["secretary"])
        response = client.get(reverse("reporting:group_pack", args=[dhg.pk]) + "?quarter=2")
        assert refs(response.context["rows"]) == ["1.1", "1.3"]
        page = response.content.decode()
        assert "DHG pack: Q2 2021/22, Jul–Sep 2021" in page
        assert "Worried." in page and "DHG assurance:</strong> not yet recorded" in page


@pytest.mark.django_db
def test_an_owner_without_a_named_executive_is_named_alone(people, q2, cfo_deliverable, cdo):
    """The report said "CFO (None None)" where no executive was named for the owner."""
    from reporting.board_report.data import report_data

    people_cfo = people["cfo"]
    owner = type(cdo).objects.get(code="CFO")
    owner.executive = None
    owner.save()  # as admin saves it (a change every kept figure follows)
    [row] = [d for d in report_data(q2)["deliverables"] if d["id"] == cfo_deliverable.pk]
    assert row["accountable"] == ["CFO"]
    owner.executive = people_cfo
    owner.save()
    [row] = [d for d in report_data(q2)["deliverables"] if d["id"] == cfo_deliverable.pk]
    assert row["accountable"] == [f"CFO ({people_cfo.get_full_name() or 'cfo'})"]
