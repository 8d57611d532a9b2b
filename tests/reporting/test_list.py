"""The filtered deliverables list, its exports, and the dashboard's links into it."""

import csv
import io
import re
from html import unescape

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from deliverables.models import Deliverable
from tests.deliverables.factories import DeliverableFactory
from tests.objectives.factories import ObjectiveFactory, PlanFactory, ThemeFactory


def refs(response):
    return [d.reference for d in response.context["page"].object_list]


@pytest.fixture
def reader(client, people):
    client.force_login(people["viewer"])
    return client


def get_list(client, query=""):
    return client.get(reverse("reporting:deliverable_list") + "?" + query)


@pytest.mark.django_db
class TestFilters:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("", ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.1", "2.2"]),
            ("quarter=2&due=1", ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2"]),
            ("quarter=2&due=", ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.1", "2.2"]),
            ("quarter=2&missing=1", ["1.3", "1.4"]),
            ("quarter=2&overdue=1", ["1.4"]),
            ("quarter=2&completed=1", ["1.5", "2.2"]),
            ("quarter=2&status=green", ["1.2", "2.1"]),
            ("quarter=2&status=amber", ["1.1"]),
            ("quarter=1&status=amber", ["1.4"]),
            ("quarter=2&trend=improved", ["1.2"]),
            ("quarter=2&trend=deteriorated", ["1.1"]),
            ("quarter=2&trend=sustained", ["2.1"]),
            ("owner=CFO", ["1.2", "1.3", "1.5", "1.6", "2.1"]),
            ("q=1.3", ["1.3"]),
            ("q=2", ["2.1", "2.2"]),
        ],
    )
    def test_each_filter(self, reader, hand_built, query, expected):
        assert refs(get_list(reader, query)) == expected

    def test_theme_objective_and_group(self, reader, hand_built, dhg):
        theme_a, theme_b = hand_built
        assert refs(get_list(reader, f"theme={theme_b.pk}")) == ["2.1", "2.2"]
        objective = theme_a.objectives.get()
        assert len(refs(get_list(reader, f"objective={objective.pk}"))) == 6
        assert refs(get_list(reader, f"assurance_group={dhg.pk}")) == ["1.1", "1.3"]

    def test_the_menus_offer_only_the_chosen_plan_s_themes_and_objectives(self, reader, hand_built):
        # A second year's plan, as after a roll-over: its themes are not this plan's to pick.
        later = ObjectiveFactory(
            theme=ThemeFactory(plan=PlanFactory(financial_year="2022/23"), title="Next year")
        )
        page = get_list(reader, "plan=2021/22").content.decode()
        theme_menu = re.search(r'<select name="theme".*?</select>', page, re.S).group(0)
        objective_menu = re.search(r'<select name="objective".*?</select>', page, re.S).group(0)
        assert [unescape(t) for t in re.findall(r">([^<]+)</option>", theme_menu)] == [
            "Any theme",
            "Theme 1: A",
            "Theme 2: B",
        ]
        assert len(re.findall(r"<option", objective_menu)) == 1 + 2
        assert later.title not in objective_menu
        # The later plan, when chosen, offers its own.
        page = get_list(reader, "plan=2022/23").content.decode()
        assert "Next year" in page and "Theme 1: A" not in page

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("owner=CDO&quarter=2&missing=1", ["1.4"]),
            ("owner=CFO&quarter=2&status=green", ["1.2", "2.1"]),
            ("quarter=2&due=1&overdue=1", ["1.4"]),
            ("quarter=2&completed=1&status=complete", ["2.2"]),
            ("assurance_group={dhg}&quarter=2&missing=1", ["1.3"]),
            ("theme={theme_a}&quarter=2&trend=improved", ["1.2"]),
            ("q=1&owner=CDO", ["1.1", "1.2", "1.4"]),
        ],
    )
    def test_combinations(self, reader, hand_built, dhg, query, expected):
        query = query.format(dhg=dhg.pk, theme_a=hand_built[0].pk)
        assert refs(get_list(reader, query)) == expected

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ("theme=abc", "Theme"),
            ("owner=NOPE", "Owner"),
            ("status=purple", "Status"),
            ("trend=sideways", "Trend"),
            ("assurance_group=999999", "Assurance_group"),
            ("objective=%27%3B+DROP+TABLE", "Objective"),
        ],
    )
    def test_invalid_values_show_a_message_not_a_500(self, reader, hand_built, query, field):
        response = get_list(reader, query)
        page = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem with the filters" in page
        assert f"{field}: Select a valid choice." in unescape(page)
        assert len(refs(response)) == 8  # the bad filter is left out, the rest apply

    @pytest.mark.parametrize(
        "query",
        [
            "quarter=9",
            "quarter=x",
            "plan=1999%2F00",
            "plan=%00",
            "plan=2021%2F22%00",
            "page=999",
            "page=x",
        ],
    )
    def test_out_of_range_plan_quarter_or_page_falls_back(self, reader, hand_built, query):
        response = get_list(reader, query)
        assert response.status_code == 200
        assert response.context["quarter"].number == 2

    def test_pagination_keeps_the_filters(self, reader, plan, q2, cdo):
        for _ in range(55):
            DeliverableFactory(objective__theme__plan=plan, owners=[cdo])
        first = get_list(reader, "owner=CDO&quarter=2")
        page = first.content.decode()
        assert len(refs(first)) == 50 and first.context["page"].paginator.count == 55
        assert "owner=CDO" in page and "page=2" in page
        second = get_list(reader, "owner=CDO&quarter=2&page=2")
        assert len(refs(second)) == 5

    def test_list_shows_status_and_missing(self, reader, hand_built):
        page = get_list(reader, "quarter=2").content.decode()
        assert "At risk (Amber)" in page and "Update missing" in page and "Overdue" in page
        # 1.5 complete earlier, 1.6 before its window: each says why it has no update.
        assert "Completed earlier" in page and "Not in its window yet" in page


