from urllib.parse import urlencode

from django import template
from django.urls import reverse

from reporting import glance

register = template.Library()


@register.simple_tag
def url_with(row, **metric):
    """The list URL behind one number of a roll-up row."""
    return row.url(**metric)


@register.filter
def status_count(row, status):
    return row.status_count(status)


@register.simple_tag
def glance_url(plan_year, quarter_number, **params):
    """The list behind one number of the assurance at a glance (reporting.glance): the
    deliverables due in the quarter, narrowed by `params` (level, assurance_group, theme,
    status; the "no update" row is the list's "update missing")."""
    params = {name: value for name, value in params.items() if value not in (None, "")}
    if params.get("status") == glance.NO_UPDATE:
        del params["status"]
        params["missing"] = 1
    query = {"plan": plan_year, "quarter": quarter_number, "due": 1} | params
    return reverse("reporting:deliverable_list") + "?" + urlencode(query)


@register.filter
def at_most(items, limit):
    """The first `limit` of `items`; all of them when no limit is given."""
    return items[:limit] if limit else items


@register.filter
def count_of(counts, key):
    return counts.get(key, 0)
