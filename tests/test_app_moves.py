"""Moving models between apps (issue 26, ADR 16) loses nothing on a database made by the release
before: the board's record keeps its rows, ids and permissions, API tokens keep working, the
People pages' change log and token history stay, and the data revision moves on rather than
starting again (so no app server takes an old cached page for current)."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.models import ApiToken, PersonChange
from common.models import DataRevision
from reporting.models import BoardPaperCover, BoardReport

BEFORE = [
    ("objectives", "0004_data_revision"),
    ("assurance", "0004_board_paper_cover"),
    ("core", "0003_shared_cache"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_the_moved_models_keep_their_rows():
    old = _migrate(BEFORE)
    User = old.get_model("auth", "User")
    admin = User.objects.create(username="admin", email="admin@nhs.net")
    plan = old.get_model("objectives", "Plan").objects.create(
        title="Plan", financial_year="2021/22", start_date=datetime.date(2021, 4, 1)
    )
    quarter = old.get_model("objectives", "Quarter").objects.create(
        plan=plan, number=2, deadline=datetime.date(2021, 10, 15)
    )
    report = old.get_model("assurance", "BoardReport").objects.create(
        quarter=quarter, data={"schema": 5, "due": 63}, created_by=admin
    )
    old.get_model("assurance", "BoardPaperCover").objects.create(
        quarter=quarter, meeting="Board of Directors (public)"
    )
    token = old.get_model("core", "ApiToken").objects.create(
        user=admin, name="Power BI", digest="d" * 64, hint="uhb_abcd"
    )
    old.get_model("core", "HistoricalApiToken").objects.create(
        id=token.pk,
        user=admin,
        name="Power BI",
        digest="d" * 64,
        hint="uhb_abcd",
        created_at=token.created_at,
        history_date=token.created_at,
        history_type="+",
    )
    old.get_model("core", "PersonChange").objects.create(
        person=admin, changed_by=admin, change="Given Viewers"
    )
    old.get_model("objectives", "DataRevision").objects.create(pk=1, value=41)
    # As on a database made before the move: the content types (and so the permissions, which
    # roles hold by id) are the assurance app's.
    ContentType = old.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(
        app_label="reporting", model__in=["boardreport", "boardpapercover"]
    ).update(app_label="assurance")
    assert Permission.objects.filter(
        content_type__app_label="assurance", codename="view_boardreport"
    ).exists()

    _migrate(_latest())

    moved = BoardReport.objects.get()
    assert (moved.pk, moved.data, moved.created_by_id) == (
        report.pk,
        {"schema": 5, "due": 63},
        admin.pk,
    )
    assert BoardPaperCover.objects.get().meeting == "Board of Directors (public)"
    assert BoardPaperCover.history.count() == 0  # none were made by the raw rows above
    kept = ApiToken.objects.get()
    assert (kept.pk, kept.digest, kept.user_id) == (token.pk, "d" * 64, admin.pk)
    # Tokens made before they expired keep working at least 30 days (issue 29).
    assert kept.expires_at > timezone.now() + datetime.timedelta(days=29)
    assert ApiToken.objects.active().filter(pk=token.pk).exists()
    assert ApiToken.history.get().name == "Power BI"
    assert PersonChange.objects.get().change == "Given Viewers"
    # The next rows get new ids after the copied ones (PostgreSQL's sequences were reset).
    assert ApiToken.objects.create(user_id=admin.pk, name="Excel", digest="e" * 64).pk > token.pk
    assert DataRevision.objects.get(pk=1).value == 42
    # Permissions followed the board's record to its new app.
    assert Permission.objects.filter(
        content_type__app_label="reporting", codename="view_boardreport"
    ).exists()
    assert not Permission.objects.filter(
        content_type__app_label="assurance", codename="view_boardreport"
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_reports_frozen_before_the_chain_are_chained_in_closing_order():
    """Issue 31: the migration makes the existing reports the chain's first records, each
    superseding its quarter's earlier one, and the chain then holds."""
    from reporting.record import chain

    old = _migrate([("reporting", "0002_cover_key_messages_session")])
    User = old.get_model("auth", "User")
    admin = User.objects.create(username="admin", first_name="Alex", last_name="Admin")
    plan = old.get_model("objectives", "Plan").objects.create(
        title="Plan", financial_year="2021/22", start_date=datetime.date(2021, 4, 1)
    )
    Quarter = old.get_model("objectives", "Quarter")
    q1 = Quarter.objects.create(plan=plan, number=1, deadline=datetime.date(2021, 7, 15))
    q2 = Quarter.objects.create(plan=plan, number=2, deadline=datetime.date(2021, 10, 15))
    Report = old.get_model("reporting", "BoardReport")
    day = timezone.now() - datetime.timedelta(days=30)
    for quarter, offset in [(q1, 0), (q2, 1), (q1, 2)]:  # Q1 reopened and closed again
        Report.objects.filter(quarter=quarter).update(superseded_at=timezone.now())
        made = Report.objects.create(
            quarter=quarter,
            data={"plan": {"financial_year": "2021/22", "title": "Plan"}, "n": offset},
            created_by=admin,
        )
        Report.objects.filter(pk=made.pk).update(created_at=day + datetime.timedelta(days=offset))
    _migrate(_latest())
    records = list(BoardReport.objects.chain().select_related("supersedes"))
    assert [(r.quarter_id, r.sequence) for r in records] == [(q1.pk, 1), (q2.pk, 2), (q1.pk, 3)]
    assert records[2].supersedes == records[0] and records[1].supersedes is None
    assert records[0].closed_by_name == "Alex Admin"
    assert records[1].previous_hash == records[0].record_hash
    assert chain.problems(records) == []
