import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from deliverables.exports import PLAN_COLUMNS, spreadsheet_safe
from tests.deliverables.factories import DeliverableFactory, OwnerFactory

COLUMNS = [
    "theme_number",
    "theme_title",
    "objective_number",
    "objective_title",
    "reference",
    "description",
    "delivery",
    "start_quarter",
    "end_quarter",
    "owners",
    "assurance_groups",
]


def export(*args):
    out = io.StringIO()
    call_command("export_plan", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
class TestCsv:
    def test_columns_and_63_rows_in_natural_order(self, plan_2021):
        rows = list(csv.DictReader(io.StringIO(export())))
        assert PLAN_COLUMNS == COLUMNS
        assert list(rows[0]) == COLUMNS
        assert len(rows) == 63
        # The one order (issue 26): by theme, then objective, then deliverable, by the numbers.
        keys = [
            (
                int(row["theme_number"]),
                int(row["objective_number"]),
                int(row["reference"].split(".")[1]),
            )
            for row in rows
        ]
        assert keys == sorted(keys)
        references = [row["reference"] for row in rows]
        assert references[:3] == [
            "2.1",
            "2.2",
            "3.1",
        ]  # themes 1 and 2 hold objectives 2 and 3 (ADR 1)
        assert references.index("9.4") < references.index("10.1")

    def test_row_contents(self, plan_2021):
        rows = {row["reference"]: row for row in csv.DictReader(io.StringIO(export()))}
        assert rows["1.2"]["owners"] == "CFO; CWIO"
        assert (
            rows["1.2"]["assurance_groups"]
            == "ERP Steering Committee; Business Systems Board; CEAG"
        )
        assert rows["4.2"]["owners"] == "ECN; DCA"
        assert (
            rows["10.3"]["delivery"],
            rows["10.3"]["start_quarter"],
            rows["10.3"]["end_quarter"],
        ) == (
            "From Q1",
            "1",
            "",
        )
        assert rows["6.1"]["theme_number"] == "4"
        assert rows["6.1"]["theme_title"] == "Digital and Technological Transformation"
        assert rows["16.2"]["delivery"] == "Q1-Q3"

    def test_formula_like_text_is_made_safe(self, db):
        DeliverableFactory(description='=HYPERLINK("http://x")', owners=[OwnerFactory(code="@X")])
        row = next(csv.DictReader(io.StringIO(export())))
        assert row["description"] == '\'=HYPERLINK("http://x")'
        assert row["owners"] == "'@X"

    @pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
    def test_every_trigger_is_escaped(self, text):
        assert spreadsheet_safe(text) == "'" + text

    @pytest.mark.parametrize("value", ["Plain text", "1.2", 3, None, "a=b"])
    def test_ordinary_values_are_untouched(self, value):
        assert spreadsheet_safe(value) == value


@pytest.mark.django_db
class TestOtherFormats:
    def test_json_is_a_list_of_objects_with_the_same_keys(self, plan_2021):
        rows = json.loads(export("--format", "json"))
        assert len(rows) == 63
        assert list(rows[0]) == COLUMNS
        open_ended = next(row for row in rows if row["reference"] == "10.3")
        assert (open_ended["start_quarter"], open_ended["end_quarter"]) == (1, None)

    def test_xlsx_to_a_file(self, plan_2021, tmp_path):
        path = tmp_path / "plan.xlsx"
        call_command("export_plan", "--format", "xlsx", "--output", str(path), stderr=io.StringIO())
        sheet = load_workbook(path).active
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == COLUMNS
        assert len(rows) == 64
        assert rows[1][4] == "2.1"  # theme 1's first deliverable

    def test_xlsx_never_stores_a_formula(self, db, tmp_path):
        DeliverableFactory(description="=1+1")
        path = tmp_path / "plan.xlsx"
        call_command("export_plan", "--format", "xlsx", "--output", str(path), stderr=io.StringIO())
        cell = load_workbook(path).active["F2"]
        assert (cell.value, cell.data_type) == ("'=1+1", "s")

    def test_choose_plan_by_financial_year(self, plan_2021):
        assert len(list(csv.DictReader(io.StringIO(export("--plan", "2021/22"))))) == 63

    def test_unknown_plan_is_a_clear_error(self, plan_2021):
        with pytest.raises(CommandError, match="No plan for 2030/31. Plans loaded: 2021/22."):
            export("--plan", "2030/31")

    def test_no_plan_at_all_is_a_clear_error(self, db):
        with pytest.raises(CommandError, match="no plan to export"):
            export()

    def test_unwritable_output_is_a_clear_error(self, plan_2021, tmp_path):
        with pytest.raises(CommandError, match="Could not write"):
            export("--output", str(tmp_path / "missing-dir" / "plan.csv"))
