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

A change can also be **scoped** to a few deliverables (issue 32): a status update saved, a
committee's level recorded, the positions stored for them. Its move of the counter is logged
with their ids (`RevisionChange`), and what is kept by deliverable (`kept_by_deliverable`: the
roll-ups' rows, the draft board report's deliverables) is brought up to date for those
deliverables only, by whichever app server reads it next, instead of being worked out whole.
In this app server the ids are noted at once (as `forget` drops what it must at once), so its
own writes are seen before they commit. An unscoped change, or a gap in the log, and
everything is worked out again.
"""

import threading
from collections import OrderedDict

from django.core.cache import caches
from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from common.models import DataRevision, RevisionChange

# Large values (a board report's data is megabytes at a hundred times the seed plan): a few
# are kept, the least recently used let go first.
KEPT_MAX = 16

# The counters: all the data's, and each domain's (its DataRevision row).
DATA, OBJECTIVES = "data", "objectives"
ROWS = {DATA: 1, OBJECTIVES: 2}
ALL = tuple(ROWS)  # for bulk loads, which write every kind of row
# How many moves of the counter the log of scoped changes keeps; and how many deliverables a
# kept value is brought up to date for before it is worked out whole instead (a bulk edit).
LOG_KEPT = 1000
PATCH_LIMIT = 200


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


class _ByDeliverable:
    """A value kept by `kept_by_deliverable`: worked out at `revision` for quarter `number` (0:
    not a quarter's), and `dirty`, the deliverables this app server has changed since in a
    way that reaches that quarter (noted at once, before any commit)."""

    __slots__ = ("revision", "value", "number", "dirty")

    def __init__(self, revision, value, number, dirty=()):
        self.revision, self.value, self.number, self.dirty = revision, value, number, set(dirty)

    def note(self, scope) -> None:
        self.dirty.update(pk for pk, first in scope if _reaches(first, self.number))


def _reaches(first: int, number: int) -> bool:
    """Whether a change from quarter `first` on (0: every quarter) reaches quarter `number`."""
    return not first or not number or first <= number


_by_deliverable: OrderedDict = OrderedDict()


def kept_by_deliverable(
    name: str, parts, compute, update, *, quarter_number: int = 0, limit: int = PATCH_LIMIT
):
    """`compute()`'s result, kept in this process's memory under `name` and `parts` like
    `remembered`'s, but through changes scoped to a few deliverables: after one, the value kept
    is handed to `update(value, ids)`, which returns it brought up to date for those
    deliverables (a new value: the kept one is shared by every reader, so never change it).
    A value of one quarter (`quarter_number`) is not touched by changes from a later quarter on
    (a status given in Q3 changes no row of Q1 or Q2). What `update` returns must equal what
    `compute()` would: tests/reporting/test_kept_figures.py holds them to it."""
    key = (name, *parts)
    now = current(DATA)
    with _kept_lock:
        entry = _by_deliverable.get(key)
        if entry is not None:
            _by_deliverable.move_to_end(key)
            if entry.revision == now and not entry.dirty:
                return entry.value
            ids = set(entry.dirty)
    if entry is None:
        ids = None
    elif entry.revision != now:
        logged = _logged_between(entry.revision, now)
        ids = (
            None
            if logged is None
            else ids | {pk for pk, first in logged if _reaches(first, quarter_number)}
        )
    if ids is not None and len(ids) > limit:
        ids = None
    if ids is None:
        value = compute()
    elif ids:
        value = update(entry.value, ids)
    else:  # what changed does not reach this quarter
        value = entry.value
    with _kept_lock:
        # Deliverables changed while this worked, by another thread of this server: still due.
        still = _by_deliverable.get(key)
        dirty = still.dirty - (ids or set()) if still is not None and still is entry else ()
        _by_deliverable[key] = _ByDeliverable(now, value, quarter_number, dirty)
        while len(_by_deliverable) > KEPT_MAX:
            _by_deliverable.popitem(last=False)
    return value


def _logged_between(before: int, now: int) -> set | None:
    """What the changes after revision `before` up to `now` were scoped to, as (deliverable id,
    first quarter) pairs, or None if any was not scoped or is not in the log: one query, once
    a request for every value kept at the same revision."""
    if now < before:
        return None
    memo = getattr(_request, "logged", None)
    if memo is not None and (before, now) in memo:
        return memo[before, now]
    changes = list(
        RevisionChange.objects.filter(revision__gt=before, revision__lte=now).values_list(
            "scoped", "scope"
        )
    )
    found = None
    if len(changes) == now - before and all(scoped for scoped, _ in changes):
        found = {(pk, first) for _, scope in changes for pk, first in scope}
    if getattr(_request, "active", False):
        _request.logged = {**(memo or {}), (before, now): found}
    return found


def quarter_scope(instance) -> tuple:
    """The scope of a change to a row of one deliverable in one quarter (an update, a review):
    that deliverable, from that quarter on. The quarter's number is read only if it is not
    loaded already (0, every quarter, if it has gone)."""
    field = type(instance)._meta.get_field("quarter")
    if field.is_cached(instance):
        number = instance.quarter.number
    else:
        number = (
            field.related_model.objects.filter(pk=instance.quarter_id)
            .values_list("number", flat=True)
            .first()
        )
    return instance.deliverable_id, number or 0


def _scope(deliverables) -> set | None:
    """A change's scope as (deliverable id, first quarter number) pairs: `deliverables` gives
    ids (every quarter) or such pairs."""
    if deliverables is None:
        return None
    pairs = (item if isinstance(item, tuple) else (item, 0) for item in deliverables)
    return {(pk, first or 0) for pk, first in pairs if pk}


def forget(domains=None, deliverables=None) -> None:
    """Empty this app server's caches (what `changed()` does at once; tests that play another
    server use it too): all of them, or the pages and what is kept under `domains`. A change
    scoped to `deliverables` (`_scope`) keeps what is kept by deliverable, noting them to bring
    it up to date."""
    caches["pages"].clear()
    scope = _scope(deliverables)
    with _kept_lock:
        if domains is None:
            _kept.clear()
            _by_deliverable.clear()
            return
        # Kept: only what a domain that did not change holds. (Immutable values go too, as
        # before domains: cheap to read again, and a test's rolled-back rows reuse their ids.)
        for key in [key for key in _kept if key[0] is None or key[0] in domains]:
            del _kept[key]
        if scope is None:
            _by_deliverable.clear()
        else:
            for entry in _by_deliverable.values():
                entry.note(scope)


# Within one request the revision is read once: a page reads it for every figure it keeps (the
# dashboard did eight times), and a request is one moment of the data. A write in the request
# (`changed()`) forgets it, so what the request reads after its own write is read again.
_request = threading.local()


def request_started(**kwargs) -> None:
    _request.active, _request.value, _request.logged = True, None, None


def request_finished(**kwargs) -> None:
    _request.active, _request.value, _request.logged = False, None, None


def current(domain: str = DATA) -> int:
    """The revision now, of all the data or of one domain: one indexed read of every counter
    (once a request)."""
    if getattr(_request, "active", False) and _request.value is not None:
        return _request.value.get(ROWS[domain], 0)
    values = dict(DataRevision.objects.filter(pk__in=ROWS.values()).values_list("pk", "value"))
    if getattr(_request, "active", False):
        _request.value = values
    return values.get(ROWS[domain], 0)


def bump(domains=(DATA,), deliverables=None) -> None:
    """Move the counters on, and log what the data counter's move changed: the `deliverables`
    it was scoped to, or that it was not (None). In one transaction, so the number logged is
    this move's even when another server moves it at the same time (the first update holds
    the row until the commit)."""
    with transaction.atomic():
        for domain in sorted({DATA, *domains}):
            pk = ROWS[domain]
            if not DataRevision.objects.filter(pk=pk).update(value=F("value") + 1):
                DataRevision.objects.get_or_create(pk=pk, defaults={"value": 1})
        value = DataRevision.objects.values_list("value", flat=True).get(pk=ROWS[DATA])
        scope = _scope(deliverables) if not set(domains) - {DATA} else None
        change = RevisionChange(
            revision=value,
            scoped=scope is not None,
            scope=sorted(map(list, scope)) if scope is not None else [],
        )
        # One statement; a row left from a counter set back (by hand) is replaced.
        RevisionChange.objects.bulk_create(
            [change],
            update_conflicts=True,
            unique_fields=["revision"],
            update_fields=["scoped", "scope"],
        )
        if value % 100 == 0:
            RevisionChange.objects.filter(revision__lte=value - LOG_KEPT).delete()


class _Batch:
    """The changes of one transaction: each adds a callback to it, and the first callback to run
    at the commit moves the counter for all. A transaction rolled back runs none of them; the
    next one reuses the batch and its own callback moves the counter then."""

    def __init__(self):
        self.done = False
        self.domains = {DATA}
        self.deliverables = set()  # (id, first quarter); None once a change is not scoped

    def run(self):
        if not self.done:
            self.done = True
            bump(self.domains, self.deliverables)


_pending = threading.local()


def _waiting(batch) -> bool:
    """Whether `batch` waits on the current transaction's commit: not if that transaction was
    rolled back (whose changes, and their scope, are not this one's)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return False
    return any(getattr(func, "__self__", None) is batch for _, func, _ in connection.run_on_commit)


def changed(domains=(), deliverables=None) -> None:
    """The plan's data changed (or will, when the current transaction commits); `domains`: the
    domains whose models changed, besides all the data's; `deliverables`: where it is scoped,
    the only deliverables whose rows it changed, as ids or as (id, the first quarter number it
    changes) pairs (see the module)."""
    domains = {DATA, *domains}
    deliverables = _scope(deliverables) if domains == {DATA} else None
    forget(domains, deliverables)
    _request.value = None
    batch = getattr(_pending, "batch", None)
    if batch is None or batch.done or not _waiting(batch):
        batch = _pending.batch = _Batch()
    batch.domains |= domains
    if batch.deliverables is not None:
        batch.deliverables = None if deliverables is None else batch.deliverables | deliverables
    transaction.on_commit(batch.run)


def _on_change(sender, instance=None, raw=False, **kwargs):
    scoped_by = SCOPED_BY.get(sender)
    scope = None if scoped_by is None or instance is None else [scoped_by(instance)]
    changed(DOMAIN_OF.get(sender, ()), scope)


TRACKED: set = set()
# The models whose changes also move a domain's counter: {model (or m2m through): (domain,)}.
DOMAIN_OF: dict = {}
# The models whose saves and deletes change one deliverable's rows only: {model: a function
# giving an instance's (deliverable id, first quarter number it changes)}.
SCOPED_BY: dict = {}


def track(*models, domain: str | None = None, scoped_by=None) -> None:
    """Connect `changed()` to each model's saves and deletes, and to changes of its many-to-many
    links: the explicit registry of what pages cache. With `domain`, its changes also move that
    domain's counter (see the module's docstring). With `scoped_by` (an instance's (deliverable
    id, first quarter number) pair), a save or delete is scoped to that deliverable (its
    many-to-many links are not)."""
    for model in models:
        TRACKED.add(model)
        if scoped_by is not None:
            SCOPED_BY[model] = scoped_by
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
