"""Committee findings in templates."""

from django import template

from assurance.baf.register import HEAT_COLOURS
from assurance.models import action_lines

register = template.Library()


@register.filter
def action_list(text) -> list[str]:
    """A review's "actions requested", one action per item (as its actions are made), so every
    page shows them as a list rather than one run-on sentence."""
    return action_lines(text)


@register.filter
def heat_fill(rating: str) -> str:
    """A 5×5 band's colour, for the heat map's SVG attributes (the same on the page, in print
    and in the PDF, whatever stylesheet is there; read from the band, so a report frozen
    before keeps its colours)."""
    return HEAT_COLOURS.get(rating, ("#ffffff", "#212b32"))[0]


@register.filter
def heat_ink(rating: str) -> str:
    """The text colour on a band: at least 4.5:1 against it."""
    return HEAT_COLOURS.get(rating, ("#ffffff", "#212b32"))[1]
