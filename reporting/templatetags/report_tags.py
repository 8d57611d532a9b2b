import datetime

from django import template

from assurance.models import LEVEL_TAGS, ChairReportItem
from reporting import rollups

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


@register.filter
def bar_fill(status):
    """The status chart's colour: the dashboard's, from the one table (rollups.BAR_FILLS)."""
    return rollups.bar_fill(status)


@register.simple_tag
def chair_kinds():
    """(kind, label) of a chair's report's three parts, in the order the Board reads them."""
    return list(ChairReportItem.Kind.choices)


@register.filter
def chair_items(report, kind):
    return report.get(kind, [])


@register.filter
def subtract(value, other):
    """`value` less `other` (numbers from report data)."""
    try:
        return int(value) - int(other)
    except (TypeError, ValueError):
        return ""
