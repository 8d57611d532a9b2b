"""The report's status chart as a PNG, for the Word version (Word shows no SVG): the same bars,
colours (rollups.BAR_FILLS) and numbers as the page's and the PDF's chart."""

import io

from PIL import Image, ImageDraw, ImageFont

from reporting import rollups

# Drawn at twice the size it prints, so it stays sharp.
WIDTH, ROW, LABEL, PAD = 1400, 56, 420, 16
FONT_FILES = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf")


def _font(size):
    for name in FONT_FILES:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def status_chart_png(data: dict) -> bytes:
    """One bar per status (and "Update missing") of the deliverables due, as the report has."""
    rows = [(row["label"], row["count"], row["status"]) for row in data["status_counts"]]
    rows.append(("Update missing", data["totals"]["missing"], rollups.MISSING))
    due = data["totals"]["due"] or 1
    height = PAD * 2 + ROW * len(rows)
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    font = _font(26)
    span = WIDTH - LABEL - 120
    for index, (label, count, key) in enumerate(rows):
        top = PAD + index * ROW
        draw.text((0, top + 12), label, fill="#212b32", font=font)
        draw.rectangle((LABEL, top + 10, LABEL + span, top + ROW - 10), fill="#e8edee")
        width = round(span * count / due)
        if width:
            outline = "#d5281b" if key == rollups.MISSING else None
            draw.rectangle(
                (LABEL, top + 10, LABEL + width, top + ROW - 10),
                fill=rollups.bar_fill(key),
                outline=outline,
                width=3,
            )
        draw.text((LABEL + span + 16, top + 12), str(count), fill="#212b32", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
