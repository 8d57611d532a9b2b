"""The statuses an update can have, what each means, and their NHS.UK tag colours.

One place for the BRAG scale (see ../shared/docs/domain.md): the form shows the meanings beside
the options, `StatusUpdate.clean` asks which statuses need a date or a reason, and the position
presenter (`deliverables.presenters.PositionPresenter`) takes labels and colours from here.
Where a deliverable stands in a quarter (missing, overdue, finished...) is not a status: it is
its position, in `deliverables/positions.py`.
"""

from django.db import models

# The rating is always the forecast for the end of the delivery window, never only today's
# position: "On track" means "will be delivered in the window".
RATING_BASIS = (
    "Rate the forecast: will this be delivered by the end of its delivery window? "
    "Not only where it stands today."
)


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    GREEN = "green", "On track (Green)"
    AMBER = "amber", "At risk (Amber)"
    RED = "red", "Off track (Red)"
    COMPLETE = "complete", "Complete (Blue)"
    DEFERRED = "deferred", "Deferred"
    CLOSED = "closed", "Closed"


MEANINGS = {
    Status.NOT_STARTED: "Work has not begun yet.",
    Status.GREEN: "On track to deliver within the delivery window.",
    Status.AMBER: (
        "Issues or risks identified that may affect delivery or milestones; mitigations in hand."
    ),
    Status.RED: (
        "Not on target to deliver in the window without intervention, "
        "or significant risk of not delivering."
    ),
    Status.COMPLETE: "Delivered. No further updates are needed.",
    Status.DEFERRED: "Moved to a later date: give the reason and the date it is deferred to.",
    Status.CLOSED: "No longer pursued: give the reason. No further updates are needed.",
}

# Statuses that need an expected completion, recovery or deferral date.
NEEDS_DATE = (Status.AMBER, Status.RED, Status.DEFERRED)
# Statuses that always need a reason, even when unchanged.
NEEDS_REASON = (Status.DEFERRED, Status.CLOSED)

# Order for "improved / deteriorated": higher is better. Not started, deferred and closed are
# not on the delivery scale.
SCORE = {Status.RED: 1, Status.AMBER: 2, Status.GREEN: 3, Status.COMPLETE: 4}

# Tag colours of the NHS.UK design system; the text label always goes with the colour.
TAG_CLASSES = {
    Status.NOT_STARTED: "nhsuk-tag--grey",
    Status.GREEN: "nhsuk-tag--green",
    Status.AMBER: "nhsuk-tag--orange",
    Status.RED: "nhsuk-tag--red",
    Status.COMPLETE: "nhsuk-tag--blue",
    Status.DEFERRED: "nhsuk-tag--purple",
    Status.CLOSED: "nhsuk-tag--white",
}

# Documented text limits (characters).
NARRATIVE_MAX = 4000
TEXT_MAX = 2000
