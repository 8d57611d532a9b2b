"""The expressions every query of deliverables builds on: the one order, the stored position
joined in, and the one statement of overdue."""

from django.db import models
from django.db.models.functions import Coalesce

from deliverables.positions import (
    UNFINISHED,
    Position,
)
from deliverables.status import (
    SCORE,
)

# Theme, objective, deliverable, by the numbers (Deliverable.objects.natural_order).
NATURAL_ORDER = ("objective__plan_id", "objective__theme__number", "objective__number", "number")


def quarter_ids(quarter) -> dict[int, int]:
    """The plan's quarter ids by number, fetched once per quarter object. Subqueries filter on
    quarter ids directly, with no join to the quarter table (see docs/performance.md)."""
    if not hasattr(quarter, "_plan_quarter_ids"):
        from objectives.models import Quarter

        quarter._plan_quarter_ids = dict(
            Quarter.objects.filter(plan_id=quarter.plan_id).values_list("number", "id")
        )
    return quarter._plan_quarter_ids


def standing_in(name, quarter_id) -> dict:
    """A join to the deliverable's stored position in one quarter, as `standing_<name>` (none
    without a quarter)."""
    if quarter_id is None:
        return {}
    condition = models.Q(standings__quarter_id=quarter_id)
    return {f"standing_{name}": models.FilteredRelation("standings", condition=condition)}


def stored_position(join):
    # Rows are stored for every quarter of the deliverable's own plan; in another plan's
    # quarter there is none, and it is not in its window there.
    return Coalesce(
        models.F(f"{join}__position"),
        models.Value(Position.NOT_IN_WINDOW),
        output_field=models.CharField(),
    )


def overdue_condition(quarter, position_field: str = "position") -> models.Q:
    """The one statement of "overdue": past the end of its window and not finished."""
    return past_window_condition(quarter) & models.Q(**{f"{position_field}__in": UNFINISHED})


def past_window_condition(quarter) -> models.Q:
    """The quarter is after the end of the delivery window (`Deliverable.is_past_window_in` in
    Python). An open-ended window is never past, and the test stays false, not NULL, in SQL."""
    return models.Q(end_quarter__isnull=False, end_quarter__lt=quarter.number)


def as_expression(label):
    return label if hasattr(label, "resolve_expression") else models.Value(label)


def flag(condition) -> models.ExpressionWrapper:
    return models.ExpressionWrapper(condition, output_field=models.BooleanField())


def score(field: str):
    """A status as a number on the delivery scale (Red 1 ... Complete 4), else None."""
    return models.Case(
        *[
            models.When(**{field: status}, then=models.Value(score))
            for status, score in SCORE.items()
        ],
        default=models.Value(None),
        output_field=models.IntegerField(),
    )
