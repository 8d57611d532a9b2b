"""Where each deliverable stands in each quarter, stored (ADR 15)."""

from django.db import models

from deliverables.positions import (
    Position,
)
from deliverables.status import (
    Status,
)


class Standing(models.Model):
    """A deliverable's position in one quarter of its plan, stored (ADR 15).

    `positions.position_of` is the one statement of the rule; this table holds its result
    for every deliverable and every quarter of the deliverable's plan, so a page reads a
    position with a join instead of working out the rule for every row. It is kept
    current by `deliverables.standings` whenever an update, a deliverable, an objective or a
    quarter is saved or deleted, and `manage.py rebuild_positions` recomputes all of it.
    Derived data: nothing else writes it, and it is never edited.
    """

    deliverable = models.ForeignKey(
        "deliverables.Deliverable", on_delete=models.CASCADE, related_name="standings"
    )
    quarter = models.ForeignKey("objectives.Quarter", on_delete=models.CASCADE, related_name="+")
    position = models.CharField(max_length=20, choices=Position.choices)
    # The status of the quarter's submitted update; NULL without one (readers test
    # `status_now is None`).
    status = models.CharField(max_length=12, choices=Status.choices, null=True, blank=True)  # noqa: DJ001

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable", "quarter"], name="one_standing_a_quarter"
            )
        ]
        indexes = [models.Index(fields=["quarter", "position"], name="standing_quarter_position")]

    def __str__(self):
        return f"{self.deliverable_id} in quarter {self.quarter_id}: {self.position}"
