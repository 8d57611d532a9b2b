"""SPC charts and Making Data Count icons as server-drawn SVG geometry.

Templates draw what these return (objectives/includes/spc_chart.html), so the page, the board
report and its PDF show the same chart without JavaScript. Colours are given as SVG
presentation attributes, not CSS: the content security policy allows no inline styles, and the
PDF renderer ignores CSS fills on SVG shapes.

The icons are drawn once each, as static files (static/spc/), which pages show by reference
(spc_icon.html): drawn inline, two thousand key indicators at a hundred times the seed plan
made a third of the dashboard's 3 MB. A PDF reads the same files from disk (`icon_file`).
"""

from __future__ import annotations

import dataclasses
import functools
import math
from pathlib import Path

from django.contrib.staticfiles import finders

from objectives.measures import spc

# Making Data Count's colours, darkened where needed for 3:1 contrast on white (WCAG 1.4.11).
POINT_COLOURS = {
    spc.PointType.COMMON_CAUSE: "#768692",  # grey
    spc.PointType.IMPROVEMENT: "#005eb8",  # blue
    spc.PointType.CONCERN: "#b85c00",  # orange
    spc.PointType.NEUTRAL: "#5a2d81",  # purple
}
ASSURANCE_COLOURS = {
    spc.Assurance.PASS: "#005eb8",
    spc.Assurance.FAIL: "#b85c00",
    spc.Assurance.HIT_AND_MISS: "#768692",
}
VARIATION_TYPES = {
    spc.Variation.COMMON_CAUSE: spc.PointType.COMMON_CAUSE,
    spc.Variation.IMPROVEMENT_HIGH: spc.PointType.IMPROVEMENT,
    spc.Variation.IMPROVEMENT_LOW: spc.PointType.IMPROVEMENT,
    spc.Variation.CONCERN_HIGH: spc.PointType.CONCERN,
    spc.Variation.CONCERN_LOW: spc.PointType.CONCERN,
    spc.Variation.NEUTRAL_HIGH: spc.PointType.NEUTRAL,
    spc.Variation.NEUTRAL_LOW: spc.PointType.NEUTRAL,
}
SHORT_VARIATION = {
    spc.Variation.COMMON_CAUSE: "Common cause",
    spc.Variation.IMPROVEMENT_HIGH: "Improvement (high)",
    spc.Variation.IMPROVEMENT_LOW: "Improvement (low)",
    spc.Variation.CONCERN_HIGH: "Concern (high)",
    spc.Variation.CONCERN_LOW: "Concern (low)",
    spc.Variation.NEUTRAL_HIGH: "Neutral (high)",
    spc.Variation.NEUTRAL_LOW: "Neutral (low)",
}
SHORT_ASSURANCE = {
    spc.Assurance.PASS: "Consistently pass",
    spc.Assurance.FAIL: "Consistently fail",
    spc.Assurance.HIT_AND_MISS: "Hit and miss",
}

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 56


def number(value: float | None, unit: str = "") -> str:
    """A value as people read it: no trailing zeros, thousands separated, the unit after."""
    if value is None:
        return ""
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 1e6 else f"{value:,.0f}"
    if text == "-0":
        text = "0"
    if not unit:
        return text
    if unit.startswith(("£", "$", "€")):  # £k: £4,672k; a minus sign goes first: -£12k
        sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
        return f"{sign}{unit[0]}{digits}{unit[1:]}"
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


@dataclasses.dataclass(frozen=True)
class Icon:
    kind: str  # "variation" or "assurance"
    code: str
    label: str  # the full text equivalent
    short: str  # for table cells, beside the icon
    colour: str
    letter: str  # H, L, P, F, ? or ""
    letter_y: int  # where the letter sits: high letters at the top

    @property
    def file(self) -> str:
        """The icon's drawing, a static file (static/spc/)."""
        return f"spc/{self.kind}-{self.code}.svg"


def all_icons() -> list[Icon]:
    return [variation_icon(code) for code in spc.Variation] + [
        assurance_icon(code) for code in spc.Assurance
    ]


@functools.cache
def icon_file(name: str) -> Path:
    """Where an icon's static file (`Icon.file`) is on this server's disk."""
    return Path(finders.find(name))


def icon_at(uri: str) -> Path | None:
    """The icon file a `file:` URI names, if it names one: all a PDF may read."""
    return _icon_files().get(uri)


@functools.cache
def _icon_files() -> dict[str, Path]:
    return {icon_file(icon.file).as_uri(): icon_file(icon.file) for icon in all_icons()}


def variation_icon(code: str) -> Icon | None:
    if not code:
        return None
    variation = spc.Variation(code)
    letter = "H" if code.endswith("_high") else "L" if code.endswith("_low") else ""
    return Icon(
        "variation",
        code,
        variation.label,
        SHORT_VARIATION[variation],
        POINT_COLOURS[VARIATION_TYPES[variation]],
        letter,
        17 if letter == "H" else 45,
    )


