"""The data revision: a counter that moves on after every committed change to the plan's data,
so a page cached under it is never served once what it shows has changed (ADR 15).

Any save or delete in the domain apps (objectives, deliverables, assurance) counts, except what
no page caches: drafts typed as people write, history rows (which follow their record),
stored positions (which follow their update) and the counter itself. The counter moves after
the commit, in its own statement, so no transaction holds its row locked while it works. The
app server that made the change also empties its own page cache at once, so it never serves a
page older than its own writes, before or after the commit (and tests, whose transactions
never commit, see it).
"""

from django.core.cache import caches
from django.db import connection, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from objectives.models import DataRevision

DOMAIN_APPS = {"objectives", "deliverables", "assurance"}
# Not the plan's data: drafts as people type, stored positions (which follow their update), and
# the revision itself (another server moving it on must not empty this one's caches).
NOT_CACHED = {"updatedraft", "standing", "datarevision"}


def cached_page(name: str, parts, render) -> str:
    """`render()`'s text, cached in this app server's page cache under `name`, `parts` and the
    data revision (one query to read it)."""
    key = ":".join([name, str(current()), *map(str, parts)])
    text = caches["pages"].get(key)
    if text is None:
        text = render()
        caches["pages"].set(key, text)
    return text


_kept: dict = {}


def remembered(name: str, parts, compute, *, immutable: bool = False):
    """`compute()`'s result, kept in this process's memory (not copied, so never change it)
    under `name`, `parts` and, unless the value is `immutable`, the data revision: for large
    values such as a board report's data, which the page cache would copy on every read."""
    key = (name, *parts) if immutable else (name, current(), *parts)
    if key not in _kept:
        if len(_kept) >= 64:  # old revisions' values: let them go
            _kept.clear()
        _kept[key] = compute()
    return _kept[key]


def current() -> int:
    """The revision now: one indexed read."""
    value = DataRevision.objects.filter(pk=1).values_list("value", flat=True).first()
    return value or 0


def bump() -> None:
    if not DataRevision.objects.filter(pk=1).update(value=F("value") + 1):
        DataRevision.objects.get_or_create(pk=1, defaults={"value": 1})


def _changed(sender, raw=False, **kwargs):
    meta = sender._meta
    if meta.app_label not in DOMAIN_APPS or meta.model_name in NOT_CACHED:
        return
    if meta.model_name.startswith("historical"):
        return
    caches["pages"].clear()
    _kept.clear()
    # Once per transaction: a save of an update also saves its history and positions.
    if any(callback is bump for _, callback, _ in connection.run_on_commit):
        return
    transaction.on_commit(bump)


def connect() -> None:
    post_save.connect(_changed, dispatch_uid="objectives.revision.save")
    post_delete.connect(_changed, dispatch_uid="objectives.revision.delete")
    m2m_changed.connect(_changed, dispatch_uid="objectives.revision.m2m")