@pytest.mark.django_db
class TestDashboardLinks:
    def test_every_number_links_to_a_list_of_exactly_that_many(self, reader, hand_built):
        page = reader.get(reverse("reporting:dashboard") + "?quarter=2").content.decode()
        links = re.findall(r'<a href="(/deliverables/\?[^"]+)">(\d+)</a>', page)
        assert len(links) > 20
        for url, number in links:
            response = reader.get(unescape(url))
            assert response.context["page"].paginator.count == int(number), url

    def test_bars_and_table_are_on_the_page(self, reader, hand_built):
        page = reader.get(reverse("reporting:dashboard") + "?quarter=2").content.decode()
        # Q2: the totals and two themes; quarter by quarter, Q1 and Q2 for the plan and each theme.
        assert page.count('<svg class="uhb-bar"') == 3 + 2 + 2 * 2
        assert "Deliverables by theme" in page and "Deliverables by executive owner" in page
        assert "Deliverables by assurance group" in page
        assert "Theme 1: A" in page or "Theme 1</a>" in page

    def test_defaults_to_the_open_quarter(self, reader, hand_built):
        response = reader.get(reverse("reporting:dashboard"))
        assert response.context["quarter"].number == 2

    def test_no_plan_is_a_404(self, reader):
        assert reader.get(reverse("reporting:dashboard")).status_code == 404


def grid_rows(response):
    return [(row.deliverable, row.cells) for row in response.context["grid"].rows]


@pytest.mark.django_db
class TestRagGrid:
    def test_cells(self, reader, hand_built):
        response = reader.get(reverse("deliverables:rag_grid"))
        rows = {d.reference: [c.label for c in cells] for d, cells in grid_rows(response)}
        assert rows["1.1"] == [
            "On track (Green)",
            "At risk (Amber)",
            "Quarter not open yet",
            "Quarter not open yet",
        ]
        assert rows["1.4"] == [
            "At risk (Amber)",
            "Overdue: update missing",
            "Quarter not open yet",
            "Quarter not open yet",
        ]
        assert rows["1.5"] == [
            "Complete (Blue)",
            "Completed earlier",
            "Completed earlier",
            "Completed earlier",
        ]
        assert rows["1.6"][:2] == ["Not in its window yet", "Not in its window yet"]
        assert rows["1.3"][1] == "Update missing"
        page = response.content.decode()
        assert "uhb-grid--not_in_window" in page and "uhb-grid--missing" in page


