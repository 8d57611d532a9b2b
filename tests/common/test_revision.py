"""The data revision is read once a request, and again after the request's own write."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common import revision
from common.models import DataRevision

pytestmark = pytest.mark.django_db


def reads(context) -> int:
    return sum("common_datarevision" in q["sql"] for q in context.captured_queries)


def test_a_request_reads_the_revision_once(client, people, plan):
    client.force_login(people["viewer"])
    with CaptureQueriesContext(connection) as context:
        client.get(reverse("reporting:dashboard"))
    assert reads(context) == 1  # the dashboard asked eight times before


def test_a_write_in_the_request_reads_it_again():
    # The receivers themselves, not the signal: Django's own receiver of request_started
    # closes the database connection, and with it the test's transaction (on PostgreSQL).
    revision.request_started()
    try:
        first = revision.current()
        DataRevision.objects.update_or_create(pk=1, defaults={"value": first + 5})
        assert revision.current() == first  # the same moment of the data
        revision.changed()  # what every tracked write calls
        assert revision.current() == first + 5
    finally:
        revision.request_finished()


def test_outside_a_request_every_read_asks():
    first = revision.current()
    DataRevision.objects.update_or_create(pk=1, defaults={"value": first + 1})
    assert revision.current() == first + 1
