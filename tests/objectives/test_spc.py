"""The SPC engine against hand-worked examples, rule by rule, icon by icon, option by option.

Most examples freeze the limits on a baseline of twelve points alternating 12 and 8, so the
arithmetic is easy to check by hand: mean 10, every moving range 4, process limits
10 ± 2.66 × 4 = -0.64 and 20.64, two-sigma lines 10 ± 7.0933 = 2.9067 and 17.0933.
"""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from objectives.measures.spc import (
    Assurance,
    PointType,
    Rule,
    SPCError,
    Variation,
    analyse,
)

BASELINE = [12, 8] * 6  # ends below the mean, so later runs above it start afresh


def frozen(*later, **options):
    options.setdefault("direction", "increase")
    return analyse(BASELINE + list(later), baseline=12, **options)


def flagged(analysis, rule):
    return [p.index for p in analysis.points if rule in p.rules]


# The calculation


def test_mean_moving_range_limits_and_two_sigma_lines():
    analysis = analyse(BASELINE, direction="increase")
    (segment,) = analysis.segments
    assert segment.mean == 10
    assert segment.mean_moving_range == 4
    assert segment.upper_limit == pytest.approx(20.64)
    assert segment.lower_limit == pytest.approx(-0.64)
    assert segment.upper_two_sigma == pytest.approx(10 + 2 / 3 * 10.64)
    assert segment.lower_two_sigma == pytest.approx(10 - 2 / 3 * 10.64)
    assert all(p.point_type == PointType.COMMON_CAUSE for p in analysis.points)
    assert analysis.variation == Variation.COMMON_CAUSE
    assert analysis.warnings == ()


def test_moving_ranges_above_the_upper_range_limit_are_screened_out_by_default():
    # Ten ranges of 4 and one of 36: mean 76 / 11 = 6.91; 36 > 3.267 × 6.91 = 22.6, so it is
    # left out and the mean moving range is 4 again. Without screening it stays 6.91.
    values = BASELINE[:-1] + [48]
    screened = analyse(values, direction="increase")
    assert screened.segments[0].mean_moving_range == 4
    assert screened.segments[0].screened_moving_ranges == 1
    unscreened = analyse(values, direction="increase", screen_moving_ranges=False)
    assert unscreened.segments[0].mean_moving_range == pytest.approx(76 / 11)
    assert unscreened.segments[0].screened_moving_ranges == 0


# Rule 1: beyond a process limit


def test_a_point_beyond_a_process_limit():
    analysis = frozen(11, 21, 11, -1)
    assert flagged(analysis, Rule.PROCESS_LIMIT) == [13, 15]
    assert analysis.points[13].point_type == PointType.IMPROVEMENT
    assert analysis.points[15].point_type == PointType.CONCERN
    assert analysis.variation == Variation.CONCERN_LOW


def test_a_point_exactly_on_a_limit_is_not_beyond_it():
    analysis = frozen(Decimal("20.64"))
    assert analysis.points[-1].rules == ()


# Rule 2: a shift


def test_seven_points_on_one_side_of_the_mean_are_a_shift():
    analysis = frozen(*[11] * 7)
    assert flagged(analysis, Rule.SHIFT) == list(range(12, 19))
    assert analysis.variation == Variation.IMPROVEMENT_HIGH


def test_six_points_on_one_side_are_not():
    assert flagged(frozen(*[11] * 6), Rule.SHIFT) == []


def test_a_point_on_the_mean_breaks_the_run():
    analysis = frozen(*[11] * 6, 10, *[11] * 6)
    assert flagged(analysis, Rule.SHIFT) == []
    assert analysis.points[18].point_type == PointType.COMMON_CAUSE


def test_a_shift_below_the_mean_when_lower_is_better_is_improvement():
    analysis = frozen(11, *[9] * 8, direction="decrease")
    assert flagged(analysis, Rule.SHIFT) == list(range(13, 21))
    assert analysis.variation == Variation.IMPROVEMENT_LOW


