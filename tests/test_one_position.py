"""One fixture, every reader: each page, export, report and e-mail shows the same position for
the same deliverable, because each reads the one position and its one presenter."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from planning import reminders
from tests.deliverables.factories import DeliverableFactory, StatusUpdateFactory

# reference -> what every reader says of it in Q2 (Q1 closed, Q2 open).
EXPECTED = {
    "1.1": "Overdue: update missing",  # window Q1, At risk in Q1, nothing in Q2
    "1.2": "Completed earlier",  # complete in Q1
    "1.3": "Update missing",  # whole year, nothing in Q2
    "1.4": "At risk (Amber)",  # updated in Q2
    "1.5": "Not in its window yet",  # starts in Q3
}
AWAITING = {"1.1", "1.3"}


@pytest.fixture
def four(plan, q1, q2, cdo, dhg):
    objective = None
    made = {}
    windows = {"1.1": ("Q1", 1, 1), "1.5": ("Q3-4", 3, 4)}
    for number in range(1, 6):
        reference = f"1.{number}"
        delivery, start, end = windows.get(reference, ("Q1-4", 1, 4))
        first = {"objective__theme__plan": plan, "objective__number": 1}
        kwargs = {"objective": objective} if objective else first
        made[reference] = DeliverableFactory(
            number=number,
            delivery=delivery,
            start_quarter=start,
            end_quarter=end,
            owners=[cdo],
            assurance_groups=[dhg],
            **kwargs,
        )
        objective = made[reference].objective
    for reference, quarter, status in [
        ("1.1", q1, "amber"),
        ("1.2", q1, "complete"),
        ("1.3", q1, "green"),
        ("1.4", q1, "green"),
        ("1.4", q2, "amber"),
    ]:
        StatusUpdateFactory(
            deliverable=made[reference],
            quarter=quarter,
            status=status,
            reason_for_change="Given",
            expected_date=datetime.date(2022, 1, 31) if status == "amber" else None,
        )
    return made


def _card(page: str, pk: int) -> str:
    """The part of a page about one deliverable (its card or row, up to the next one)."""
    start = page.index(f'id="deliverable-{pk}"')
    following = re.search(r'id="deliverable-\d+"', page[start + 20 :])
    return page[start : start + 20 + following.start()] if following else page[start:]


@pytest.mark.django_db
class TestEveryReaderAgrees:
    def test_deliverables_list(self, client, people, four):
        client.force_login(people["viewer"])
        page = client.get(reverse("reporting:deliverable_list") + "?quarter=2").content.decode()
        for reference, label in EXPECTED.items():
            assert label in _card(page, four[reference].pk), reference

    def test_secretarys_list(self, client, people, four):
        client.force_login(people["secretary"])
        page = client.get(reverse("reporting:my_groups") + "?quarter=2").content.decode()
        for reference, label in EXPECTED.items():
            assert label in _card(page, four[reference].pk), reference

    def test_rag_grid(self, client, people, four):
        client.force_login(people["viewer"])
        grid = client.get(reverse("deliverables:rag_grid")).context["grid"]
        shown = {row.deliverable.reference: row.cells[1].label for row in grid.rows}
        assert shown == EXPECTED

    def test_deliverable_page(self, client, people, four):
        client.force_login(people["viewer"])
        for reference, label in EXPECTED.items():
            url = reverse("deliverables:detail", args=[four[reference].pk])
            timeline = client.get(url).context["timeline"]
            assert timeline[1].position.label == label, reference

    def test_my_updates(self, client, people, four):
        client.force_login(people["cdo"])
        groups = client.get(reverse("deliverables:my_updates")).context["groups"]
        shown = {
            row["deliverable"].reference: row["position"].label
            for rows in groups.values()
            for row in rows
        }
        owed = {ref: label for ref, label in EXPECTED.items() if ref not in {"1.2", "1.5"}}
        assert shown == owed
        assert [row["deliverable"].reference for row in groups["overdue"]] == ["1.1"]

    def test_board_report_and_group_pack(self, client, people, four, dhg):
        client.force_login(people["admin"])
        for url in (
            reverse("reporting:board_report") + "?quarter=2",
            reverse("reporting:group_pack", args=[dhg.pk]) + "?quarter=2",
        ):
            response = client.get(url)
            shown = {
                d["reference"]: d["status_label"] for d in response.context["data"]["deliverables"]
            }
            assert shown == EXPECTED
            page = response.content.decode()
            assert all(label in page for label in EXPECTED.values())
        data = client.get(reverse("reporting:board_report") + "?quarter=2").context["data"]
        assert {d["reference"] for d in data["missing"]} == AWAITING

    def test_exports(self, client, people, four):
        client.force_login(people["viewer"])
        csv_text = (
            client.get(reverse("reporting:deliverable_export", args=["csv"]) + "?quarter=2")
            .getvalue()
            .decode()
        )
        shown = {row["reference"]: row["status"] for row in csv.DictReader(io.StringIO(csv_text))}
        assert shown == EXPECTED
        xlsx = client.get(reverse("reporting:deliverable_export", args=["xlsx"]) + "?quarter=2")
        rows = list(load_workbook(io.BytesIO(xlsx.getvalue())).active.iter_rows(values_only=True))
        header = rows[0]
        shown = {r[header.index("reference")]: r[header.index("status")] for r in rows[1:]}
        assert shown == EXPECTED

    def test_dashboard_counts(self, client, people, four):
        client.force_login(people["viewer"])
        totals = client.get(reverse("reporting:dashboard") + "?quarter=2").context["totals"]
        assert (totals.numbers["missing"], totals.numbers["overdue"]) == (2, 1)
        assert totals.numbers["due"] == 3 and totals.numbers["completed"] == 1

    def test_reminders_chase_exactly_the_missing(self, people, four, q2):
        messages = reminders.planned(q2.deadline)  # the deadline day
        to_cdo = next(m for m in messages if m.recipient == people["cdo"])
        assert {d.reference for d in to_cdo.deliverables} == AWAITING
