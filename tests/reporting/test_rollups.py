"""Roll-up numbers against a hand-built quarter whose answers are worked out by hand."""

import pytest
from django.urls import reverse

from reporting import rollups
from tests.deliverables.factories import DeliverableFactory, StatusUpdateFactory
from tests.objectives.factories import ObjectiveFactory


@pytest.mark.django_db
class TestByTheme:
    def test_theme_a(self, hand_built, q2):
        a = rollups.by_theme(q2)[0]
        numbers = a.numbers
        assert (numbers["total"], numbers["due"], numbers["missing"], numbers["overdue"]) == (
            6,
            4,
            2,
            1,
        )
        assert (numbers["status_amber"], numbers["status_green"], numbers["status_red"]) == (
            1,
            1,
            0,
        )
        assert numbers["completed"] == 1 and a.percent_complete == 17  # 1 of 6
        assert (numbers["improved"], numbers["sustained"], numbers["deteriorated"]) == (1, 0, 1)
        assert a.trend == "Sustained"  # one up, one down

    def test_theme_b(self, hand_built, q2):
        b = rollups.by_theme(q2)[1]
        assert (b.numbers["due"], b.numbers["status_green"], b.numbers["status_complete"]) == (
            2,
            1,
            1,
        )
        assert b.numbers["completed"] == 1 and b.percent_complete == 50
        assert (b.numbers["sustained"], b.trend) == (1, "Sustained")

    def test_totals_add_up(self, hand_built, q2):
        totals = rollups.totals(rollups.by_theme(q2), q2)
        assert (totals.numbers["total"], totals.numbers["due"], totals.numbers["missing"]) == (
            8,
            6,
            2,
        )
        assert totals.percent_complete == 25

    def test_q1_has_no_comparison(self, hand_built, q1):
        a = rollups.by_theme(q1)[0]
        assert (a.numbers["due"], a.numbers["missing"], a.numbers["overdue"]) == (5, 0, 0)
        assert a.trend == "No comparison"

    def test_bar_segments_follow_the_counts(self, hand_built, q2):
        a = rollups.by_theme(q2)[0]
        assert [(s.key, s.count) for s in a.segments] == [
            ("green", 1),
            ("amber", 1),
            ("missing", 2),
        ]
        assert [round(s.percent) for s in a.segments] == [25, 25, 50]
        assert [round(s.offset) for s in a.segments] == [0, 25, 50]
        assert a.segments[2].url.endswith("&missing=1")


@pytest.mark.django_db
class TestMoved:
    def test_the_first_risers_and_fallers_in_the_plans_order(self, hand_built, q1, q2, cdo):
        """The dashboard names the first few that moved, in reference order by the numbers
        (1.2, 1.10, then 10.1), whatever order they were made in."""
        theme_a, _ = hand_built
        later = ObjectiveFactory(theme=theme_a, number=10)
        for objective, number in ((later, 1), (theme_a.objectives.get(number=1), 10)):
            deliverable = DeliverableFactory(objective=objective, number=number, owners=[cdo])
            StatusUpdateFactory(deliverable=deliverable, quarter=q1, status="red")
            StatusUpdateFactory(deliverable=deliverable, quarter=q2, status="green")
        moved = rollups.moved(q2, limit=2)
        assert [row["reference"] for row in moved["improved"]] == ["1.2", "1.10"]
        assert [row["reference"] for row in rollups.moved(q2)["improved"]] == [
            "1.2",
            "1.10",
            "10.1",
        ]
        (fell,) = moved["deteriorated"]
        assert (fell["reference"], fell["before_label"], fell["now_label"]) == (
            "1.1",
            "On track (Green)",
            "At risk (Amber)",
        )