# Rule 3: a trend


def test_seven_points_each_higher_than_the_one_before_are_a_trend():
    analysis = frozen(7, 8, 9, 10, 11, 12, 13)
    assert flagged(analysis, Rule.TREND) == list(range(12, 19))
    assert {analysis.points[i].point_type for i in range(12, 19)} == {PointType.IMPROVEMENT}
    # The run crosses the mean: no shift, and points below the mean are still improvement.
    assert flagged(analysis, Rule.SHIFT) == []


def test_six_rising_points_are_not_a_trend():
    assert flagged(frozen(8, 9, 10, 11, 12, 13), Rule.TREND) == []


def test_a_tie_inside_a_trend_breaks_it():
    assert flagged(frozen(7, 8, 9, 9, 10, 11, 12, 13), Rule.TREND) == []


def test_a_trend_takes_its_own_direction_not_its_side_of_the_mean():
    # Falling, all above the mean (so also a shift): the trend decides, and falling is concern
    # when higher is better.
    analysis = frozen(16, 15, 14, 13, 12, 11, 10.5)
    assert flagged(analysis, Rule.TREND) == list(range(12, 19))
    assert flagged(analysis, Rule.SHIFT) == list(range(12, 19))
    assert analysis.points[-1].point_type == PointType.CONCERN
    assert analysis.variation == Variation.CONCERN_LOW


def test_the_peak_between_two_trends_takes_the_later_one():
    analysis = frozen(4, 5, 6, 7, 8, 9, 16, 15, 14, 13, 12, 11, 10.5)
    peak = analysis.points[18]
    assert peak.value == 16 and Rule.TREND in peak.rules
    assert peak.side == -1


# Rule 4: two of three beyond the two-sigma line


def test_two_of_three_beyond_the_two_sigma_line_flags_those_two():
    analysis = frozen(18, 11, 18)
    assert flagged(analysis, Rule.TWO_OF_THREE) == [12, 14]
    assert analysis.points[13].point_type == PointType.COMMON_CAUSE
    assert analysis.variation == Variation.IMPROVEMENT_HIGH


def test_two_beyond_the_line_but_four_apart_are_not():
    assert flagged(frozen(18, 11, 11, 18), Rule.TWO_OF_THREE) == []


def test_the_two_must_be_beyond_the_same_line():
    assert flagged(frozen(18, 2, 11), Rule.TWO_OF_THREE) == []


def test_a_point_beyond_the_limit_does_not_count_toward_two_of_three():
    # As NHSRplotthedots: 25 is special cause on its own; with it, only 18 is near the limit.
    analysis = frozen(11, 25, 18)
    assert flagged(analysis, Rule.TWO_OF_THREE) == []
    assert analysis.points[13].rules == (Rule.PROCESS_LIMIT,)
    assert flagged(frozen(11, 19, 18), Rule.TWO_OF_THREE) == [13, 14]


def test_two_of_three_needs_all_three_on_the_same_side_of_the_mean():
    # 9 is below the mean of 10: the window is not all on the upper side (NHSRplotthedots).
    assert flagged(frozen(18, 9, 18), Rule.TWO_OF_THREE) == []
    assert flagged(frozen(18, 10, 18), Rule.TWO_OF_THREE) == []  # on the mean: no side
    assert flagged(frozen(2, 9, 2), Rule.TWO_OF_THREE) == [12, 14]


def test_a_moving_range_exactly_on_the_upper_range_limit_is_screened_out():
    # Ranges 4 (x10) and 3.267 × mean exactly: with r the last range, mean = (40 + r) / 11 and
    # r = 3.267 × mean gives r = 130.68 / 7.733. NHSRplotthedots keeps only ranges strictly
    # below the limit, so it goes and the mean moving range is 4 again.
    from fractions import Fraction

    r = Fraction("130.68") / Fraction("7.733")
    values = [Fraction(v) for v in BASELINE[:-1]] + [Fraction(12) + r]
    segment = analyse(values, direction="increase").segments[0]
    assert segment.screened_moving_ranges == 1 and segment.mean_moving_range == 4