def assurance_icon(code: str) -> Icon | None:
    if not code:
        return None
    assurance = spc.Assurance(code)
    letter = {"pass": "P", "fail": "F", "hit_and_miss": "?"}[code]
    return Icon(
        "assurance",
        code,
        assurance.label,
        SHORT_ASSURANCE[assurance],
        ASSURANCE_COLOURS[assurance],
        letter,
        25,
    )


@dataclasses.dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclasses.dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclasses.dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    colour: str
    special: bool
    point: spc.Point


@dataclasses.dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    path: str  # the line joining the values
    points: list[ChartPoint]
    means: list[Line]
    limits: list[Line]
    two_sigma: list[Line]
    breaks: list[Line]  # recalculation points
    target: Line | None
    y_ticks: list[Tick]
    x_labels: list[tuple[float, str]]
    summary: str  # the chart's description, for people who cannot see it
    # Where each financial year after the first begins: (x, "2022/23"). A measure continues
    # across plan years as one series; the boundary shows where each year's plan took over.
    years: list[tuple[float, str]] = dataclasses.field(default_factory=list)


def _nice_step(span: float) -> float:
    raw = span / 5 or 1
    magnitude = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 2.5, 5, 10):
        if raw <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def chart(
    analysis: spc.Analysis,
    *,
    unit: str = "",
    frequency_word: str = "values",
    year_starts: list[tuple[int, str]] = (),
) -> Chart:
    points = analysis.points
    lows = [min(p.value, p.lower_limit) for p in points]
    highs = [max(p.value, p.upper_limit) for p in points]
    if analysis.target is not None:
        lows.append(analysis.target)
        highs.append(analysis.target)
    low, high = min(lows), max(highs)
    if high == low:
        low, high = low - 1, high + 1
    step = _nice_step(high - low)
    low = math.floor(low / step) * step
    high = math.ceil(high / step) * step
    plot_right, plot_bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    gap = (plot_right - LEFT) / max(len(points) - 1, 1)

    def x(i):
        return round(LEFT + (i * gap if len(points) > 1 else (plot_right - LEFT) / 2), 2)

    def y(v):
        return round(plot_bottom - (v - low) / (high - low) * (plot_bottom - TOP), 2)

    placed = [
        ChartPoint(
            x(p.index),
            y(p.value),
            POINT_COLOURS[p.point_type],
            p.point_type != spc.PointType.COMMON_CAUSE,
            p,
        )
        for p in points
    ]
    means, limits, two_sigma, breaks = [], [], [], []
    for segment in analysis.segments:
        x1, x2 = x(segment.start), x(segment.end - 1)
        if segment.size == 1:
            x1, x2 = x1 - gap / 3, x2 + gap / 3
        means.append(Line(x1, y(segment.mean), x2, y(segment.mean)))
        for value in (segment.upper_limit, segment.lower_limit):
            limits.append(Line(x1, y(value), x2, y(value)))
        for value in (segment.upper_two_sigma, segment.lower_two_sigma):
            two_sigma.append(Line(x1, y(value), x2, y(value)))
        if segment.start:
            middle = round(x(segment.start) - gap / 2, 2)
            breaks.append(Line(middle, TOP, middle, plot_bottom))
    target = (
        Line(LEFT, y(analysis.target), plot_right, y(analysis.target))
        if analysis.target is not None
        else None
    )
    ticks = []
    value = low
    while value <= high + step / 2:
        ticks.append(Tick(y(value), number(value)))
        value += step
    every = max(1, math.ceil(len(points) / 12))
    x_labels = [(x(p.index), p.period) for p in points[::every]]
    path = " ".join(f"{'M' if i == 0 else 'L'}{c.x},{c.y}" for i, c in enumerate(placed))
    return Chart(
        WIDTH,
        HEIGHT,
        LEFT,
        plot_right,
        TOP,
        plot_bottom,
        path,
        placed,
        means,
        limits,
        two_sigma,
        breaks,
        target,
        ticks,
        x_labels,
        describe(analysis, unit=unit, frequency_word=frequency_word),
        [(round(x(index) - gap / 2, 2), label) for index, label in year_starts if index],
    )


def describe(analysis: spc.Analysis, *, unit: str = "", frequency_word: str = "values") -> str:
    """The chart in words: what a sighted reader takes from it at a glance."""
    first, last = analysis.points[0], analysis.points[-1]
    segment = last.segment
    parts = [
        f"{len(analysis.points)} {frequency_word} from {first.period} to {last.period}.",
        f"Mean {number(segment.mean, unit)}, process limits {number(segment.lower_limit, unit)}"
        f" to {number(segment.upper_limit, unit)}"
        + (" (since the last recalculation)." if len(analysis.segments) > 1 else "."),
        f"Latest, {last.period}: {number(last.value, unit)}, {last.point_type.label.lower()}.",
    ]
    special = [p for p in analysis.points if p.point_type != spc.PointType.COMMON_CAUSE]
    if special:
        parts.append(f"{len(special)} point{'s' if len(special) != 1 else ''} show special cause.")
    if analysis.target is not None:
        parts.append(f"Target {number(analysis.target, unit)}.")
    parts.append(analysis.variation.label + ".")
    if analysis.assurance:
        parts.append(analysis.assurance.label + ".")
    return " ".join(parts)
