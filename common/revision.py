"""The data revision: a counter that moves on after every committed change to the plan's data,
so a page cached under it is never served once what it shows has changed (ADR 15).

One owner for freshness (issue 26): a change is announced through `changed()`, by the
receivers each app connects for the models it lists (`track`, in its AppConfig.ready: an
explicit registry, not one receiver for every model filtered by name), and by whatever writes
without signals: the stored positions (`deliverables.standings`, `rebuild_positions` included)
and bulk loaders. Not tracked: drafts typed as people write, history rows (which follow their
record), and the counter itself (another server moving it on must not empty this one's caches).

`changed()` empties this app server's own caches at once, so it never serves a page older than
its own writes, before or after the commit (and tests, whose transactions never commit, see
it), and moves the counter after the commit, in its own statement, so that no transaction holds
its row locked while it works: once per transaction however many rows it wrote.
"""

import threading
from collections import OrderedDict

from django.core.cache import caches
from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from common.models import DataRevision

# Large values (a board report's data is megabytes at a hundred times the seed plan): a few
# are kept, the least recently used let go first.
KEPT_MAX = 16


def cached_page(name: str, parts, render) -> str:
    """`render()`'s text, cached in this app server's page cache under `name`, `parts` and the
    data revision (one query to read it)."""
    key = ":".join([name, str(current()), *map(str, parts)])
    text = caches["pages"].get(key)
    if text is None:
        text = render()
        caches["pages"].set(key, text)
    return text


_kept: OrderedDict = OrderedDict()
_kept_lock = threading.Lock()


def remembered(name: str, parts, compute, *, immutable: bool = False):
    """`compute()`'s result, kept in this process's memory (not copied, so never change it)
    under `name`, `parts` and, unless the value is `immutable`, the data revision: for large
    values such as a board report's data, which the page cache would copy on every read."""
    key = (name, *parts) if immutable else (name, current(), *parts)
    with _kept_lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]
    value = compute()
    with _kept_lock:
        _kept[key] = value
        while len(_kept) > KEPT_MAX:
            _kept.popitem(last=False)
    return value


def forget() -> None:
    """Empty this app server's caches (what `changed()` does at once; tests that play another
    server use it too)."""
    caches["pages"].clear()
    with _kept_lock:
        _kept.clear()


# Within one request the revision is read once: a page reads it for every figure it keeps (the
# dashboard did eight times), and a request is one moment of the data. A write in the request
# (`changed()`) forgets it, so what the request reads after its own write is read again.
_request = threading.local()


def request_started(**kwargs) -> None:
    _request.active, _request.value = True, None


def request_finished(**kwargs) -> None:
    _request.active, _request.value = False, None


def current() -> int:
    """The revision now: one indexed read (once a request)."""
    if getattr(_request, "active", False) and _request.value is not None:
        return _request.value
    value = DataRevision.objects.filter(pk=1).values_list("value", flat=True).first() or 0
    if getattr(_request, "active", False):
        _request.value = value
    return value


def bump() -> None:
    if not DataRevision.objects.filter(pk=1).update(value=F("value") + 1):
        DataRevision.objects.get_or_create(pk=1, defaults={"value": 1})


class _Batch:
    """The changes of one transaction: each adds a callback to it, and the first callback to run
    at the commit moves the counter for all. A transaction rolled back runs none of them; the
    next one reuses the batch and its own callback moves the counter then."""

    def __init__(self):
        self.done = False

    def run(self):
        if not self.done:
            self.done = True
            bump()


_pending = threading.local()


def changed() -> None:
    """The plan's data changed (or will, when the current transaction commits)."""
    forget()
    _request.value = None
    batch = getattr(_pending, "batch", None)
    if batch is None or batch.done:
        batch = _pending.batch = _Batch()
    transaction.on_commit(batch.run)


def _on_change(sender, raw=False, **kwargs):
    changed()


TRACKED: set = set()


def track(*models) -> None:
    """Connect `changed()` to each model's saves and deletes, and to changes of its many-to-many
    links: the explicit registry of what pages cache."""
    for model in models:
        TRACKED.add(model)
        uid = f"revision:{model._meta.label}"
        post_save.connect(_on_change, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=uid + ":delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _on_change, sender=field.remote_field.through, dispatch_uid=f"{uid}:{field.name}"
            )
