"""Run by tests/test_sqlite_concurrency.py in a fresh process on a SQLite *file* (the default
database of `make run`): many people save the same update at the same moment through the whole
request stack. Prints one JSON line: the status code each got, and what was stored."""

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

from deliverables.models import StatusUpdate  # noqa: E402
from tests.deliverables.factories import DeliverableFactory, OwnerFactory  # noqa: E402
from tests.factories import UserFactory  # noqa: E402
from tests.objectives.factories import PlanFactory  # noqa: E402

WRITERS = int(sys.argv[1]) if len(sys.argv) > 1 else 10

call_command("migrate", verbosity=0)
plan = PlanFactory()
plan.quarters.filter(number=2).update(state="open")
owner = OwnerFactory(code="CDO")
deliverable = DeliverableFactory(objective__theme__plan=plan, owners=[owner])
people = [UserFactory(username=f"writer{i}", owners=[owner]) for i in range(WRITERS)]
url = f"/deliverables/{deliverable.pk}/quarters/2/update/"
prefix = f"d{deliverable.pk}-"
clients = []
for person in people:
    client = Client(raise_request_exception=False)
    client.force_login(person)
    clients.append(client)
connections.close_all()

barrier = threading.Barrier(WRITERS)
results = [None] * WRITERS


def save(index):
    data = {
        prefix + "status": "green",
        prefix + "narrative": f"Writer {index}",
        prefix + "version": "0",
    }
    barrier.wait()
    response = clients[index].post(url, data)
    body = response.content.decode(errors="replace")
    results[index] = {
        "status": response.status_code,
        "conflict": "Someone else saved this update first" in body,
    }
    connections.close_all()


threads = [threading.Thread(target=save, args=(i,)) for i in range(WRITERS)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join(timeout=120)
stored = list(StatusUpdate.objects.values_list("narrative", "version"))
with connections["default"].cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    journal_mode = cursor.fetchone()[0]
print(json.dumps({"results": results, "stored": stored, "journal_mode": journal_mode}))