@pytest.mark.django_db
class TestExports:
    def test_csv_of_a_filtered_view(self, reader, hand_built):
        response = reader.get(
            reverse("reporting:deliverable_export", args=["csv"]) + "?owner=CDO&quarter=2"
        )
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert (
            response["Content-Disposition"]
            == 'attachment; filename="uhbplan_2021-22_Q2_owner-cdo.csv"'
        )
        rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
        assert [row["reference"] for row in rows] == ["1.1", "1.2", "1.4", "2.2"]
        assert list(rows[0])[-9:] == [
            "quarter",
            "status",
            "narrative",
            "reason_for_change",
            "risks",
            "next_steps",
            "expected_date",
            "updated_by",
            "updated_at",
        ]
        first = rows[0]
        assert (first["quarter"], first["status"], first["reason_for_change"]) == (
            "2",
            "At risk (Amber)",
            "x",
        )
        assert rows[2]["status"] == "Overdue: update missing"  # 1.4, as the grid says

    def test_xlsx_of_a_filtered_view(self, reader, hand_built, dhg):
        url = (
            reverse("reporting:deliverable_export", args=["xlsx"])
            + f"?assurance_group={dhg.pk}&quarter=2&missing=1"
        )
        response = reader.get(url)
        assert response["Content-Disposition"].endswith('_Q2_assurance-group-dhg_missing.xlsx"')
        sheet = load_workbook(io.BytesIO(response.getvalue())).active
        values = list(sheet.iter_rows(values_only=True))
        assert len(values) == 2 and values[1][4] == "1.3" and values[1][12] == "Update missing"

    def test_exports_are_formula_safe_and_escape_nothing_into_html(self, reader, hand_built):
        Deliverable.objects.filter(number=1, objective__number=1).update(
            description="=cmd|' /C calc'!A0 <script>alert(1)</script>"
        )
        response = reader.get(reverse("reporting:deliverable_export", args=["csv"]) + "?q=1.1")
        row = next(csv.DictReader(io.StringIO(response.getvalue().decode())))
        assert row["description"].startswith("'=cmd")

    def test_unknown_format_is_a_404(self, reader, hand_built):
        assert reader.get("/deliverables/export.pdf").status_code == 404

    def test_export_plan_command_adds_the_quarter(self, hand_built):
        from django.core.management import call_command

        out = io.StringIO()
        call_command("export_plan", "--quarter", "2", stdout=out)
        rows = list(csv.DictReader(io.StringIO(out.getvalue())))
        assert len(rows) == 8 and rows[0]["status"] == "At risk (Amber)"
        assert rows[4]["status"] == "Completed earlier"  # 1.5, completed in Q1


@pytest.mark.django_db
class TestSecretaryPage:
    def test_lands_on_exactly_their_groups_items(self, client, people, hand_built, dhg):
        client.force_login(people["secretary"])
        response = client.get(reverse("home"), follow=True)
        assert response.redirect_chain[-1][0] == reverse("reporting:my_groups")
        assert refs(response) == ["1.1", "1.3"]
        assert "DHG: items for review" in response.content.decode()

    def test_switches_between_groups(self, client, people, hand_built, dhg, plan):
        from tests.assurance.factories import AssuranceGroupFactory

        other = AssuranceGroupFactory(code="IGG")
        other.secretaries.add(people["secretary"])
        DeliverableFactory(objective__theme__plan=plan, assurance_groups=[other])
        client.force_login(people["secretary"])
        page = client.get(reverse("reporting:my_groups")).content.decode()
        assert f'href="?group={other.pk}"' in page
        response = client.get(reverse("reporting:my_groups") + f"?group={other.pk}")
        assert len(refs(response)) == 1

    def test_a_group_they_do_not_serve_is_not_shown(self, client, people, hand_built, dhg, plan):
        from tests.assurance.factories import AssuranceGroupFactory

        other = AssuranceGroupFactory(code="XYZ")
        client.force_login(people["secretary"])
        response = client.get(reverse("reporting:my_groups") + f"?group={other.pk}")
        assert response.context["chosen"] == dhg


@pytest.mark.django_db
class TestSecretaryFilters:
    def test_other_filters_apply_within_the_group(self, client, people, hand_built, dhg):
        client.force_login(people["secretary"])
        response = client.get(reverse("reporting:my_groups") + "?quarter=2&missing=1")
        assert refs(response) == ["1.3"]
        page = response.content.decode()
        assert f'<input type="hidden" name="group" value="{dhg.pk}">' in page
        assert 'name="assurance_group"' not in page
