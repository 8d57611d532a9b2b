from django import template

register = template.Library()


@register.simple_tag
def url_with(row, **metric):
    """The list URL behind one number of a roll-up row."""
    return row.url(**metric)


@register.filter
def status_count(row, status):
    return row.status_count(status)
