"""`manage.py spc` and the period,value reader it shares with the measure page's upload."""

import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from objectives.measures import series

TWELVE = "".join(f"2021-{m:02d},{v}\n" for m, v in zip(range(1, 13), [12, 8] * 6, strict=True))


def run(tmp_path, text, *args, name="values.csv"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    out, err = io.StringIO(), io.StringIO()
    call_command("spc", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_output_has_every_point_with_its_segments_limits(tmp_path):
    csv = "period,value\n" + TWELVE + "2022-01,28\n2022-02,32\n2022-03,40\n"
    out, err = run(
        tmp_path,
        csv,
        "--direction",
        "increase",
        "--target",
        "5",
        "--recalculate-at",
        "2022-01",
        "--format",
        "json",
    )
    result = json.loads(out)
    assert len(result["points"]) == 15
    first, last = result["points"][0], result["points"][-1]
    assert first == {
        "period": "2021-01",
        "value": 12.0,
        "mean": 10.0,
        "upper_limit": pytest.approx(20.64),
        "lower_limit": pytest.approx(-0.64),
        "upper_two_sigma": pytest.approx(17.0933, abs=1e-4),
        "lower_two_sigma": pytest.approx(2.9067, abs=1e-4),
        "segment": 1,
        "rules": [],
        "point_type": "common_cause",
    }
    assert (last["segment"], last["mean"]) == (2, pytest.approx(100 / 3))
    assert result["variation"] == "common_cause"
    # 5 is below the second segment's lower limit, but three points cannot support an icon.
    assert result["assurance"] is None
    assert "No assurance icon: the limits from 2022-01 rest on 3 points" in err


def test_positions_count_from_one_and_text_output_reads_as_a_table(tmp_path):
    csv = "period,value\n" + TWELVE + "2022-01,28\n2022-02,32\n"
    out, _ = run(tmp_path, csv, "--direction", "decrease", "--recalculate-at", "13")
    assert "Variation: Common cause variation" in out
    assert "Assurance: none" in out
    assert out.splitlines()[0].split()[:3] == ["period", "value", "mean"]


def test_a_special_cause_is_named_in_text_and_json(tmp_path):
    csv = "period,value\n" + TWELVE + "2022-01,30\n"
    out, _ = run(tmp_path, csv, "--direction", "decrease", "--baseline", "12", "--format", "json")
    last = json.loads(out)["points"][-1]
    assert last["rules"] == ["process_limit"]
    assert last["point_type"] == "special_cause_concern"
    assert json.loads(out)["variation"] == "concern_high"
    text, _ = run(tmp_path, csv, "--direction", "decrease", "--baseline", "12")
    assert "Special cause: concern (beyond a process limit)" in text


def test_quarters_and_xlsx_are_read(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Period", "Value"])
    sheet.append(["2021/22 Q1", 5])
    sheet.append(["2021/22 Q2", 6.5])
    sheet.append(["Q3 2021/22", Decimal("7")])
    data = io.BytesIO()
    book.save(data)
    out, _ = run(
        tmp_path, data.getvalue(), "--direction", "increase", "--format", "json", name="values.xlsx"
    )
    assert [p["period"] for p in json.loads(out)["points"]] == [
        "2021/22 Q1",
        "2021/22 Q2",
        "2021/22 Q3",
    ]


@pytest.mark.parametrize(
    "text, message",
    [
        ("period,value\n", "no rows of values"),
        ("", "empty"),
        ("month,amount\n2021-04,1\n", "Row 1 must be the header"),
        ("period,value\n2021-04,1\n2021-05,lots\n", "Row 3: the value 'lots' is not a number"),
        ("period,value\n2021-04,1\n2021-05,\n", "Row 3: the value is empty"),
        ("period,value\n2021-04,1\nsoon,2\n", "Row 3: 'soon' is not a period"),
        (
            "period,value\n2021-04,1\n2021-04-15,2\n",
            re.escape("Row 3: Apr 2021 appears twice (first on row 2)"),
        ),
        ("period,value\n2021-04,1\n2021-06,2\n", "Row 3: Jun 2021 follows Apr 2021, so May 2021"),
        (b"period,value\n2021-04,\xff\n", "not text in UTF-8"),
    ],
)
def test_bad_files_get_an_error_naming_the_row(tmp_path, text, message):
    with pytest.raises(CommandError, match=message):
        run(tmp_path, text, "--direction", "increase")


def test_a_quarterly_series_read_as_months_gets_a_hint(tmp_path):
    with pytest.raises(CommandError, match="is this a quarterly series"):
        run(
            tmp_path,
            "period,value\n2021-04-01,1\n2021-07-01,2\n2021-10-01,3\n",
            "--direction",
            "increase",
        )
    out, _ = run(
        tmp_path,
        "period,value\n2021-04-01,1\n2021-07-01,2\n",
        "--direction",
        "increase",
        "--frequency",
        "quarterly",
        "--format",
        "json",
    )
    assert [p["period"] for p in json.loads(out)["points"]] == ["2021/22 Q1", "2021/22 Q2"]


def test_options_out_of_range_are_refused(tmp_path):
    with pytest.raises(CommandError, match="neither a period in the file nor a position"):
        run(
            tmp_path, "period,value\n" + TWELVE, "--direction", "increase", "--recalculate-at", "40"
        )
    with pytest.raises(CommandError, match="recalculation point"):
        run(tmp_path, "period,value\n" + TWELVE, "--direction", "increase", "--recalculate-at", "1")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("spc", str(tmp_path / "missing.csv"), "--direction", "increase")


def test_the_target_is_read_as_the_values_are(tmp_path):
    csv = "period,value\n" + "".join(
        f'2021-{m:02d},"{v:,}"\n' for m, v in zip(range(1, 13), [1200, 800] * 6, strict=True)
    )
    out, _ = run(tmp_path, csv, "--direction", "increase", "--target", "1,000", "--format", "json")
    result = json.loads(out)
    assert result["target"] == 1000 and result["points"][0]["value"] == 1200
    with pytest.raises(CommandError, match="--target: the value '12,5' is not a number"):
        run(tmp_path, csv, "--direction", "increase", "--target", "12,5")


@pytest.mark.parametrize(
    "text, message",
    [
        ("period,value\n2021-04,1,234\n", "Row 2: it has more cells than the header"),
        ('period,value\n2021-04,"12,3"\n', "Row 2: the value '12,3' is not a number"),
        ('period,value\n2021-04,"1.234,5"\n', "Row 2: the value '1.234,5' is not a number"),
        ("period,value\n01/13/2021,1\n", "Row 2: '01/13/2021' is a US date"),
    ],
)
def test_numbers_and_dates_that_would_read_wrong_are_errors(tmp_path, text, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        run(tmp_path, text, "--direction", "increase")


def test_a_recalculation_at_the_first_point_is_named_from_one(tmp_path):
    with pytest.raises(CommandError, match="from position 2 to 12 .* position 1 is not") as raised:
        run(tmp_path, "period,value\n" + TWELVE, "--direction", "increase", "--recalculate-at", "1")
    assert "counting from 0" not in str(raised.value)


def test_rows_in_any_order_are_read_in_time_order():
    found = series.read_csv("period,value\n2021-05,2\nApr 2021,1\n01/06/2021,3\n")
    assert found.is_valid
    assert [(r.period, r.value) for r in found.rows] == [
        (datetime.date(2021, 4, 1), 1),
        (datetime.date(2021, 5, 1), 2),
        (datetime.date(2021, 6, 1), 3),
    ]
