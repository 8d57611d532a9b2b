"""Budgets at scale: every page's query count is the same at factor 1 and factor 100."""

import json

import pytest
from django.core.management import call_command


@pytest.mark.scale
@pytest.mark.django_db
def test_query_counts_identical_at_factor_1_and_100(tmp_path, plan_2021):
    def counts(factor):
        call_command("generate_scale_data", "--factor", str(factor), stdout=None)
        out = tmp_path / f"bench-{factor}.json"
        call_command("bench", "--repeat", "1", "--json", str(out), stdout=None)
        return {row["page"]: row["queries"] for row in json.loads(out.read_text())["pages"]}

    small = counts(1)
    big = counts(100)  # a newer plan, a hundred times the size, becomes the one shown
    assert big == small
    assert set(small) >= {
        "dashboard",
        "rag_grid",
        "list",
        "my_updates",
        "board_report",
        "export_xlsx",
    }
