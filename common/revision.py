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

Beside the one counter for all the data, a **domain** has its own (issue 32): what depends only
on the models tracked with `domain=` is kept under that domain's counter and survives changes
elsewhere. The objectives app's models (the plan's structure, its key indicators and measures)
are the "objectives" domain: the measures' SPC readings, which grow with years of values, are
not worked out again because someone saved a status update. Every tracked change moves the
data counter too; all counters are read in the one query.
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

# The counters: all the data's, and each domain's (its DataRevision row).
DATA, OBJECTIVES = "data", "objectives"
ROWS = {DATA: 1, OBJECTIVES: 2}
ALL = tuple(ROWS)  # for bulk loads, which write every kind of row


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


def remembered(name: str, parts, compute, *, immutable: bool = False, domain: str = DATA):
    """`compute()`'s result, kept in this process's memory (not copied, so never change it)
    under `name`, `parts` and, unless the value is `immutable`, the revision of its `domain`
    (all the data unless it depends on one domain's models only): for large values such as a
    board report's data, which the page cache would copy on every read."""
    key = (None, name, *parts) if immutable else (domain, name, current(domain), *parts)
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


def forget(domains=None) -> None:
    """Empty this app server's caches (what `changed()` does at once; tests that play another
    server use it too): all of them, or the pages and what is kept under `domains`."""
    caches["pages"].clear()
    with _kept_lock:
        if domains is None:
            _kept.clear()
            return
        # Kept: only what a domain that did not change holds. (Immutable values go too, as
        # before domains: cheap to read again, and a test's rolled-back rows reuse their ids.)
        for key in [key for key in _kept if key[0] is None or key[0] in domains]:
            del _kept[key]


# Within one request the revision is read once: a page reads it for every figure it keeps (the
# dashboard did eight times), and a request is one moment of the data. A write in the request
# (`changed()`) forgets it, so what the request reads after its own write is read again.
_request = threading.local()


def request_started(**kwargs) -> None:
    _request.active, _request.value = True, None


def request_finished(**kwargs) -> None:
    _request.active, _request.value = False, None


def current(domain: str = DATA) -> int:
    """The revision now, of all the data or of one domain: one indexed read of every counter
    (once a request)."""
    if getattr(_request, "active", False) and _request.value is not None:
        return _request.value.get(ROWS[domain], 0)
    values = dict(DataRevision.objects.filter(pk__in=ROWS.values()).values_list("pk", "value"))
    if getattr(_request, "active", False):
        _request.value = values
    return values.get(ROWS[domain], 0)


def bump(domains=(DATA,)) -> None:
    for domain in {DATA, *domains}:
        pk = ROWS[domain]
        if not DataRevision.objects.filter(pk=pk).update(value=F("value") + 1):
            DataRevision.objects.get_or_create(pk=pk, defaults={"value": 1})


class _Batch:
    """The changes of one transaction: each adds a callback to it, and the first callback to run
    at the commit moves the counter for all. A transaction rolled back runs none of them; the
    next one reuses the batch and its own callback moves the counter then."""

    def __init__(self):
        self.done = False
        self.domains = {DATA}

    def run(self):
        if not self.done:
            self.done = True
            bump(self.domains)


_pending = threading.local()


def changed(domains=()) -> None:
    """The plan's data changed (or will, when the current transaction commits); `domains`: the
    domains whose models changed, besides all the data's."""
    domains = {DATA, *domains}
    forget(domains)
    _request.value = None
    batch = getattr(_pending, "batch", None)
    if batch is None or batch.done:
        batch = _pending.batch = _Batch()
    batch.domains |= domains
    transaction.on_commit(batch.run)


def _on_change(sender, raw=False, **kwargs):
    changed(DOMAIN_OF.get(sender, ()))


TRACKED: set = set()
# The models whose changes also move a domain's counter: {model (or m2m through): (domain,)}.
DOMAIN_OF: dict = {}


def track(*models, domain: str | None = None) -> None:
    """Connect `changed()` to each model's saves and deletes, and to changes of its many-to-many
    links: the explicit registry of what pages cache. With `domain`, its changes also move that
    domain's counter (see the module's docstring)."""
    for model in models:
        TRACKED.add(model)
        uid = f"revision:{model._meta.label}"
        post_save.connect(_on_change, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=uid + ":delete")
        senders = [model]
        for field in model._meta.local_many_to_many:
            senders.append(field.remote_field.through)
            m2m_changed.connect(
                _on_change, sender=field.remote_field.through, dispatch_uid=f"{uid}:{field.name}"
            )
        if domain is not None:
            for sender in senders:
                DOMAIN_OF[sender] = (domain,)
