"""Run by tests/test_sqlite_concurrency.py in a fresh process on a SQLite *file* (the default
database of `make run`), through the whole request stack. `python -m tests.sqlite_writers N`:
N people save the same update at the same moment. `... N close`: N executives save their own
updates while a plan administrator closes the quarter. Prints one JSON line: the status code
each got, and what was stored."""

import json
import os
import sys
import threading

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "uhbplan.settings")
django.setup()

from django.conf import settings  # noqa: E402

# As in the test suite: pages render without collected static files.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.roles import PLAN_ADMINISTRATORS  # noqa: E402
from deliverables.models import StatusUpdate  # noqa: E402
from reporting.models import BoardReport  # noqa: E402
from tests.deliverables.factories import DeliverableFactory, OwnerFactory  # noqa: E402
from tests.factories import UserFactory  # noqa: E402
from tests.objectives.factories import PlanFactory  # noqa: E402

WRITERS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
CLOSING = sys.argv[2:] == ["close"]


def signed_in(person):
    client = Client(raise_request_exception=False)
    client.force_login(person)
    return client


def run_together(jobs):
    """Every job at the same moment, each on its own connection; their results in order."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index):
        barrier.wait()
        results[index] = jobs[index]()
        connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def post(client, url, data, conflict="Someone else saved this update first"):
    def job():
        response = client.post(url, data)
        body = response.content.decode(errors="replace")
        return {"status": response.status_code, "conflict": conflict in body, "url": url}

    return job


def update_data(deliverable, narrative):
    prefix = f"d{deliverable.pk}-"
    return {prefix + "status": "green", prefix + "narrative": narrative, prefix + "version": "0"}


call_command("migrate", verbosity=0)
plan = PlanFactory()
plan.quarters.filter(number=2).update(state="open")
owner = OwnerFactory(code="CDO")
if CLOSING:
    # Each executive saves their own deliverable's update while the quarter is closed.
    deliverables = [
        DeliverableFactory(objective__theme__plan=plan, owners=[owner]) for _ in range(WRITERS)
    ]
    people = [UserFactory(username=f"writer{i}", owners=[owner]) for i in range(WRITERS)]
    admin = UserFactory(username="admin", role=PLAN_ADMINISTRATORS, is_staff=True)
    jobs = [
        post(
            signed_in(person),
            reverse("deliverables:update_edit", args=[d.pk, 2]),
            update_data(d, f"Late {i}"),
        )
        for i, (person, d) in enumerate(zip(people, deliverables, strict=True))
    ]
    q2 = plan.quarters.get(number=2)
    jobs.insert(
        WRITERS // 2,
        post(signed_in(admin), reverse("planning:quarter_change", args=[q2.pk, "close"]), {}),
    )
else:
    deliverable = DeliverableFactory(objective__theme__plan=plan, owners=[owner])
    people = [UserFactory(username=f"writer{i}", owners=[owner]) for i in range(WRITERS)]
    url = reverse("deliverables:update_edit", args=[deliverable.pk, 2])
    jobs = [
        post(signed_in(person), url, update_data(deliverable, f"Writer {i}"))
        for i, person in enumerate(people)
    ]
connections.close_all()
results = run_together(jobs)
stored = list(StatusUpdate.objects.values_list("narrative", "version"))
report = BoardReport.objects.filter(superseded_at__isnull=True).first()
frozen = sorted(d["narrative"] for d in report.data["deliverables"]) if report else None
with connections["default"].cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    journal_mode = cursor.fetchone()[0]
print(
    json.dumps(
        {"results": results, "stored": stored, "frozen": frozen, "journal_mode": journal_mode}
    )
)
