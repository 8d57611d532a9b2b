"""Pages whose content is the whole plan stay a screenful at any size (ADR 15), and cached
pages follow the data: a change on this app server or another shows at once.

The page sizes are made small here so that a hand-built plan of eight deliverables is "large";
the seed plan's sizes are far below the real limits (every page of it is one screen).
"""

import contextlib
import re

import pytest
from django.db import connection
from django.urls import reverse

from common import revision
from common.models import DataRevision
from deliverables import filters, standings
from deliverables import views as deliverable_views
from deliverables.models import Deliverable, StatusUpdate
from reporting.board_report import screens
from reporting.board_report.reading import report_for
from reporting.board_report.xlsx import to_xlsx


@pytest.fixture
def admin(client, people):
    client.force_login(people["admin"])
    return client


@pytest.mark.django_db
class TestPaging:
    def test_the_rag_grid_pages_a_large_plan(self, admin, hand_built, monkeypatch):
        monkeypatch.setattr(deliverable_views, "RAG_GRID_PAGE_SIZE", 3)
        first = admin.get(reverse("deliverables:rag_grid"))
        assert [row.deliverable.reference for row in first.context["grid"].rows] == [
            "1.1",
            "1.2",
            "1.3",
        ]
        assert "Page 2 of 3" in first.content.decode()
        last = admin.get(reverse("deliverables:rag_grid") + "?page=3")
        assert [row.deliverable.reference for row in last.context["grid"].rows] == ["2.1", "2.2"]

    def test_the_rag_grid_joins_positions_for_its_page_only(self, admin, hand_built, monkeypatch):
        """Issue 32: the grid counted and sorted the whole plan joined to four quarters'
        positions, and fetched every row's owners and groups, which it does not show."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        monkeypatch.setattr(deliverable_views, "RAG_GRID_PAGE_SIZE", 3)
        with CaptureQueriesContext(connection) as queries:
            page = admin.get(reverse("deliverables:rag_grid") + "?page=2")
        assert [row.deliverable.reference for row in page.context["grid"].rows] == [
            "1.4",
            "1.5",
            "1.6",
        ]
        sql = [query["sql"] for query in queries.captured_queries]
        count = next(text for text in sql if "COUNT(" in text)
        assert "deliverables_standing" not in count
        joined = [text for text in sql if "deliverables_standing" in text]
        assert len(joined) == 1 and "IN (" in joined[0] and "LIMIT" not in joined[0]
        links = ("deliverableowner", "deliverableassurancegroup")
        assert not [text for text in sql if any(table in text for table in links)]

    def test_page_links_are_the_design_system_s_with_their_arrows(
        self, admin, hand_built, monkeypatch
    ):
        monkeypatch.setattr(deliverable_views, "RAG_GRID_PAGE_SIZE", 3)
        page = admin.get(reverse("deliverables:rag_grid") + "?page=2").content.decode()
        nav = re.search(r'<nav class="nhsuk-pagination".*?</nav>', page, re.S).group(0)
        previous = re.search(r'<a [^>]*rel="prev"[^>]*>.*?</a>', nav, re.S).group(0)
        following = re.search(r'<a [^>]*rel="next"[^>]*>.*?</a>', nav, re.S).group(0)
        assert re.search(r'href="\?[^"]*page=1"', previous) and "icon--arrow-left" in previous
        assert re.search(r'href="\?[^"]*page=3"', following) and "icon--arrow-right" in following
        assert "Page 1 of 3" in previous and "Page 3 of 3" in following

    def test_my_updates_pages_and_counts_the_whole_queue(
        self, client, people, hand_built, monkeypatch
    ):
        monkeypatch.setattr(deliverable_views, "MY_UPDATES_PAGE_SIZE", 2)
        client.force_login(people["cdo"])
        # The CDO owes 1.1 (updated), 1.2 (updated), 1.4 (overdue) and 2.2 (complete).
        page = client.get(reverse("deliverables:my_updates"))
        text = page.content.decode()
        assert "You have 4 deliverables to update: 0 missing, 1 overdue, 3 done." in text
        assert [row["deliverable"].reference for row in page.context["rows"]] == ["1.4", "1.1"]
        assert "(1 to 2 of 4)" in text and "Page 2 of 2" in text
        second = client.get(reverse("deliverables:my_updates") + "?page=2")
        assert [r["deliverable"].reference for r in second.context["rows"]] == ["1.2", "2.2"]

    def test_a_large_board_report_comes_a_screen_at_a_time(self, admin, hand_built, monkeypatch):
        monkeypatch.setattr(screens, "SCREEN_LIMIT", 4)
        monkeypatch.setattr(screens, "LIST_LIMIT", 1)
        url = reverse("reporting:board_report") + "?quarter=2"
        summary = admin.get(url).content.decode()
        # The summary says how many there are, shows the first, and where the rest are.
        assert "Updates missing (2)" in summary
        assert "The first 1 of 2 are shown here." in summary
        assert "each theme's are on the pages that follow" in summary
        assert 'id="theme-1"' not in summary
        assert "Page 2 of 3" in summary
        assert "Part 1 of 3: the summary." in summary
        assert "<title>Board report, Q2 2021/22 (part 1 of 3)" in summary
        details = admin.get(url + "&page=2").content.decode()
        assert 'id="theme-1"' in details and "Exceptions" not in details
        # A reader who lands on a later part is told which part of the report it is.
        assert "Part 2 of 3: theme 1." in details
        assert 'id="theme-2"' in admin.get(url + "&page=3").content.decode()

    def test_the_pdf_always_holds_the_whole_report(self, hand_built, q2, monkeypatch):
        monkeypatch.setattr(screens, "SCREEN_LIMIT", 4)
        data = report_for(q2).data
        assert len(data["deliverables"]) == 8 and len(data["missing"]) == 2
        assert len(screens.screens(data)) == 3

    def test_a_group_pack_pages(self, admin, hand_built, dhg, monkeypatch):
        from reporting import views

        monkeypatch.setattr(views, "PACK_PAGE_SIZE", 1)
        url = reverse("reporting:group_pack", args=[dhg.pk]) + "?quarter=2"
        first = admin.get(url)
        assert [d["reference"] for d in first.context["rows"]] == ["1.1"]
        assert "2 deliverables (here 1 to 1)" in first.content.decode()
        second = admin.get(url + "&page=2")
        assert [d["reference"] for d in second.context["rows"]] == ["1.3"]

    def test_the_dashboard_names_ten_risers_and_links_to_the_rest(
        self, admin, hand_built, monkeypatch
    ):
        from reporting import rollups

        monkeypatch.setattr(rollups, "MOVED_SHOWN", 0)
        text = admin.get(reverse("reporting:dashboard") + "?quarter=2").content.decode()
        assert "All 1 that fell" in text and "All 1 that improved" in text
        assert "trend=deteriorated" in text

    def test_a_plan_of_many_objectives_offers_its_theme_s_in_the_menu(
        self, admin, hand_built, monkeypatch
    ):
        monkeypatch.setattr(filters, "OBJECTIVE_MENU_LIMIT", 1)
        theme_a = hand_built[0]
        page = admin.get(reverse("reporting:deliverable_list") + f"?theme={theme_a.pk}")
        offered = [
            label for _, label in page.context["filter"].form["objective"].field.widget.choices
        ]
        assert offered[0] == "Any objective" and len(offered) == 2
        assert "Choose a theme first" in page.content.decode()
        # Any of the plan's objectives is still accepted from a link.
        other = hand_built[1].objectives.get()
        listed = admin.get(reverse("reporting:deliverable_list") + f"?objective={other.pk}")
        assert [d.reference for d in listed.context["page"]] == ["2.1", "2.2"]

    def test_a_page_that_only_chooses_the_quarter_builds_no_filter_form(
        self, admin, hand_built, monkeypatch
    ):
        """The dashboard reads the filter's plan and quarter, never its form: building every
        field of it was a tenth of the first dashboard after a save (issue 32). The list,
        which shows the form, still has every field, in its order."""
        from nhsuk.forms import FilterForm

        built = []
        real_init = FilterForm.__init__

        def noting(form, *args, **kwargs):
            built.append(form)
            real_init(form, *args, **kwargs)

        monkeypatch.setattr(FilterForm, "__init__", noting)
        assert admin.get(reverse("reporting:dashboard") + "?quarter=2").status_code == 200
        assert built == []
        page = admin.get(reverse("reporting:deliverable_list") + "?quarter=2")
        assert len(built) == 1
        fields = list(page.context["filter"].form.fields)
        assert fields[:2] == list(page.context["filter"].FIELD_ORDER[:2]) and "objective" in fields


@pytest.mark.django_db
@contextlib.contextmanager
def on_another_server(monkeypatch):
    """Writes made here as another app server's: they empty that server's caches, not ours."""
    with monkeypatch.context() as patched:
        patched.setattr(revision, "forget", lambda *domains: None, raising=False)
        yield


class TestCachedPagesFollowTheData:
    def test_the_quarter_chooser_is_drawn_once_and_follows_the_plan(
        self, admin, hand_built, q2, django_capture_on_commit_callbacks
    ):
        """Every page that speaks of a quarter draws the plan-and-quarter chooser: it is kept
        by what it shows (issue 32), so a second request reads no plans for it, and it still
        shows the choice made and the quarters as they are."""
        from django.test.utils import CaptureQueriesContext

        from objectives.models import Quarter

        def chooser(page):
            form = re.search(r'<select[^>]*id="choose-quarter".*?</select>', page, re.S).group(0)
            return re.findall(r"<option[^>]*selected[^>]*>([^<]*)</option>", form), form

        url = reverse("reporting:dashboard")
        assert chooser(admin.get(url + "?quarter=2").content.decode())[0] == ["Q2 (open)"]
        assert chooser(admin.get(url + "?quarter=1").content.decode())[0] == ["Q1"]
        with CaptureQueriesContext(connection) as queries:
            page = admin.get(url + "?quarter=1").content.decode()
        assert chooser(page)[0] == ["Q1"]
        plans = '"requires_sign_off" FROM "objectives_plan" ORDER'  # the chooser's list
        assert not [q for q in queries.captured_queries if plans in q["sql"]]
        with django_capture_on_commit_callbacks(execute=True):  # as a real commit
            q2.state = Quarter.State.CLOSED
            q2.save()
        selected, form = chooser(admin.get(url + "?quarter=1").content.decode())
        assert selected == ["Q1"] and "(open)" not in form

    def test_a_save_here_shows_at_once(self, admin, people, hand_built, q2):
        url = reverse("reporting:dashboard") + "?quarter=2"
        before = admin.get(url).content.decode()
        a3 = Deliverable.objects.get(objective__number=1, number=3)
        StatusUpdate.objects.create(deliverable=a3, quarter=q2, status="green", narrative="x")
        after = admin.get(url).content.decode()
        assert before != after
        assert '<span class="uhb-figure__number">1</span> updates missing' in after

    def test_a_group_pack_kept_with_its_report_follows_a_change_on_another_server(
        self, admin, hand_built, dhg, q2, monkeypatch
    ):
        url = reverse("reporting:group_pack", args=[dhg.pk]) + "?quarter=2"
        assert "Seen by the committee" not in admin.get(url).content.decode()
        # Another server's write (no signal here), then its commit moving the revision on.
        a3 = Deliverable.objects.get(objective__number=1, number=3)  # one of DHG's
        with on_another_server(monkeypatch):
            StatusUpdate.objects.bulk_create(
                [
                    StatusUpdate(
                        deliverable=a3,
                        quarter=q2,
                        status="green",
                        narrative="Seen by the committee",
                    )
                ]
            )
            standings.refresh_deliverables([a3.pk])
        DataRevision.objects.update_or_create(pk=1, defaults={"value": revision.current() + 1})
        assert "Seen by the committee" in admin.get(url).content.decode()

    def test_a_change_made_on_another_app_server_shows_once_it_commits(
        self, admin, hand_built, q2, monkeypatch
    ):
        url = reverse("reporting:dashboard") + "?quarter=2"
        missing = '<span class="uhb-figure__number">{}</span> updates missing'
        assert missing.format(2) in admin.get(url).content.decode()
        # Another server's write: no signal reaches this process, whose copy is still served...
        a3 = Deliverable.objects.get(objective__number=1, number=3)
        with on_another_server(monkeypatch):
            StatusUpdate.objects.bulk_create(
                [StatusUpdate(deliverable=a3, quarter=q2, status="green", narrative="x")]
            )
            standings.refresh_deliverables([a3.pk])
        assert missing.format(2) in admin.get(url).content.decode()
        # ...until the other server's commit moves the revision on, as every write's does.
        DataRevision.objects.update_or_create(pk=1, defaults={"value": revision.current() + 1})
        assert (
            '<span class="uhb-figure__number">1</span> updates missing'
            in admin.get(url).content.decode()
        )

    def test_the_revision_moves_on_after_a_commit(self, transactional_db, plan):
        start = revision.current()
        from tests.deliverables.factories import DeliverableFactory

        DeliverableFactory(objective__theme__plan=plan)
        assert revision.current() > start

    def test_drafts_do_not_move_it(self, transactional_db, cdo_deliverable, q2, people):
        from deliverables.models import UpdateDraft

        start = revision.current()
        UpdateDraft.objects.create(
            deliverable=cdo_deliverable, quarter=q2, author=people["cdo"], data={}
        )
        assert revision.current() == start

    def test_a_closed_quarter_s_report_is_read_from_its_snapshot_once(
        self, admin, people, hand_built, q2, django_assert_max_num_queries
    ):
        from reporting.services import quarter_close

        quarter_close(quarter=q2, user=people["admin"])
        url = reverse("reporting:board_report") + "?quarter=2"
        admin.get(url)
        with django_assert_max_num_queries(40):
            response = admin.get(url)
        assert response.context["report"].frozen


@pytest.mark.django_db
def test_a_plan_of_few_objectives_offers_them_all_without_a_hint(admin, hand_built):
    page = admin.get(reverse("reporting:deliverable_list"))
    offered = [label for _, label in page.context["filter"].form["objective"].field.widget.choices]
    assert len(offered) == 3  # "Any objective" and both objectives
    assert "Choose a theme first" not in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_rebuild_positions_after_hand_run_sql_reaches_every_reading_page_on_another_server(
    admin, people, hand_built, dhg, q2, monkeypatch
):
    """SQL run by hand changes an update (no signal sees it), then `rebuild_positions` runs
    on another app server: this server's pages, draft board report and its files must show the
    new figure, not the ones it kept (issue 26: the repair moved no revision)."""
    import io

    from django.core.management import call_command
    from docx import Document
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from reporting.board_report import pdf

    marker = "Changed by hand in SQL"
    pages = {
        "dashboard": reverse("reporting:dashboard") + "?quarter=2",
        "list": reverse("reporting:deliverable_list") + "?quarter=2",
        "grid": reverse("deliverables:rag_grid") + "?quarter=2",
        "report": reverse("reporting:board_report") + "?quarter=2",
        "pack": reverse("reporting:group_pack", args=[dhg.pk]) + "?quarter=2",
    }

    def read(name):
        return admin.get(pages[name]).content.decode()

    def files():
        report = report_for(q2)
        word = Document(io.BytesIO(admin.get(reverse("reporting:board_report_docx")).content))
        book = load_workbook(io.BytesIO(to_xlsx(report.data)))
        return {
            "pdf": " ".join(
                page.extract_text()
                for page in PdfReader(io.BytesIO(pdf.board_report_pdf(report))).pages
            ),
            "word": " ".join(p.text for p in word.paragraphs)
            + " ".join(c.text for t in word.tables for row in t.rows for c in row.cells),
            "xlsx": " ".join(
                str(v) for row in book["Deliverables"].iter_rows(values_only=True) for v in row
            ),
        }

    before = {name: read(name) for name in pages}
    # 1.1 (one of DHG's) was Amber in Q2; by hand it becomes Red, with a new narrative.
    a1 = Deliverable.objects.get(objective__number=1, number=1)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {StatusUpdate._meta.db_table} SET status = 'red', narrative = %s "
            "WHERE deliverable_id = %s AND quarter_id = %s",
            [marker, a1.pk, q2.pk],
        )
    with on_another_server(monkeypatch):
        call_command("rebuild_positions", stdout=io.StringIO())
    after = {name: read(name) for name in pages}
    assert before["dashboard"] != after["dashboard"]
    for name in ("grid", "list"):
        red = "Off track (Red)"
        assert after[name].count(red) == before[name].count(red) + 1, name
    for name in ("report", "pack"):
        assert marker in after[name], name
    for name, text in files().items():
        assert marker in text, name


def test_every_model_of_the_plan_s_data_is_tracked_for_freshness():
    """A new model is either registered with `revision.track` in its app or named here as one
    no page caches; and only tracked models stop Django's fast delete (sessions delete fast)."""
    from django.apps import apps
    from django.contrib.sessions.models import Session
    from django.db.models.deletion import Collector

    # A board record's PDF changes no cached page: making one must not make every app server
    # throw its kept pages away.
    untracked = {
        "deliverables.UpdateDraft",
        "deliverables.Standing",
        "common.DataRevision",
        "common.RevisionChange",  # the counter's own log
        "reporting.BoardRecordPdf",
    }
    domain = {
        model._meta.label
        for app in ("common", "objectives", "deliverables", "assurance", "reporting")
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical")
    }
    assert domain - untracked == {model._meta.label for model in revision.TRACKED}
    assert Collector(using="default").can_fast_delete(Session.objects.all())
