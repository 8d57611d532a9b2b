import datetime

from django import template

from assurance.models import LEVEL_TAGS

register = template.Library()


@register.filter
def isodate(value):
    """An ISO date or date-time string from report data, as a date or datetime for |date."""
    if not value:
        return None
    try:
        return (
            datetime.datetime.fromisoformat(value)
            if "T" in value
            else datetime.date.fromisoformat(value)
        )
    except (TypeError, ValueError):
        return None


@register.filter
def level_tag(level):
    return LEVEL_TAGS.get(level, "nhsuk-tag--grey")


# The status chart's colours (the dashboard's, in static/css/uhbplan.css), as SVG attributes:
# the PDF renderer does not apply CSS to an SVG's shapes.
BAR_FILLS = {
    "complete": "#005eb8",
    "green": "#007f3b",
    "amber": "#ffb81c",
    "red": "#d5281b",
    "not_started": "#4c6272",
    "deferred": "#330072",
    "closed": "#aeb7bd",
    "missing": "#ffffff",
}


@register.filter
def bar_fill(status):
    return BAR_FILLS.get(status, "#aeb7bd")