def test_a_segment_too_short_gives_no_assurance_icon_and_says_why():
    # One point after a recalculation: its limits have no spread, so any target looks met.
    analysis = analyse(BASELINE + [30], direction="increase", target=5, recalculate_at=[12])
    assert analysis.assurance is None
    assert any("No assurance icon" in w and "rest on 1 point," in w for w in analysis.warnings)
    assert analyse(BASELINE, direction="increase", target=-1).assurance == Assurance.PASS


def test_recalculation_points_are_named_counting_from_one():
    with pytest.raises(SPCError, match="from position 2 to 3 .* position 1 is not"):
        analyse([1, 2, 3], recalculate_at=[0])


# Point types and the variation icon


@pytest.mark.parametrize(
    "last, direction, variation",
    [
        (11, "increase", Variation.COMMON_CAUSE),
        (25, "increase", Variation.IMPROVEMENT_HIGH),
        (-5, "decrease", Variation.IMPROVEMENT_LOW),
        (25, "decrease", Variation.CONCERN_HIGH),
        (-5, "increase", Variation.CONCERN_LOW),
        (25, "neutral", Variation.NEUTRAL_HIGH),
        (-5, "neutral", Variation.NEUTRAL_LOW),
    ],
)
def test_the_variation_icon_describes_the_latest_point(last, direction, variation):
    analysis = frozen(11, last, direction=direction)
    assert analysis.variation == variation
    if direction == "neutral" and last != 11:
        assert analysis.latest.point_type == PointType.NEUTRAL


def test_an_earlier_special_cause_does_not_colour_the_icon():
    assert frozen(25, 11, 9, 11).variation == Variation.COMMON_CAUSE


# The assurance icon


@pytest.mark.parametrize(
    "direction, target, assurance",
    [
        ("increase", -1, Assurance.PASS),
        ("increase", 21, Assurance.FAIL),
        ("increase", 10, Assurance.HIT_AND_MISS),
        ("decrease", 21, Assurance.PASS),
        ("decrease", -1, Assurance.FAIL),
        ("decrease", 10, Assurance.HIT_AND_MISS),
        # A target exactly on a limit can be reached but not reliably passed.
        ("increase", Decimal("-0.64"), Assurance.HIT_AND_MISS),
        ("increase", Decimal("20.64"), Assurance.HIT_AND_MISS),
        ("decrease", Decimal("20.64"), Assurance.HIT_AND_MISS),
        ("neutral", 10, None),
        ("increase", None, None),
    ],
)
def test_the_assurance_icon_compares_the_target_with_the_limits(direction, target, assurance):
    assert analyse(BASELINE, direction=direction, target=target).assurance == assurance


def test_assurance_reads_the_last_segments_limits():
    later = [28, 32] * 6
    analysis = analyse(BASELINE + later, direction="increase", target=19, recalculate_at=[12])
    assert analysis.assurance == Assurance.PASS  # 19 is below 30 - 10.64 = 19.36


# Options


def test_a_baseline_freezes_the_limits_on_the_first_points():
    analysis = frozen(30, 30, 30)
    assert analysis.segments[0].mean == 10
    assert analysis.segments[0].baseline_points == 12
    assert analyse(BASELINE + [30, 30, 30], direction="increase").segments[0].mean > 10


def test_each_recalculation_starts_a_segment_with_its_own_limits():
    later = [28, 32] * 6
    analysis = analyse(BASELINE + later, direction="increase", recalculate_at=[12])
    assert [s.mean for s in analysis.segments] == [10, 30]
    assert analysis.points[11].upper_limit == pytest.approx(20.64)
    assert analysis.points[12].upper_limit == pytest.approx(40.64)
    assert all(p.point_type == PointType.COMMON_CAUSE for p in analysis.points)
    # Without the recalculation, the second half is a shift above one mean.
    assert flagged(analyse(BASELINE + later, direction="increase"), Rule.SHIFT)


