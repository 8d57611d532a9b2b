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


@pytest.mark.django_db
def test_years_of_history_are_rolled_over(plan_2021):
    """Issue 32: `--years N` makes N plan years, each carried on from the one before, with
    their board records, committees' actions, drafts and measures continuing one series."""
    from assurance.models import ReviewAction
    from deliverables.models import Deliverable, UpdateDraft
    from objectives.models import Measure, Plan, Quarter
    from reporting.models import BoardReport
    from reporting.record import chain

    call_command("generate_scale_data", "--factor", "1", "--years", "3", stdout=None)
    plans = list(Plan.objects.filter(title="Scale plan ×1").order_by("start_date"))
    assert len(plans) == 3 and Quarter.objects.current().plan == plans[-1]
    for before, after in zip(plans, plans[1:], strict=False):
        carried = Deliverable.objects.in_plan(after).values_list("carried_from__objective__plan")
        assert set(carried) == {(before.pk,)}
    # A board record for every closed quarter, and the chain holds.
    closed = Quarter.objects.filter(plan__in=plans, state="closed").count()
    assert closed == 11 and BoardReport.objects.filter(quarter__plan__in=plans).count() == 11
    assert chain.problems(BoardReport.objects.chain().select_related("supersedes")) == []
    # Each objective's measure is one series from the first year's April.
    measure = Measure.objects.filter(indicator__objective__plan=plans[-1]).first()
    assert measure.values.count() == 12 * 2 + 9
    assert ReviewAction.objects.open().filter(deliverable__objective__plan=plans[-1]).exists()
    assert not ReviewAction.objects.open().filter(deliverable__objective__plan=plans[0]).exists()
    assert UpdateDraft.objects.filter(quarter__plan=plans[-1]).exists()


@pytest.mark.scale
@pytest.mark.django_db
def test_more_years_of_history_add_no_queries(tmp_path, plan_2021):
    """Issue 32: the current year's pages read no more queries for more years behind it."""

    def counts(factor, years, latest):
        call_command(
            "generate_scale_data",
            *("--factor", str(factor), "--years", str(years), "--latest-year", str(latest)),
        )
        out = tmp_path / f"bench-{factor}-{years}.json"
        call_command("bench", "--repeat", "1", "--json", str(out), stdout=None)
        return {row["page"]: row["queries"] for row in json.loads(out.read_text())["pages"]}

    # Carried work shows last year's committee levels (one query, findings._add_earlier), so a
    # second year reads what any later one does: more history adds no queries.
    two_years = counts(2, 2, 2300)
    ten_years = counts(2, 10, 2400)  # the same current year, eight more years behind it
    # The dashboard names its assurance gaps in one query when there are any, and whether
    # there are depends on the data (glance._name_gaps): at most that one apart.
    dashboards = {"dashboard", "dashboard_cold"}
    assert {k: v for k, v in ten_years.items() if k not in dashboards} == {
        k: v for k, v in two_years.items() if k not in dashboards
    }
    assert all(abs(ten_years[page] - two_years[page]) <= 1 for page in dashboards)


@pytest.mark.django_db
def test_the_bench_times_first_requests_after_an_executives_save(tmp_path, plan_2021):
    """Issue 32: "dashboard_cold" and "board_report_cold" follow a real save through the
    update page (the figures kept are brought up to date), "dashboard_rebuilt" a change that
    keeps nothing; every page answers."""
    from deliverables.models import StatusUpdate

    call_command("generate_scale_data", "--factor", "1", stdout=None)
    out = tmp_path / "bench.json"
    call_command("bench", "--repeat", "5", "--json", str(out), stdout=None)
    pages = {row["page"]: row for row in json.loads(out.read_text())["pages"]}
    assert {"dashboard_cold", "board_report_cold", "dashboard_rebuilt"} <= pages.keys()
    assert all(row["status"] in (200, 302) for row in pages.values())
    # Six saves before each "_cold" page (the first warms), five deliverables in turn: On
    # track, then At risk.
    saved = StatusUpdate.objects.filter(updated_by__username="bench-admin")
    assert saved.filter(status="amber").exists() and saved.filter(status="green").exists()
