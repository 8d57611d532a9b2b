"""Where a deliverable stands in one quarter: the one vocabulary every page, export, report and
e-mail uses.

`Position` names the states; `deliverables.models.position_in` is the one implementation (a
query expression, so lists, filters and roll-ups compute it in the database, and a single
deliverable asks the same expression). The values fit a CharField, so a later version can store
each deliverable's position per quarter without changing a reader.

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
