"""The SPC chart's geometry and words, and numbers as people read them."""

import pytest

from objectives.measures import charts, spc


@pytest.mark.parametrize(
    "value, unit, text",
    [
        (2.5, "%", "2.5%"),
        (4672.0, "£k", "£4,672k"),
        (-12.0, "£k", "-£12k"),
        (10260.0, "per month", "10,260 per month"),
        (0.125, "", "0.12"),
        (-0.001, "", "0"),
        (None, "%", ""),
    ],
)
def test_numbers_read_naturally(value, unit, text):
    assert charts.number(value, unit) == text


def test_the_chart_has_its_limits_target_and_a_break_per_recalculation():
    analysis = spc.analyse(
        [12, 8] * 6 + [28, 32] * 6,
        periods=[f"m{i}" for i in range(24)],
        direction="increase",
        target=25,
        recalculate_at=[12],
    )
    chart = charts.chart(analysis, unit="%", frequency_word="months")
    assert len(chart.means) == 2 and len(chart.limits) == 4 and len(chart.breaks) == 1
    assert chart.target is not None
    assert len(chart.points) == 24 and chart.path.startswith("M")
    # Higher values are drawn higher up (smaller y).
    assert chart.points[12].y < chart.points[0].y
    assert chart.summary.startswith("24 months from m0 to m23. Mean 30%, process limits")
    assert "(since the last recalculation)" in chart.summary
    assert "Target 25%." in chart.summary


def test_a_single_value_still_draws():
    chart = charts.chart(spc.analyse([5], direction="neutral"))
    assert len(chart.points) == 1 and chart.means[0].x1 < chart.means[0].x2


@pytest.mark.parametrize("code", list(spc.Variation))
def test_every_variation_icon_has_words_and_a_colour(code):
    icon = charts.variation_icon(code)
    assert icon.label == spc.Variation(code).label and icon.short and icon.colour.startswith("#")
    assert icon.letter == ("H" if code.endswith("high") else "L" if code.endswith("low") else "")


def test_no_icon_without_a_reading():
    assert charts.variation_icon("") is None and charts.assurance_icon("") is None


@pytest.mark.parametrize("icon", charts.all_icons(), ids=lambda icon: icon.file)
def test_each_icon_is_drawn_once_in_its_own_colour_and_letter(icon):
    """Pages show an icon by reference to its file, and a PDF reads the same file: the file
    draws the icon's colour and letter, which the Word report draws too."""
    drawing = charts.icon_file(icon.file).read_text()
    assert drawing.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 52 52"')
    assert f'stroke="{icon.colour}" stroke-width="4"' in drawing
    if icon.letter:
        assert f'fill="{icon.colour}">{icon.letter}</text>' in drawing
    else:
        assert "<text" not in drawing


def test_a_pdf_may_read_the_icons_files_and_nothing_else(tmp_path):
    icon = charts.assurance_icon("pass")
    assert charts.icon_at(charts.icon_file(icon.file).as_uri()) == charts.icon_file(icon.file)
    other = tmp_path / "assurance-pass.svg"
    other.write_text("<svg/>")
    for uri in (other.as_uri(), "file:///etc/passwd", "https://example.org/spc/x.svg"):
        assert charts.icon_at(uri) is None
