"""Transactions that a conflict of locks can end, tried again before anyone sees it.

PostgreSQL ends one of two transactions that wait for each other's rows (a deadlock), and may
end a serializable one; either is a conflict of timing, not an outage, and the same work
succeeds when run again (issue 25: a close and two saves answered 503). Writers lock in one
order (the quarter first, `Quarter.objects.held_for_writing`), so this is the second line.
"""

import copy
import functools

from django.core.exceptions import ValidationError
from django.db import OperationalError, connection
from django.db.models import Model

# PostgreSQL's codes: deadlock detected, could not serialize access.
TRANSIENT = {"40P01", "40001"}
ATTEMPTS = 3


class Busy(ValidationError):
    """The work met other writers' locks on every attempt; nothing was written."""

    def __init__(self):
        super().__init__(
            "Many people were saving at the same moment and this could not be saved: nothing "
            "was written. Please try again.",
            code="busy",
        )


def retried(service):
    """Run `service` (a function that opens its own transaction) again when PostgreSQL ends
    its transaction for a conflict of locks; after the last attempt, raise Busy. Model objects
    passed to it are put back as they were before each attempt, since a rolled-back attempt
    may have given them a primary key or a version that the database no longer holds."""

    @functools.wraps(service)
    def run(*args, **kwargs):
        originals = [v for v in (*args, *kwargs.values()) if isinstance(v, Model)]
        saved = [(instance, _snapshot(instance)) for instance in originals]
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return service(*args, **kwargs)
            except OperationalError as error:
                # Inside someone else's transaction the whole of it is lost: theirs to retry.
                if _code(error) not in TRANSIENT or connection.in_atomic_block:
                    raise
                if attempt == ATTEMPTS:
                    raise Busy() from error
                for instance, state in saved:
                    instance.__dict__.clear()
                    instance.__dict__.update(_snapshot_of(state))

    return run


def _snapshot(instance) -> dict:
    return _snapshot_of(instance.__dict__)


def _snapshot_of(state: dict) -> dict:
    """A copy of a model object's attributes, its ModelState too (a save marks that as no
    longer adding, in place)."""
    copied = dict(state)
    if "_state" in copied:
        copied["_state"] = copy.copy(copied["_state"])
    return copied


def _code(error) -> str | None:
    return getattr(error.__cause__, "pgcode", None)
