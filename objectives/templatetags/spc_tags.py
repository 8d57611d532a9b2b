"""SPC charts and Making Data Count icons in templates (geometry in objectives.charts)."""

from decimal import Decimal

from django import template
from django.templatetags.static import static

from objectives.measures import charts

register = template.Library()


@register.inclusion_tag("objectives/includes/spc_chart.html")
def spc_chart(measure, until=None, heading_level=3):
    analysis = measure.analysis(until)
    frequency_word = "quarters" if measure.frequency == "quarterly" else "months"
    return {
        "measure": measure,
        "analysis": analysis,
        "chart": charts.chart(
            analysis,
            unit=measure.unit,
            frequency_word=frequency_word,
            year_starts=measure.year_starts(until),
        )
        if analysis
        else None,
        "variation": charts.variation_icon(analysis.variation) if analysis else None,
        "assurance": charts.assurance_icon(analysis.assurance or "") if analysis else None,
        "colours": charts.POINT_COLOURS,
    }


@register.inclusion_tag("objectives/includes/spc_icon.html", takes_context=True)
def variation_icon(context, code, with_text=True):
    return _icon(context, charts.variation_icon(code), with_text)


@register.inclusion_tag("objectives/includes/spc_icon.html", takes_context=True)
def assurance_icon(context, code, with_text=True):
    return _icon(context, charts.assurance_icon(code), with_text)


def _icon(context, icon, with_text) -> dict:
    """An icon by reference to its static file; in a PDF (`print`), to that file on disk,
    which the PDF reads (it fetches nothing)."""
    src = None
    if icon and context.get("print"):
        src = charts.icon_file(icon.file).as_uri()
    elif icon:
        src = static(icon.file)
    return {"icon": icon, "src": src, "with_text": with_text}


@register.filter
def spc_number(value, unit=""):
    return charts.number(value, unit)


@register.filter
def plain_decimal(value):
    """A stored value as it was typed: 2.5000 -> 2.5, 40.0000 -> 40."""
    if value is None or value == "":
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text
