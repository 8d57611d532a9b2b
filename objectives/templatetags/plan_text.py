from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from common import text

register = template.Library()

BULLET = "• "


def text_blocks(text: str):
    """Group plan text into paragraphs and bulleted lists ("• " lines), keeping their order."""
    blocks: list[tuple[str, list[str]]] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith(BULLET):
            if not blocks or blocks[-1][0] != "list":
                blocks.append(("list", []))
            blocks[-1][1].append(line[len(BULLET) :])
        else:
            blocks.append(("paragraph", [line]))
    return blocks


@register.filter
def plan_text(text):
    """Plan text as HTML: paragraphs, and "• " lines as an NHS.UK bulleted list. Escaped."""
    return _html(text_blocks(text))


@register.filter
def plan_lead(text) -> str:
    """The plan text's first paragraph, whole: a heading's words (the rest is `plan_rest`)."""
    blocks = text_blocks(text)
    return blocks[0][1][0] if blocks and blocks[0][0] == "paragraph" else ""


@register.filter
def plan_rest(text):
    """The plan text after its first paragraph, as `plan_text` shows it."""
    blocks = text_blocks(text)
    return _html(blocks[1:] if blocks and blocks[0][0] == "paragraph" else blocks)


def _html(blocks):
    html = []
    for kind, lines in blocks:
        if kind == "list":
            items = format_html_join("", "<li>{}</li>", ((line,) for line in lines))
            html.append(format_html('<ul class="nhsuk-list nhsuk-list--bullet">{}</ul>', items))
        else:
            html.append(format_html("<p>{}</p>", lines[0]))
    return mark_safe("".join(html))  # noqa: S308 - every part was escaped by format_html


@register.filter
def person(user, default="—"):
    """A user's full name, or their username, for "updated by" lines (common.text.person)."""
    return text.person(user, default)
