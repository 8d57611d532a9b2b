"""Committee findings in templates."""

from django import template

from assurance.models import action_lines

register = template.Library()


@register.filter
def action_list(text) -> list[str]:
    """A review's "actions requested", one action per item (as its actions are made), so every
    page shows them as a list rather than one run-on sentence."""
    return action_lines(text)
