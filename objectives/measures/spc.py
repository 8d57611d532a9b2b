"""Statistical process control for key indicators: XmR charts read by Making Data Count rules.

Sources:
- NHS England (NHS Improvement), *Making Data Count: Getting started* (2019) and *Strengthening
  your decisions* (2019), and the MDC "plot the dots" SPC tool: the XmR chart, the four rules
  for special cause, the point colours and the variation and assurance icons.
  https://www.england.nhs.uk/publication/making-data-count/
- D. J. Wheeler, *Understanding Variation* (2nd ed., 2000): the 2.66 and 3.267 scaling factors.
- NHS-R Community, NHSRplotthedots (R package), the reference implementation with tests:
  https://github.com/nhs-r-community/NHSRplotthedots

The calculation, per segment (a recalculation point starts a new segment with its own limits):
- mean of the values (of the first N values when the limits are frozen on a baseline);
- moving ranges |x(i) - x(i-1)| and their mean (within the same points);
- process limits at mean +/- 2.66 x mean moving range (three sigma);
- the two-sigma lines at two thirds of that distance.

Special cause, within a segment (runs never cross a recalculation point):
1. a point above the upper or below the lower process limit;
2. a shift: `run_length` (7) or more points in a row on the same side of the mean; a point
   exactly on the mean breaks the run;
3. a trend: `run_length` (7) or more points in a row, each strictly higher (or each strictly
   lower) than the one before; two equal points break the trend;
4. two of three consecutive points, all on one side of the mean, beyond its two-sigma line (but
   not beyond the process limit).

Where sources differ, this module chooses (docs/adr/0011-spc-by-making-data-count.md says why):
- Moving-range screening is on by default, as in NHSRplotthedots and Wheeler: moving ranges above
  3.267 x their mean (the upper range limit) are left out and the mean moving range recalculated
  once. The MDC spreadsheet tool does not screen; pass `screen_moving_ranges=False` to match it.
  Only ranges strictly below 3.267 x the mean are kept, as NHSRplotthedots screens.
- Rule 4 flags only the points near the limit (two or three of the three), not the third point,
  as NHSRplotthedots does; a point beyond the process limit is special cause on its own and
  does not count toward it.
- A trend of 7 points means 6 steps in the same direction (7 points, each after the first
  beyond the one before), as MDC and NHSRplotthedots count it.
- A point both in a rising and a falling trend (the peak) takes the later trend's direction.
- Which rule names a point's side when several apply: beyond a limit, then trend, then two of
  three, then shift (as NHSRplotthedots).
- Assurance compares the target with the last segment's limits; a target exactly on a limit is
  hit and miss (the process can reach it but not reliably pass it). A last segment of fewer than
  12 points gives no assurance, with a warning.

Arithmetic is exact (fractions), so a constant series sits exactly on its mean and no rounding
invents a run; results are returned as floats. Only the standard library is used.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from numbers import Real

PROCESS_LIMIT_FACTOR = Fraction("2.66")  # 3 sigma from the mean moving range (3 / 1.128)
UPPER_RANGE_FACTOR = Fraction("3.267")  # upper range limit, for screening moving ranges
TWO_SIGMA_SHARE = Fraction(2, 3)
DEFAULT_RUN_LENGTH = 7
RECOMMENDED_POINTS = 12


class SPCError(ValueError):
    """The series or the options cannot be analysed; the message says why, for a person."""


class Direction(enum.StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"
    NEUTRAL = "neutral"

    @property
    def sign(self) -> int:
        return {"increase": 1, "decrease": -1, "neutral": 0}[self.value]


class Rule(enum.StrEnum):
    PROCESS_LIMIT = "process_limit"
    SHIFT = "shift"
    TREND = "trend"
    TWO_OF_THREE = "two_of_three"

    @property
    def label(self) -> str:
        return {
            "process_limit": "beyond a process limit",
            "shift": "a run on one side of the mean",
            "trend": "a run rising or falling",
            "two_of_three": "two of three near a process limit",
        }[self.value]


class PointType(enum.StrEnum):
    COMMON_CAUSE = "common_cause"
    IMPROVEMENT = "special_cause_improvement"
    CONCERN = "special_cause_concern"
    NEUTRAL = "special_cause_neutral"

    @property
    def label(self) -> str:
        return {
            "common_cause": "Common cause",
            "special_cause_improvement": "Special cause: improvement",
            "special_cause_concern": "Special cause: concern",
            "special_cause_neutral": "Special cause: neither better nor worse",
        }[self.value]


class Variation(enum.StrEnum):
    COMMON_CAUSE = "common_cause"
    IMPROVEMENT_HIGH = "improvement_high"
    IMPROVEMENT_LOW = "improvement_low"
    CONCERN_HIGH = "concern_high"
    CONCERN_LOW = "concern_low"
    NEUTRAL_HIGH = "neutral_high"
    NEUTRAL_LOW = "neutral_low"

    @property
    def label(self) -> str:
        return {
            "common_cause": "Common cause variation: no significant change",
            "improvement_high": "Special cause variation: improvement, higher values",
            "improvement_low": "Special cause variation: improvement, lower values",
            "concern_high": "Special cause variation: concern, higher values",
            "concern_low": "Special cause variation: concern, lower values",
            "neutral_high": "Special cause variation: higher values (neither better nor worse)",
            "neutral_low": "Special cause variation: lower values (neither better nor worse)",
        }[self.value]

    @property
    def is_concern(self) -> bool:
        return self in (Variation.CONCERN_HIGH, Variation.CONCERN_LOW)

    @property
    def is_improvement(self) -> bool:
        return self in (Variation.IMPROVEMENT_HIGH, Variation.IMPROVEMENT_LOW)


class Assurance(enum.StrEnum):
    PASS = "pass"
    FAIL = "fail"
    HIT_AND_MISS = "hit_and_miss"

    @property
    def label(self) -> str:
        return {
            "pass": "The target will consistently be met",
            "fail": "The target will consistently be missed",
            "hit_and_miss": "The target will be met and missed at random (hit and miss)",
        }[self.value]


@dataclasses.dataclass(frozen=True)
class Segment:
    number: int  # 1-based
    start: int  # index of its first point
    end: int  # index after its last point
    mean: float
    upper_limit: float
    lower_limit: float
    upper_two_sigma: float
    lower_two_sigma: float
    mean_moving_range: float
    baseline_points: int  # how many of its points the limits rest on
    screened_moving_ranges: int  # moving ranges left out by screening

    @property
    def size(self) -> int:
        return self.end - self.start


@dataclasses.dataclass(frozen=True)
class Point:
    index: int
    period: str
    value: float
    segment: Segment
    rules: tuple[Rule, ...]
    point_type: PointType
    side: int  # +1 high, -1 low: the direction of its special cause (0 for common cause)

    @property
    def mean(self) -> float:
        return self.segment.mean

    @property
    def upper_limit(self) -> float:
        return self.segment.upper_limit

    @property
    def lower_limit(self) -> float:
        return self.segment.lower_limit

    def as_dict(self) -> dict:
        return {
            "period": self.period,
            "value": self.value,
            "mean": self.mean,
            "upper_limit": self.upper_limit,
            "lower_limit": self.lower_limit,
            "upper_two_sigma": self.segment.upper_two_sigma,
            "lower_two_sigma": self.segment.lower_two_sigma,
            "segment": self.segment.number,
            "rules": [str(rule) for rule in self.rules],
            "point_type": str(self.point_type),
        }


@dataclasses.dataclass(frozen=True)
class Analysis:
    points: tuple[Point, ...]
    segments: tuple[Segment, ...]
    direction: Direction
    target: float | None
    variation: Variation
    assurance: Assurance | None
    warnings: tuple[str, ...]

    @property
    def latest(self) -> Point:
        return self.points[-1]

    def as_dict(self) -> dict:
        return {
            "points": [point.as_dict() for point in self.points],
            "variation": str(self.variation),
            "assurance": str(self.assurance) if self.assurance else None,
            "direction": str(self.direction),
            "target": self.target,
            "warnings": list(self.warnings),
        }


def analyse(
    values: Sequence[Real | Decimal | str],
    *,
    periods: Sequence[str] | None = None,
    direction: Direction | str = Direction.NEUTRAL,
    target: Real | Decimal | str | None = None,
    baseline: int | None = None,
    recalculate_at: Iterable[int] = (),
    run_length: int = DEFAULT_RUN_LENGTH,
    screen_moving_ranges: bool = True,
) -> Analysis:
    """Analyse a series in time order.

    `recalculate_at` holds the 0-based indexes of the points that start a new segment; `baseline`
    freezes each segment's limits on its first N points.
    """
    exact = [_exact(value, f"value {i + 1}") for i, value in enumerate(values)]
    if not exact:
        raise SPCError("There are no values to analyse.")
    if periods is None:
        periods = [str(i + 1) for i in range(len(exact))]
    if len(periods) != len(exact):
        raise SPCError("There must be one period for each value.")
    try:
        direction = Direction(direction)
    except ValueError:
        raise SPCError("The direction must be increase, decrease or neutral.") from None
    exact_target = None if target is None else _exact(target, "the target")
    if baseline is not None and baseline < 2:
        raise SPCError("A baseline needs at least 2 points (one moving range).")
    if run_length < 2:
        raise SPCError("A run needs at least 2 points.")
    starts = sorted(set(recalculate_at))
    for start in starts:
        if not 0 < start < len(exact):
            raise SPCError(
                f"A recalculation point must be a point after the first, from position 2 to "
                f"{len(exact)} counting the first point as 1; position {start + 1} is not."
            )

    bounds = list(zip([0, *starts], [*starts, len(exact)], strict=True))
    points: list[Point] = []
    segments: list[Segment] = []
    warnings: list[str] = []
    for number, (start, end) in enumerate(bounds, start=1):
        series = exact[start:end]
        limits = _limits(series, baseline, screen_moving_ranges)
        segment = Segment(number, start, end, *(float(x) for x in limits[:6]), *limits[6:])
        segments.append(segment)
        if segment.baseline_points < RECOMMENDED_POINTS:
            warnings.append(
                f"The limits from {periods[start]} rest on {segment.baseline_points} "
                f"point{'s' if segment.baseline_points != 1 else ''}; at least "
                f"{RECOMMENDED_POINTS} are needed before they mean much."
            )
        flags = _special_causes(series, limits, run_length)
        for offset, (rules, side) in enumerate(flags):
            points.append(
                Point(
                    index=start + offset,
                    period=str(periods[start + offset]),
                    value=float(series[offset]),
                    segment=segment,
                    rules=rules,
                    point_type=_point_type(side, direction),
                    side=side,
                )
            )

    assurance = _assurance(exact_target, direction, limits)
    last = segments[-1]
    if assurance is not None and last.baseline_points < RECOMMENDED_POINTS:
        # Limits on a handful of points (one, after a late recalculation) have next to no
        # spread, so any target would look "consistently" met or missed.
        assurance = None
        warnings.append(
            f"No assurance icon: the limits from {periods[last.start]} rest on "
            f"{last.baseline_points} point{'s' if last.baseline_points != 1 else ''}, too few "
            f"to say whether the target will be met ({RECOMMENDED_POINTS} are needed)."
        )
    return Analysis(
        points=tuple(points),
        segments=tuple(segments),
        direction=direction,
        target=None if exact_target is None else float(exact_target),
        variation=_variation(points[-1], direction),
        assurance=assurance,
        warnings=tuple(warnings),
    )


def _exact(value, what: str) -> Fraction:
    if isinstance(value, bool):
        raise SPCError(f"{what.capitalize()} is not a number.")
    try:
        if isinstance(value, str):
            value = Decimal(value.strip())
        exact = Fraction(value)
    except (TypeError, ValueError, ArithmeticError):
        # NaN (ValueError) and infinities (OverflowError) end here too.
        raise SPCError(f"{what.capitalize()} is not a number: {value!r}.") from None
    return exact


def _limits(series: list[Fraction], baseline: int | None, screen: bool):
    base = series[:baseline] if baseline else series
    mean = sum(base) / len(base)
    ranges = [abs(b - a) for a, b in zip(base, base[1:], strict=False)]
    screened = 0
    mean_range = sum(ranges) / len(ranges) if ranges else Fraction(0)
    if screen and ranges:
        # Strictly below, as NHSRplotthedots screens (`mr < 3.267 * amr`): a range exactly on
        # the limit goes too. A constant series keeps none and has no spread.
        kept = [r for r in ranges if r < UPPER_RANGE_FACTOR * mean_range]
        screened = len(ranges) - len(kept)
        mean_range = sum(kept) / len(kept) if kept else Fraction(0)
    spread = PROCESS_LIMIT_FACTOR * mean_range
    return (
        mean,
        mean + spread,
        mean - spread,
        mean + spread * TWO_SIGMA_SHARE,
        mean - spread * TWO_SIGMA_SHARE,
        mean_range,
        len(base),
        screened,
    )


def _sign(x) -> int:
    return (x > 0) - (x < 0)


def _runs(signs: list[int]):
    """(start, end, sign) of each maximal run of equal non-zero signs."""
    start = 0
    for i in range(1, len(signs) + 1):
        if i == len(signs) or signs[i] != signs[start]:
            if signs[start]:
                yield start, i, signs[start]
            start = i


def _special_causes(series, limits, run_length):
    """Each point's rules and side, by the precedence in the module docstring."""
    mean, upper, lower, upper_2s, lower_2s = limits[:5]
    n = len(series)
    found: list[dict[Rule, int]] = [{} for _ in series]
    relative = [_sign(x - mean) for x in series]

    for i, x in enumerate(series):
        if x > upper or x < lower:
            found[i][Rule.PROCESS_LIMIT] = relative[i]

    for start, end, sign in _runs(relative):
        if end - start >= run_length:
            for i in range(start, end):
                found[i][Rule.SHIFT] = sign

    steps = [_sign(b - a) for a, b in zip(series, series[1:], strict=False)]
    for start, end, sign in _runs(steps):
        if end - start + 1 >= run_length:  # k steps join k + 1 points
            for i in range(start, end + 1):
                found[i][Rule.TREND] = sign  # a later trend overwrites: the peak's is later

    # Near a limit: beyond the two-sigma line but not beyond the process limit (a point beyond
    # the limit is special cause on its own, and does not count here).
    near = [upper_2s < x <= upper or lower <= x < lower_2s for x in series]
    for i in range(n - 2):
        window = range(i, i + 3)
        sides = {relative[j] for j in window}
        if len(sides) == 1 and 0 not in sides and sum(near[j] for j in window) >= 2:
            (side,) = sides
            for j in window:
                if near[j]:
                    found[j][Rule.TWO_OF_THREE] = side

    order = (Rule.PROCESS_LIMIT, Rule.TREND, Rule.TWO_OF_THREE, Rule.SHIFT)
    result = []
    for rules in found:
        named = tuple(rule for rule in Rule if rule in rules)
        side = next((rules[rule] for rule in order if rule in rules), 0)
        result.append((named, side))
    return result