def test_one_segment_per_recalculation_and_no_run_across_a_break():
    analysis = analyse([11] * 6 + [9] * 6 + [11] * 6, recalculate_at=[4, 8, 12])
    assert [(s.start, s.end) for s in analysis.segments] == [(0, 4), (4, 8), (8, 12), (12, 18)]
    assert not any(p.rules for p in analysis.points)


def test_the_run_length_can_be_changed():
    assert flagged(frozen(*[11] * 6, run_length=6), Rule.SHIFT) == list(range(12, 18))
    assert flagged(frozen(*[11] * 7, run_length=8), Rule.SHIFT) == []


def test_fewer_than_twelve_points_in_a_segment_warn():
    assert analyse(BASELINE).warnings == ()
    (warning,) = analyse(BASELINE[:11], periods=[f"p{i}" for i in range(11)]).warnings
    assert "from p0 rest on 11 points" in warning and "at least 12" in warning
    two = analyse(BASELINE * 2, recalculate_at=[20]).warnings
    assert len(two) == 1 and "rest on 4 points" in two[0]
    assert analyse(BASELINE * 2, baseline=6).warnings


# Bad input


@pytest.mark.parametrize(
    "values, options, message",
    [
        ([], {}, "no values"),
        ([1, float("nan")], {}, "not a number"),
        ([1, "ten"], {}, "not a number"),
        ([1, True], {}, "not a number"),
        ([1, 2, 3], {"recalculate_at": [0]}, "recalculation point"),
        ([1, 2, 3], {"recalculate_at": [3]}, "recalculation point"),
        ([1, 2, 3], {"baseline": 1}, "at least 2"),
        ([1, 2, 3], {"direction": "up"}, "increase, decrease or neutral"),
        ([1, 2, 3], {"target": "lots"}, "not a number"),
    ],
)
def test_bad_input_is_refused_with_a_reason(values, options, message):
    with pytest.raises(SPCError, match=message):
        analyse(values, **options)


# Properties

series = st.lists(st.integers(-10_000, 10_000), min_size=2, max_size=40)


@given(series)
def test_limits_are_symmetric_about_the_mean(values):
    for segment in analyse(values).segments:
        assert segment.upper_limit - segment.mean == pytest.approx(
            segment.mean - segment.lower_limit, abs=1e-9
        )
        assert segment.upper_two_sigma - segment.mean == pytest.approx(
            2 / 3 * (segment.upper_limit - segment.mean), abs=1e-9
        )


@given(series, st.integers(-100_000, 100_000))
def test_adding_a_constant_shifts_the_mean_and_limits_by_it(values, constant):
    before = analyse(values).segments[0]
    after = analyse([v + constant for v in values]).segments[0]
    assert after.mean == pytest.approx(before.mean + constant, abs=1e-6)
    assert after.upper_limit == pytest.approx(before.upper_limit + constant, abs=1e-6)
    assert after.lower_limit == pytest.approx(before.lower_limit + constant, abs=1e-6)


@given(series, st.integers(1, 1_000))
def test_scaling_scales_the_mean_and_limits(values, factor):
    before = analyse(values).segments[0]
    after = analyse([v * factor for v in values]).segments[0]
    assert after.mean == pytest.approx(before.mean * factor)
    assert after.upper_limit == pytest.approx(before.upper_limit * factor)
    assert after.lower_limit == pytest.approx(before.lower_limit * factor)


@given(
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9),
    st.integers(1, 60),
)
def test_a_constant_series_has_no_special_cause(value, length):
    analysis = analyse([value] * length, direction="increase")
    assert {p.point_type for p in analysis.points} == {PointType.COMMON_CAUSE}
    assert analysis.variation == Variation.COMMON_CAUSE