@pytest.mark.django_db
class TestByOwnerAndGroup:
    def test_a_deliverable_counts_for_each_of_its_owners(self, hand_built, q2):
        owners = {row.label: row.numbers for row in rollups.by_owner(q2)}
        assert (owners["CDO"]["total"], owners["CDO"]["due"], owners["CDO"]["missing"]) == (4, 4, 1)
        assert (owners["CFO"]["total"], owners["CFO"]["due"], owners["CFO"]["missing"]) == (5, 3, 1)

    def test_by_group(self, hand_built, q2):
        groups = {row.label: row.numbers for row in rollups.by_assurance_group(q2)}
        assert groups == {"DHG": groups["DHG"]}
        assert (groups["DHG"]["due"], groups["DHG"]["status_amber"], groups["DHG"]["missing"]) == (
            2,
            1,
            1,
        )


@pytest.mark.django_db
def test_quarter_by_quarter_against_the_hand_built_plan(client, people, hand_built, plan, q1, q2):
    """Q1: a1, a3, b1 green; a2 red; a4 amber; a5 complete. Q2: see the fixture."""
    over = rollups.quarter_by_quarter(plan)
    assert [item["quarter"].number for item in over["quarters"]] == [1, 2]  # Q3 not open yet
    first, second = (item["total"].numbers for item in over["quarters"])
    assert (first["due"], first["status_green"], first["status_red"]) == (6, 3, 1)
    assert (first["status_amber"], first["status_complete"], first["missing"]) == (1, 1, 0)
    assert (second["status_green"], second["status_amber"], second["status_complete"]) == (2, 1, 1)
    assert second["missing"] == 2
    theme_a = over["themes"][0]
    assert [item["row"].numbers["status_green"] for item in theme_a["rows"]] == [2, 1]
    # The dashboard draws them, each with its line of figures.
    client.force_login(people["viewer"])
    page = client.get("/dashboard/?quarter=2").content.decode()
    assert 'id="quarter-by-quarter"' in page and "Each theme, quarter by quarter" in page
    assert ">3 On track (Green)</a>" in page  # Q1's figures under its bar
    assert "What changed since Q1" in page and "fell from <strong>On track (Green)</strong>" in page


@pytest.mark.django_db
def test_every_status_bar_takes_its_colour_from_one_table(client, people, hand_built, q2):
    """Closed was one grey on the dashboard and another in the report (issue 26)."""
    import re
    from pathlib import Path

    from django.conf import settings

    client.force_login(people["viewer"])
    dashboard = client.get(reverse("reporting:dashboard") + "?quarter=2").content.decode()
    report = client.get(reverse("reporting:board_report") + "?quarter=2").content.decode()
    for status, colour in rollups.BAR_FILLS.items():
        if status == "missing":
            continue
        key = re.search(rf'uhb-bar--{status}" fill="([^"]+)"', dashboard)
        assert key and key.group(1).endswith(colour), status  # the key under the bars
    for fill in re.findall(r'<rect fill="([^"]+)" width=', report):
        assert fill in rollups.BAR_FILLS.values()
    css = (Path(settings.BASE_DIR) / "static" / "css" / "uhbplan.css").read_text()
    statuses = "|".join(rollups.BAR_FILLS)
    assert not re.search(rf"\.uhb-bar--({statuses}) \{{[^}}]*fill", css)


@pytest.mark.django_db
def test_board_facing_tables_show_names_never_admin_notes(client, plan_2021):
    """Issue 28: "Full title not given in the plan" is for administrators; the dashboard and the
    report show the plan's own words, or nothing."""
    from accounts.roles import VIEWERS
    from tests.factories import UserFactory

    client.force_login(UserFactory(role=VIEWERS))
    for url in ("/dashboard/?plan=2021/22&quarter=1", "/board-report/?plan=2021/22&quarter=1"):
        page = client.get(url).content.decode()
        assert "not given in the plan" not in page, url