def _point_type(side: int, direction: Direction) -> PointType:
    if not side:
        return PointType.COMMON_CAUSE
    if direction is Direction.NEUTRAL:
        return PointType.NEUTRAL
    return PointType.IMPROVEMENT if side == direction.sign else PointType.CONCERN


def _variation(point: Point, direction: Direction) -> Variation:
    high = point.side > 0
    match point.point_type:
        case PointType.COMMON_CAUSE:
            return Variation.COMMON_CAUSE
        case PointType.IMPROVEMENT:
            return Variation.IMPROVEMENT_HIGH if high else Variation.IMPROVEMENT_LOW
        case PointType.CONCERN:
            return Variation.CONCERN_HIGH if high else Variation.CONCERN_LOW
        case _:
            return Variation.NEUTRAL_HIGH if high else Variation.NEUTRAL_LOW


def _assurance(target, direction: Direction, limits) -> Assurance | None:
    if target is None or direction is Direction.NEUTRAL:
        return None
    _, upper, lower = limits[:3]
    if lower < target < upper or target in (lower, upper):
        return Assurance.HIT_AND_MISS
    # The whole process is on one side of the target: better or worse by the direction.
    process_above_target = target < lower
    return Assurance.PASS if process_above_target == (direction.sign > 0) else Assurance.FAIL
