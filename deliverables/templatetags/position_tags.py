"""Template access to the position presenter: pages never choose a label or colour themselves."""

from django import template

from deliverables.presenters import PositionPresenter
from deliverables.status import TAG_CLASSES

register = template.Library()


@register.filter
def position(row):
    """The presenter for a row annotated by `with_status_in`."""
    return PositionPresenter.for_row(row)


@register.filter
def report_position(item):
    """The presenter for one deliverable of board report data."""
    return PositionPresenter.for_data(item)


@register.inclusion_tag("includes/position_tag.html")
def position_tag(presenter):
    return {"p": presenter}


@register.filter
def status_tag(status):
    """The NHS.UK tag colour of a status (for counts by status, where no position applies)."""
    return TAG_CLASSES.get(status, "")
