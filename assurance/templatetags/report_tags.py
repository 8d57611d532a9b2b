import datetime

from django import template

from assurance.models import LEVEL_TAGS
from deliverables.templatetags.rollup_tags import status_tag_class

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
def status_tag(status):
    """The status's tag; red for an update that is missing (no status at all)."""
    return status_tag_class(status) if status else "nhsuk-tag--red"


@register.filter
def level_tag(level):
    return LEVEL_TAGS.get(level, "nhsuk-tag--grey")
