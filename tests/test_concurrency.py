"""Concurrent writers against PostgreSQL: no lost update, every accepted write in history."""

import io
import threading

import pytest
from django.db import connection, connections

from deliverables.models import StatusUpdate
from deliverables.services import UpdateConflict, status_update_save
from tests.deliverables.factories import DeliverableFactory, StatusUpdateFactory

POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locking and concurrent writers need PostgreSQL (the PostgreSQL run of .ci/run)",
)
pytestmark = [pytest.mark.django_db(transaction=True), POSTGRES_ONLY]

WRITERS = 20


def run_together(work):
    """Start every writer at the same moment; collect what each one got."""
    barrier = threading.Barrier(len(work))
    results = [None] * len(work)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = ("ok", job())
        except UpdateConflict as conflict:
            results[index] = ("conflict", conflict.current.version)
        except Exception as error:  # noqa: BLE001 - anything else is a failure to report
            results[index] = ("error", repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(work)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def edit(pk, user, narrative, version):
    def job():
        update = StatusUpdate.objects.get(pk=pk)
        update.narrative = narrative
        return status_update_save(update=update, user=user, expected_version=version).version

    return job


def test_twenty_writers_on_the_same_update(people, cdo_deliverable, q2):
    first = StatusUpdateFactory(deliverable=cdo_deliverable, quarter=q2, version=1)
    jobs = [edit(first.pk, people["cdo"], f"Writer {i}", 1) for i in range(WRITERS)]
    results = run_together(jobs)
    assert not [r for r in results if r[0] == "error"], results
    winners = [r for r in results if r[0] == "ok"]
    assert len(winners) == 1 and winners[0][1] == 2
    assert sum(1 for r in results if r[0] == "conflict") == WRITERS - 1
    stored = StatusUpdate.objects.get(pk=first.pk)
    assert stored.version == 2 and stored.narrative.startswith("Writer ")
    # Every accepted write is in history: the first version and the one winner.
    assert [h.narrative for h in stored.history.order_by("history_date")][-1] == stored.narrative
    assert stored.history.count() == 2


def test_twenty_writers_on_different_updates(people, plan, q2, cdo):
    updates = [
        StatusUpdateFactory(
            deliverable=DeliverableFactory(objective__theme__plan=plan, owners=[cdo]), quarter=q2
        )
        for _ in range(WRITERS)
    ]
    jobs = [edit(u.pk, people["cdo"], f"Own {i}", 1) for i, u in enumerate(updates)]
    results = run_together(jobs)
    assert all(r == ("ok", 2) for r in results), results
    for i, update in enumerate(updates):
        update.refresh_from_db()
        assert (update.narrative, update.version, update.history.count()) == (f"Own {i}", 2, 2)


def test_twenty_first_saves_of_the_same_update(people, cdo_deliverable, q2):
    def create(i):
        def job():
            update = StatusUpdate(
                deliverable=cdo_deliverable, quarter=q2, status="green", narrative=f"First {i}"
            )
            return status_update_save(update=update, user=people["cdo"], expected_version=0).version

        return job

    results = run_together([create(i) for i in range(WRITERS)])
    assert not [r for r in results if r[0] == "error"], results
    assert sum(1 for r in results if r[0] == "ok") == 1
    assert StatusUpdate.objects.count() == 1
    assert StatusUpdate.objects.get().history.count() == 1


def test_twenty_browser_sessions_saving_at_once(people, cdo_deliverable, q2):
    """The same through the whole request stack: one save wins, the rest see the conflict
    page, nobody gets a 500."""
    from django.test import Client
    from django.urls import reverse

    first = StatusUpdateFactory(deliverable=cdo_deliverable, quarter=q2, version=1)
    url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
    pk = cdo_deliverable.pk
    clients = []
    for _ in range(WRITERS):
        client = Client()
        client.force_login(people["cdo"])
        clients.append(client)

    def post(i, client):
        def job():
            data = {
                f"d{pk}-status": "green",
                f"d{pk}-narrative": f"Session {i}",
                f"d{pk}-version": "1",
            }
            response = client.post(url, data)
            return response.status_code, b"Someone else saved this update first" in response.content

        return job

    results = run_together([post(i, c) for i, c in enumerate(clients)])
    assert not [r for r in results if r[0] == "error"], results
    outcomes = [r[1] for r in results]
    assert outcomes.count((302, False)) == 1
    assert outcomes.count((200, True)) == WRITERS - 1
    stored = StatusUpdate.objects.get(pk=first.pk)
    assert stored.version == 2 and stored.history.count() == 2


def test_reminders_run_on_two_app_servers_at_once_send_each_message_once(
    plan, q2, people, cdo_deliverable, cfo_deliverable, settings
):
    """Both servers' schedulers fire at the same moment: the unique constraint on what was
    sent lets one of them send each message, and the other skip it."""
    from django.core import mail
    from django.core.management import call_command

    from assurance.models import SentReminder

    settings.REMINDER_DAYS_BEFORE = [7]
    for user in people.values():
        user.email = f"{user.username}@example.nhs.uk"
        user.save()

    def scheduler():
        call_command("send_reminders", "--today", "2021-10-08", stdout=io.StringIO())

    results = run_together([scheduler for _ in range(4)])
    assert [r[0] for r in results] == ["ok"] * 4, results
    sent = sorted(message.to[0] for message in mail.outbox)
    assert sent == ["cdo-delegate@example.nhs.uk", "cdo@example.nhs.uk", "cfo@example.nhs.uk"]
    assert SentReminder.objects.count() == 3
