"""Uploads are read with bounded cost, and what a writer guards a reader gives back (issue 25)."""

import io
import tracemalloc

import pytest
from django.urls import reverse

from accounts.roles import EXECUTIVE_OWNERS, PLAN_ADMINISTRATORS
from common.spreadsheets import UnreadableFile, csv_rows, formula_safe, unguarded, xlsx_rows
from deliverables import exports
from objectives.measures import series
from planning import importing as plan_import
from tests.common.bombs import dimension_bomb, shared_strings_bomb, workbook
from tests.factories import UserFactory
from tests.objectives.factories import MeasureFactory

BOMBS = {"dimension": dimension_bomb, "shared strings": shared_strings_bomb}
# Refusing a bomb costs next to nothing: the old reader took gigabytes for either.
MEMORY_BOUND = 20 * 1024 * 1024


def peak_memory(work):
    tracemalloc.start()
    try:
        work()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


class TestBombs:
    @pytest.mark.parametrize("bomb", BOMBS)
    @pytest.mark.parametrize(
        "read, error",
        [
            (lambda data: series.read_file("values.xlsx", data), series.SeriesError),
            (lambda data: plan_import.read("plan.xlsx", data), plan_import.PlanFileError),
        ],
    )
    def test_refused_with_memory_bounded(self, bomb, read, error):
        data = BOMBS[bomb]()
        assert len(data) < 1024 * 1024

        def attempt():
            with pytest.raises(error, match="more than 10,000 rows|unpacks to|packed far more"):
                read(data)

        assert peak_memory(attempt) < MEMORY_BOUND

    def test_a_sheet_that_claims_more_than_it_holds_is_read_as_it_is(self):
        data = workbook([["period", "value"], ["2021-04", 5], ["2021-05", 6]])
        found = series.read_file("values.xlsx", data)
        assert [row.value for row in found.rows] == [5, 6] and not found.errors

    def test_rows_are_cut_to_the_columns_a_reader_wants(self):
        rows = list(xlsx_rows(workbook([list(range(100))]), max_rows=5, max_columns=3))
        assert rows == [(1, [0, 1, 2])]


@pytest.mark.django_db
class TestUploadPages:
    @pytest.mark.parametrize("bomb", BOMBS)
    def test_the_measure_upload_refuses_a_bomb_with_a_form_error(self, client, bomb):
        owner = UserFactory(role=EXECUTIVE_OWNERS)
        measure = MeasureFactory(data_owner=owner, values=[1, 2, 3])
        client.force_login(owner)
        file = io.BytesIO(BOMBS[bomb]())
        file.name = "values.xlsx"
        response = client.post(
            reverse("objectives:measure_upload", args=[measure.pk]), {"file": file}
        )
        assert response.status_code == 200
        assert "nhsuk-error-summary" in response.content.decode()
        assert measure.values.count() == 3

    @pytest.mark.parametrize("bomb", BOMBS)
    def test_the_plan_import_refuses_a_bomb_with_a_form_error(self, client, bomb):
        client.force_login(UserFactory(role=PLAN_ADMINISTRATORS))
        file = io.BytesIO(BOMBS[bomb]())
        file.name = "plan.xlsx"
        response = client.post(
            reverse("planning:plan_import"),
            {"file": file, "financial_year": "2022/23", "title": "Next"},
        )
        assert response.status_code == 200
        assert "nhsuk-error-summary" in response.content.decode()

    def test_an_upload_over_the_limit_is_refused_before_it_is_read(self, client, monkeypatch):
        owner = UserFactory(role=EXECUTIVE_OWNERS)
        measure = MeasureFactory(data_owner=owner, values=[1, 2, 3])
        client.force_login(owner)
        monkeypatch.setattr(
            series, "read_file", lambda *a, **k: pytest.fail("an oversized file was read")
        )
        file = io.BytesIO(b"period,value\n" + b"2021-04,1\n" * 300_000)
        file.name = "values.csv"
        response = client.post(
            reverse("objectives:measure_upload", args=[measure.pk]), {"file": file}
        )
        assert "The file is larger than 2 MB" in response.content.decode()


@pytest.mark.django_db
class TestCsv:
    @pytest.mark.parametrize(
        "read, error",
        [
            (lambda data: series.read_file("values.csv", data), series.SeriesError),
            (lambda data: plan_import.read("plan.csv", data), plan_import.PlanFileError),
        ],
    )
    def test_a_cell_over_the_csv_module_s_limit_is_a_row_error(self, read, error):
        data = b"period,value\n2021-04,1\n2021-05,'" + b"x" * 200_000 + b"\n"
        with pytest.raises(error, match="Row 3: a cell is longer than 64 KB"):
            read(data.replace(b"'", b'"'))

    def test_bare_carriage_returns_end_rows(self):
        found = series.read_file("values.csv", b"period,value\r2021-04,1\r2021-05,2\r")
        assert [row.value for row in found.rows] == [1, 2] and not found.errors

    def test_a_bare_carriage_return_in_a_plan_file(self):
        header = ",".join(exports.PLAN_COLUMNS)
        row = "1,Theme A,1,Objective A,1.1,Do the thing,Q1-4,,,CFO,DHG"
        reading = plan_import.read("plan.csv", f"{header}\r{row}\r".encode())
        assert reading.errors == [] and len(reading.rows) == 1

    def test_too_many_rows_stop_the_reading(self):
        with pytest.raises(UnreadableFile, match="more than 3 rows"):
            list(csv_rows("a\nb\nc\nd\n", max_rows=3))


class TestFormulaGuard:
    @pytest.mark.parametrize(
        "text", ["=cmd|'/C calc'!A0", "+1+1", "-2", "@SUM(A1)", "'=x", "''+1", "'plain", "plain"]
    )
    def test_a_round_trip_changes_nothing(self, text):
        assert unguarded(formula_safe(text)) == text

    def test_what_a_spreadsheet_would_run_is_guarded(self):
        assert formula_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
        assert formula_safe("'plain") == "'plain" and formula_safe(5) == 5
