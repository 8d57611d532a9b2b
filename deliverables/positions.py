"""Where a deliverable stands in one quarter: the one vocabulary every page, export, report and
e-mail uses.

`Position` names the states and `position_of` is the one statement of the rule. Its result is
stored for every deliverable and every quarter of its plan (`deliverables.models.Standing`,
kept current by `deliverables.standings`, ADR 15), so lists, filters and roll-ups read it in
the database with a join.

How a position is shown (its label, NHS.UK tag colour and sentence) is
`deliverables.presenters.PositionPresenter`, and nowhere else.
"""

from django.db import models

from deliverables.status import Status


class Position(models.TextChoices):
    NOT_IN_WINDOW = "not_in_window", "Not in its window yet"
    NOT_OPEN = "not_open", "Quarter not open yet"
    MISSING = "missing", "Update missing"
    OVERDUE = "overdue", "Overdue: update missing"
    UPDATED = "updated", "Updated"
    COMPLETE = "complete", "Complete"
    DEFERRED = "deferred", "Deferred"
    CLOSED = "closed", "Closed"
    COMPLETED_EARLIER = "completed_earlier", "Completed earlier"
    CLOSED_EARLIER = "closed_earlier", "Closed earlier"


# The quarter's update sets the position when there is one (Not started, Green, Amber and Red
# are all "updated": the status carries the rating).
FROM_STATUS = {
    Status.COMPLETE: Position.COMPLETE,
    Status.DEFERRED: Position.DEFERRED,
    Status.CLOSED: Position.CLOSED,
}
# Statuses that end a deliverable's reporting, and the position they leave in later quarters.
FINISHED_EARLIER = {
    Status.COMPLETE: Position.COMPLETED_EARLIER,
    Status.CLOSED: Position.CLOSED_EARLIER,
}
# Positions in which the quarter is owed an update: it is due (given or not).
OWED = (
    Position.NOT_OPEN,
    Position.MISSING,
    Position.OVERDUE,
    Position.UPDATED,
    Position.COMPLETE,
    Position.DEFERRED,
    Position.CLOSED,
)
# Owed and not given, in a quarter that is or was open: what chasers chase.
AWAITING = (Position.MISSING, Position.OVERDUE)
# Finished: nothing more will be delivered, in this quarter or before it.
FINISHED = (
    Position.COMPLETE,
    Position.CLOSED,
    Position.COMPLETED_EARLIER,
    Position.CLOSED_EARLIER,
)
COMPLETE_TO_DATE = (Position.COMPLETE, Position.COMPLETED_EARLIER)
# Owed and not finished: past the end of its window, one of these is overdue.
UNFINISHED = tuple(p for p in OWED if p not in FINISHED)


def position_of(
    *,
    start_quarter: int,
    end_quarter: int | None,
    quarter_number: int,
    quarter_upcoming: bool,
    statuses: dict[int, str],
) -> Position:
    """Where a deliverable stands in one quarter of its own plan: the rule.

    `statuses` are its submitted updates' statuses by quarter number (an update awaiting its
    executive's sign-off does not count yet). In order: before its window; finished in an
    earlier quarter (then nothing more is owed, whatever else is stored; complete before
    closed); this quarter's update; otherwise owed and not given: not open yet, overdue past
    the end of its window (an open-ended window never ends), or missing.
    """
    if start_quarter > quarter_number:
        return Position.NOT_IN_WINDOW
    earlier = {status for number, status in statuses.items() if number < quarter_number}
    for status, position in FINISHED_EARLIER.items():  # complete before closed
        if status in earlier:
            return position
    status = statuses.get(quarter_number)
    if status is not None:
        return FROM_STATUS.get(status, Position.UPDATED)
    if quarter_upcoming:
        return Position.NOT_OPEN
    if end_quarter is not None and end_quarter < quarter_number:
        return Position.OVERDUE
    return Position.MISSING
