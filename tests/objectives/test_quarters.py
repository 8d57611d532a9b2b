import datetime

import pytest
from django.core.exceptions import ValidationError

from objectives.quarters import (
    QuarterDates,
    parse_delivery_window,
    parse_financial_year,
)


class TestQuarterDates:
    @pytest.mark.parametrize(
        ("number", "start", "end", "label"),
        [
            (1, datetime.date(2021, 4, 1), datetime.date(2021, 6, 30), "Q1 2021/22, Apr–Jun 2021"),
            (2, datetime.date(2021, 7, 1), datetime.date(2021, 9, 30), "Q2 2021/22, Jul–Sep 2021"),
            (
                3,
                datetime.date(2021, 10, 1),
                datetime.date(2021, 12, 31),
                "Q3 2021/22, Oct–Dec 2021",
            ),
            (4, datetime.date(2022, 1, 1), datetime.date(2022, 3, 31), "Q4 2021/22, Jan–Mar 2022"),
        ],
    )
    def test_dates_and_labels(self, number, start, end, label):
        quarter = QuarterDates(2021, number)
        assert (quarter.start, quarter.end, quarter.label) == (start, end, label)

    def test_q4_of_a_leap_year_ends_on_31_march(self):
        assert QuarterDates(2023, 4).end == datetime.date(2024, 3, 31)

    @pytest.mark.parametrize("number", [0, 5])
    def test_no_fifth_quarter(self, number):
        with pytest.raises(ValueError):
            QuarterDates(2021, number)


class TestFinancialYear:
    def test_parses(self):
        assert parse_financial_year("2021/22") == 2021
        assert parse_financial_year("2099/00") == 2099

    @pytest.mark.parametrize(
        "label", ["2021", "2021/23", "21/22", "2021-22", "", "9999/00", "0000/01", "1947/48"]
    )
    def test_rejects(self, label):
        with pytest.raises(ValidationError):
            parse_financial_year(label)


class TestDeliveryWindow:
    @pytest.mark.parametrize(
        ("label", "start", "end"),
        [
            # Every label the 2021/22 plan uses.
            ("Q1-4", 1, 4),
            ("Q1", 1, 1),
            ("Q2", 2, 2),
            ("Q1-2", 1, 2),
            ("Q1-3", 1, 3),
            ("Q1-Q3", 1, 3),
            ("From Q1", 1, None),
            # Ways an administrator may write the same thing.
            ("q2-q4", 2, 4),
            ("Q1 – Q4", 1, 4),
            (" From Q3 ", 3, None),
        ],
    )
    def test_parses(self, label, start, end):
        window = parse_delivery_window(label)
        assert (window.start, window.end) == (start, end)

    @pytest.mark.parametrize(
        ("label", "message"),
        [
            ("Q5", "Q1 to Q4"),
            ("Q0-2", "Q1 to Q4"),
            ("Q3-1", "ends before it starts"),
            ("", "Enter the delivery window"),
            ("   ", "Enter the delivery window"),
            ("Quarter 1", "is not a delivery window"),
            ("Q1-4-5", "is not a delivery window"),
        ],
    )
    def test_rejects_with_a_clear_message(self, label, message):
        with pytest.raises(ValidationError) as error:
            parse_delivery_window(label)
        assert message in " ".join(error.value.messages)

    def test_open_ended_window_has_no_end(self):
        window = parse_delivery_window("From Q2")
        assert (window.start, window.end) == (2, None)