@pytest.mark.django_db
def test_a_save_renders_again_only_the_dashboard_parts_it_changed(
    client, people, hand_built, q2, monkeypatch, django_capture_on_commit_callbacks
):
    """Issue 32: the first dashboard after a save rendered every row of its three tables and
    the whole glance again, for one deliverable's change. Each part is kept by what it shows."""
    from collections import Counter

    from django.core.cache import caches

    from deliverables.models import Deliverable
    from tests.deliverables.factories import StatusUpdateFactory

    fragments = caches["fragments"]
    fragments.clear()
    client.force_login(people["viewer"])
    url = reverse("reporting:dashboard") + "?quarter=2"
    client.get(url)
    rendered = Counter()
    keep = fragments.set

    def noting(key, *args, **kwargs):
        rendered[key.split(".")[2].strip('"')] += 1  # template.cache.<name>.<hash>
        return keep(key, *args, **kwargs)

    monkeypatch.setattr(fragments, "set", noting)
    a3 = Deliverable.objects.get(objective__theme__title="A", number=3)  # CFO's, DHG's
    with django_capture_on_commit_callbacks(execute=True):
        StatusUpdateFactory(deliverable=a3, quarter=q2, status="red")
    page = client.get(url).content.decode()

    # Theme A's, the CFO's and DHG's rows, in the table and under "More figures"; not the
    # others (theme B, the CDO).
    assert rendered["rollup-row"] == 3 and rendered["rollup-more-row"] == 3
    # The bars of all themes, theme A, and Q2's in the quarter-by-quarter chart and theme A's.
    assert rendered["bar"] == 4
    # A status moved: the glance's matrix, not its levels by committee and theme.
    assert rendered["glance-matrix"] == 1 and not rendered["glance-by"]
    # And what is shown is the new figure: the CFO's one deliverable off track.
    cfo_row = page.split('scope="row"><a href="')[1:]
    assert any(">CFO</a>" in row and 'status=red">1</a>' in row for row in cfo_row)


def test_a_rows_key_names_everything_it_shows(hand_built, q2):
    """The rendered row is kept under the row's text (`{% cache %}`): two rows that differ in
    anything shown must not share one."""
    row = rollups.by_theme(q2)[0]
    other = rollups.RollupRow(row.label, row.title, row.filter_params, row.numbers, row.quarter)
    assert repr(other) == repr(row)
    for change in (
        {"label": "Theme 9"},
        {"title": "Another"},
        {"filter_params": {"theme": 0}},
        {"numbers": row.numbers | {"status_red": 9}},
        {"quarter": q2.plan.quarters.get(number=1)},
    ):
        changed = rollups.RollupRow(
            **{
                "label": row.label,
                "title": row.title,
                "filter_params": row.filter_params,
                "numbers": row.numbers,
                "quarter": row.quarter,
            }
            | change
        )
        assert repr(changed) != repr(row), change


@pytest.mark.django_db
def test_the_first_dashboard_after_a_save_reads_only_what_a_save_changes(
    transactional_db, client, people, hand_built, q2
):
    """Issue 32: after a save the dashboard read the plan's themes (twice), its quarters
    (three times), and the owners and groups its tables name, none of which a status update
    changes: they are kept under the objectives domain and with the quarter's rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from deliverables.models import Deliverable
    from tests.deliverables.factories import StatusUpdateFactory

    client.force_login(people["viewer"])
    url = reverse("reporting:dashboard") + "?quarter=2"
    client.get(url)
    a3 = Deliverable.objects.get(objective__theme__title="A", number=3)
    StatusUpdateFactory(deliverable=a3, quarter=q2, status="red")  # committed, as saved
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    sql = [query["sql"] for query in queries.captured_queries]
    assert not [text for text in sql if 'FROM "objectives_theme"' in text]
    # The filter's choice of quarter is the one read of the quarters.
    assert len([text for text in sql if text.startswith('SELECT "objectives_quarter"')]) == 1
    assert not [text for text in sql if text.startswith('SELECT "deliverables_owner"."id"')]
    assert "What changed since Q1" in page and ">CFO</a>" in page
