"""Keeping each deliverable's stored position per quarter (`Standing`) equal to the rule.

`deliverables.positions.position_of` states the rule; this module is the only writer of its
stored result (ADR 15). A position depends on the deliverable (its plan and window), the
quarter (its plan, number and state) and the deliverable's submitted updates, so a save or
delete of any of them recomputes the rows it can change, in the same transaction as the write:
a reader in the same request, or on any other app server afterwards, sees the new position.
Bulk writes that bypass `save()` (loading fixtures, generating scale data) call a refresh when
done, and `manage.py rebuild_positions` recomputes everything.
"""

from collections import defaultdict

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from common import revision
from deliverables.models import Deliverable, Standing, StatusUpdate
from deliverables.positions import position_of
from objectives.models import Objective, Quarter

BATCH = 1000


def computed(deliverables, quarters):
    """Standing objects for `deliverables` (a queryset) in each of `quarters` of their own
    plan, by the rule: three queries, whatever the number of rows (values only, so a plan
    of thousands of deliverables is a few megabytes)."""
    by_plan = defaultdict(list)
    for quarter in quarters:
        by_plan[quarter.plan_id].append(quarter)
    rows = deliverables.filter(objective__plan_id__in=list(by_plan)).values_list(
        "pk", "objective__plan_id", "start_quarter", "end_quarter"
    )
    statuses = defaultdict(dict)
    submitted = StatusUpdate.objects.submitted().filter(
        deliverable__in=deliverables.filter(objective__plan_id__in=list(by_plan)).values("pk"),
        quarter__plan_id=models.F("deliverable__objective__plan_id"),
    )
    for deliverable_id, number, status in submitted.values_list(
        "deliverable_id", "quarter__number", "status"
    ).iterator(chunk_size=BATCH):
        statuses[deliverable_id][number] = status
    for deliverable_id, plan_id, start, end in rows.iterator(chunk_size=BATCH):
        for quarter in by_plan[plan_id]:
            given = statuses.get(deliverable_id, {})
            yield Standing(
                deliverable_id=deliverable_id,
                quarter_id=quarter.pk,
                position=position_of(
                    start_quarter=start,
                    end_quarter=end,
                    quarter_number=quarter.number,
                    quarter_upcoming=quarter.state == Quarter.State.UPCOMING,
                    statuses=given,
                ),
                status=given.get(quarter.number),
            )


def _store(standings, scope=None) -> int:
    """Store `standings`; `scope`: the ids of the only deliverables they can be of, if known
    (the change is then scoped to them: common.revision)."""
    batch, count = [], 0
    for standing in standings:
        batch.append(standing)
        if len(batch) == BATCH:
            count += _upsert(batch, scope)
            batch = []
    return count + (_upsert(batch, scope) if batch else 0)


def _upsert(batch, scope=None) -> int:
    Standing.objects.bulk_create(
        batch,
        update_conflicts=True,
        unique_fields=["deliverable", "quarter"],
        update_fields=["position", "status"],
    )
    # Whatever writes stored positions moves the revision: pages read positions (ADR 15).
    revision.changed(deliverables=scope)
    return len(batch)


@transaction.atomic(savepoint=False)
def refresh_deliverables(ids, moved=True, first_quarter=0) -> int:
    """Recompute `ids`' positions in every quarter of their plans, and unless they cannot have
    `moved` plan, drop rows left in another plan's quarters. Four queries for one update.
    `first_quarter`: the first quarter whose positions can have changed (an update's: a
    position depends on the updates of its quarter and earlier), for the data revision."""
    ids = list(ids)
    if moved:
        Standing.objects.filter(deliverable_id__in=ids).exclude(
            quarter__plan_id=models.F("deliverable__objective__plan_id")
        ).delete()
    quarters = Quarter.objects.filter(plan__objectives__deliverables__in=ids).distinct()
    scope = [(pk, first_quarter) for pk in ids]
    return _store(computed(Deliverable.objects.filter(pk__in=ids), quarters), scope=scope)


@transaction.atomic(savepoint=False)
def refresh_quarters(quarters) -> int:
    """Recompute every deliverable's position in `quarters` (one query per plan)."""
    return _store(computed(Deliverable.objects.all(), quarters))


@transaction.atomic
def rebuild() -> int:
    """Recompute every stored position from scratch: `manage.py rebuild_positions`."""
    Standing.objects.all().delete()
    revision.changed()  # even when no position is left to store
    return _store(computed(Deliverable.objects.all(), Quarter.objects.all()))


def disagreements(limit: int | None = None) -> list[tuple]:
    """(deliverable id, quarter id, stored, computed) wherever the store differs from the rule,
    including a missing row or one that should not be there. Empty when all is well."""
    stored = {
        (s.deliverable_id, s.quarter_id): (s.position, s.status)
        for s in Standing.objects.all().iterator(chunk_size=BATCH)
    }
    found = []
    for standing in computed(Deliverable.objects.all(), Quarter.objects.all()):
        key = (standing.deliverable_id, standing.quarter_id)
        expected = (standing.position, standing.status)
        actual = stored.pop(key, None)
        if actual != expected:
            found.append((*key, actual, expected))
    found += [(*key, actual, None) for key, actual in stored.items()]
    return found[:limit] if limit else found


# Keeping the store current on every save and delete through the ORM. Loading fixtures saves
# "raw" rows, in an order where related rows may not exist yet: the loader rebuilds after.


@receiver(post_save, sender=Deliverable)
def _on_deliverable_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_deliverables([instance.pk])


@receiver(post_save, sender=StatusUpdate)
def _on_update_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _, first = revision.quarter_scope(instance)
        refresh_deliverables([instance.deliverable_id], moved=False, first_quarter=first)


@receiver(post_delete, sender=StatusUpdate)
def _on_update_deleted(sender, instance, origin=None, **kwargs):
    # Deleted on its own, not with its deliverable or quarter (whose rows go with them).
    deleted = origin.model if isinstance(origin, models.QuerySet) else type(origin)
    if deleted is StatusUpdate:
        _, first = revision.quarter_scope(instance)
        refresh_deliverables([instance.deliverable_id], moved=False, first_quarter=first)


@receiver(pre_save, sender=Quarter)
@receiver(pre_save, sender=Objective)
def _remember_before(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._standing_before = None
    else:
        field = "state" if sender is Quarter else "plan_id"
        stored = sender.objects.filter(pk=instance.pk).values_list(field, flat=True)
        instance._standing_before = stored.first()


@receiver(post_save, sender=Quarter)
def _on_quarter_saved(sender, instance, created, raw=False, **kwargs):
    # Only the state of a quarter moves positions (open, overdue, not open yet).
    if not raw and (created or instance._standing_before != instance.state):
        refresh_quarters([instance])


@receiver(post_save, sender=Objective)
def _on_objective_saved(sender, instance, created, raw=False, **kwargs):
    # An objective moved to another plan takes its deliverables with it.
    if not raw and not created and instance._standing_before != instance.plan_id:
        refresh_deliverables(instance.deliverables.values_list("pk", flat=True))
