"""A quarter's board report as read: the frozen snapshot once the quarter closed, else the live
draft, kept in this app server's memory under the data revision."""

from dataclasses import dataclass
from functools import cached_property

from django.utils import timezone

from common import revision
from reporting.board_report import snapshots
from reporting.board_report.data import report_data
from reporting.board_report.screens import group_pack, screens
from reporting.models import BoardReport


class KeptReport:
    """A report's data with what pages derive from it (a committee's rows, the screens), each
    worked out once for as long as the data is kept in memory, not on every request: at a
    hundred times the seed plan, picking a committee's rows out of 6,300 cost a third of its
    pack's time."""

    def __init__(self, data: dict):
        self.data = data
        self._packs: dict[int, list[dict]] = {}

    def group_pack(self, group_id: int) -> list[dict]:
        if group_id not in self._packs:
            self._packs[group_id] = group_pack(self.data, group_id)
        return self._packs[group_id]

    def group(self, group_id: int, live) -> dict:
        """The group as the report names it (`label`, `name`): a frozen report's pack says what
        the group was called when the quarter closed, not after a rename (issue 25); `live`
        (the group now) where the report does not name it (it has none of its deliverables)."""
        for group in self.data["groups"]:
            if group["id"] == group_id:
                return group
        return {"id": group_id, "label": live.label, "name": live.name}

    @cached_property
    def screens(self) -> list[dict]:
        return screens(self.data)


@dataclass(frozen=True)
class QuarterReport:
    """The report of a quarter as a reader gets it: the data, and where it comes from."""

    quarter: object
    kept: KeptReport
    frozen: bool  # the snapshot stored when the quarter closed
    snapshot: BoardReport | None = None  # the current stored report, if the quarter ever closed

    @property
    def data(self) -> dict:
        return self.kept.data

    @property
    def reopened(self) -> bool:
        """Closed once (a report was fixed) and open again: the page shows a live draft."""
        return not self.frozen and self.snapshot is not None and self.quarter.is_open

    @property
    def fixed_at(self):
        return self.snapshot.created_at if self.snapshot else None


def report_for(quarter) -> QuarterReport:
    """The one way to read a quarter's board report: the snapshot fixed at close while the
    quarter is closed, otherwise a live draft (noting a report fixed at an earlier close).
    Both are kept in memory (ADR 15): a snapshot never changes, and a draft only with the
    plan's data."""
    snapshot = (
        BoardReport.objects.filter(quarter=quarter, superseded_at__isnull=True)
        .select_related("created_by")
        .defer("data")
        .first()
    )
    if quarter.is_closed and snapshot is not None:
        kept = revision.remembered(
            "board-report-snapshot",
            [snapshot.pk],
            lambda: KeptReport(
                snapshots.upgrade(
                    BoardReport.objects.values_list("data", flat=True).get(pk=snapshot.pk)
                )
            ),
            immutable=True,
        )
        return QuarterReport(quarter, kept, True, snapshot)
    kept = revision.remembered(
        "board-report-draft",
        [quarter.pk, timezone.localdate()],
        lambda: KeptReport(report_data(quarter)),
    )
    return QuarterReport(quarter, kept, False, snapshot)
