from django import template

from deliverables.status import TAG_CLASSES, Status

register = template.Library()


@register.simple_tag
def url_with(row, **metric):
    """The list URL behind one number of a roll-up row."""
    return row.url(**metric)


@register.filter
def status_count(row, status):
    return row.status_count(status)


@register.filter
def status_tag_class(status):
    return TAG_CLASSES.get(status, "nhsuk-tag--grey")


@register.filter
def status_label(status):
    return dict(Status.choices).get(status, status)
