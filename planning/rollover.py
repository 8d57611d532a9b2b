"""A plan's life: starting next year's plan, and rolling unfinished deliverables over into it.

It spans every domain app (plans and objectives, deliverables and owners, assurance groups), so
it lives here, above them all. Writes are all-or-nothing and recorded in each row's history
with the reason ("Rolled over from 2021/22 6.4") and the person.
"""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from assurance.baf.models import PrincipalRisk, RiskAssurance, RiskControl
from assurance.models import DeliverableAssuranceGroup, ReviewAction
from common.history import recorded_save
from deliverables.models import Deliverable, DeliverableOwner, Standing, StatusUpdate
from deliverables.positions import FINISHED, Position
from deliverables.status import Status
from objectives.models import KeyIndicator, Measure, Objective, Plan, Theme
from objectives.quarters import (
    QUARTER_NUMBERS,
    WHOLE_YEAR,
    parse_delivery_window,
    parse_financial_year,
    years_named_before,
)

# Finished work stays behind; everything else (on track, at risk, deferred...) is carried.


@transaction.atomic
def start_plan(*, financial_year: str, title: str, user) -> Plan:
    """A new plan with its four quarters and their default deadlines (the 15th of the month
    after each quarter ends)."""
    first_year = parse_financial_year(financial_year)
    plan = Plan(
        financial_year=financial_year, title=title, start_date=datetime.date(first_year, 4, 1)
    )
    plan._history_user = user
    plan.full_clean()
    plan.save()
    plan.ensure_quarters(deadlines=True)
    return plan


@dataclasses.dataclass(frozen=True)
class Candidate:
    """A deliverable of the earlier plan, as the roll-over page offers it."""

    deliverable: Deliverable
    status: str  # its latest submitted status in its plan, "" if never updated
    carried: Deliverable | None  # already rolled over into the target plan
    end_position: str = ""  # its stored position in its plan's last quarter (the one rule)
    dated_before: tuple = ()  # years its text names before the target year: to edit

    @property
    def finished(self) -> bool:
        return self.end_position in FINISHED

    @property
    def status_label(self) -> str:
        if self.finished and self.status not in (Status.COMPLETE, Status.CLOSED):
            # Finished earlier and reported on since (a later Red, a correction): say so.
            return Position(self.end_position).label
        return Status(self.status).label if self.status else "No update"

    @property
    def chosen_by_default(self) -> bool:
        return self.carried is None and not self.finished


def candidates(source: Plan, target: Plan) -> list[Candidate]:
    """Every deliverable of `source`, with its latest status, whether it is finished, and
    whether it is already in `target`. Four queries.

    Finished is the stored position in the plan's last quarter, as the pages and the report
    read it (issue 26): a Q1 corrected to Complete after a Red in Q2 is "completed earlier"
    there, so it is not offered to carry, as the latest status (Red) would have it."""
    latest = {}
    for deliverable_id, status in (
        StatusUpdate.objects.submitted()
        .filter(deliverable__objective__plan=source)
        .order_by("deliverable_id", "-quarter__number")
        .values_list("deliverable_id", "status")
    ):
        latest.setdefault(deliverable_id, status)
    carried = {
        d.carried_from_id: d
        for d in Deliverable.objects.in_plan(target)
        .filter(carried_from__objective__plan=source)
        .select_related("objective")
    }
    at_end = dict(
        Standing.objects.filter(
            quarter__plan=source, quarter__number=QUARTER_NUMBERS[-1]
        ).values_list("deliverable_id", "position")
    )
    first_year = target.start_date.year
    return [
        Candidate(
            d,
            latest.get(d.pk, ""),
            carried.get(d.pk),
            at_end.get(d.pk, ""),
            tuple(years_named_before(d.description, first_year)),
        )
        for d in Deliverable.objects.in_plan(source).with_plan_details().natural_order()
    ]


@dataclasses.dataclass(frozen=True)
class Carried:
    origin: Deliverable
    new: Deliverable
    renumbered: bool  # its reference was taken in the new plan, so it has the next free one


@transaction.atomic
def roll_over(
    *, source: Plan, target: Plan, deliverable_ids, user, windows: dict | None = None
) -> list[Carried]:
    """Copy the chosen deliverables of `source` into `target`, each linked to its origin, with
    its owners and assurance groups in order, and re-baselined: its delivery window in the new
    year is `windows[pk]`, the whole year unless chosen (the old window would be over before
    the year began). Its theme and objective are found in `target` by number, or copied (with
    the objective's key indicators) when `target` has none yet. Anything already rolled over is
    left as it is. The BAF's principal risks follow (`carry_risks`)."""
    windows = windows or {}
    if source.pk == target.pk:
        raise ValidationError("Choose a different plan to roll over into.")
    if target.start_date <= source.start_date:
        raise ValidationError("Deliverables roll over into a later plan only.")
    chosen = {c.deliverable.pk: c for c in candidates(source, target)}
    carried = []
    reason_for = "Rolled over from {year} {reference}"
    for pk in sorted(set(deliverable_ids), key=lambda pk: _order(chosen, pk)):
        candidate = chosen.get(pk)
        if candidate is None:
            raise ValidationError(f"Deliverable {pk} is not in the {source.financial_year} plan.")
        if candidate.carried is not None:
            continue
        origin = candidate.deliverable
        objective = _objective_in(target, origin.objective, user)
        taken = set(objective.deliverables.values_list("number", flat=True))
        number = origin.number if origin.number not in taken else max(taken) + 1
        window = windows.get(pk) or WHOLE_YEAR
        try:
            parse_delivery_window(window)
        except ValidationError as error:
            raise ValidationError(f"{origin.reference}: {' '.join(error.messages)}") from None
        new = Deliverable(
            objective=objective,
            number=number,
            description=origin.description,
            delivery=window,
            carried_from=origin,
        )
        reason = reason_for.format(year=source.financial_year, reference=origin.reference)
        recorded_save(new, user, reason)
        for link in origin.owner_links.all():
            recorded_save(
                DeliverableOwner(deliverable=new, owner=link.owner, position=link.position),
                user,
                reason,
            )
        for link in origin.group_links.all():
            recorded_save(
                DeliverableAssuranceGroup(
                    deliverable=new, assurance_group=link.assurance_group, position=link.position
                ),
                user,
                reason,
            )
        # The committee's open actions go on with the work (the same actions, still answerable
        # and closable, their history kept); closed ones stay with the year they were closed in.
        for action in ReviewAction.objects.open().filter(deliverable=origin):
            action.deliverable = new
            recorded_save(action, user, f"Carried over to {target.financial_year} {new.reference}")
        carried.append(Carried(origin, new, number != origin.number))
    # The BAF's principal risks come with the work that controls them.
    carry_risks(source=source, target=target, user=user)
    return carried


def _order(chosen, pk):
    candidate = chosen.get(pk)
    if candidate is None:
        return (0, 0, 0)
    return (1, candidate.deliverable.objective.number, candidate.deliverable.number)


def _objective_in(target: Plan, objective: Objective, user) -> Objective:
    found = Objective.objects.filter(plan=target, number=objective.number).first()
    if found:
        return found
    reason = f"Copied from {objective.plan.financial_year} with a rolled-over deliverable"
    theme = Theme.objects.filter(plan=target, number=objective.theme.number).first()
    if theme is None:
        theme = recorded_save(
            Theme(plan=target, number=objective.theme.number, title=objective.theme.title),
            user,
            reason,
        )
    copy = recorded_save(
        Objective(plan=target, theme=theme, number=objective.number, title=objective.title),
        user,
        reason,
    )
    for indicator in objective.key_indicators.all():
        continued = recorded_save(
            KeyIndicator(
                objective=copy,
                perspective=indicator.perspective,
                text=indicator.text,
                order=indicator.order,
                is_incomplete=indicator.is_incomplete,
                line=indicator.line,
            ),
            user,
            reason,
        )
        # Its measure goes on with it: one series across the years, kept by the same person.
        for measure in Measure.objects.filter(indicator=indicator):
            measure.indicator = continued
            recorded_save(measure, user, f"Continued in {target.financial_year}")
    return copy


@transaction.atomic
def carry_risks(*, source: Plan, target: Plan, user) -> int:
    """Carry `source`'s principal risks (the BAF) into `target` with the deliverables rolled
    over so far: each risk once (a later roll-over adds the links its newly carried
    deliverables make), its number kept unless `target` has a risk of that number already;
    the objectives found by number; a control or a committee-review assurance follows its
    deliverable to the copy carried from it (one not carried stays behind, finished);
    policies, key indicators, audits and external reviews go with it as they are; its initial
    score is where it stood at the end of `source` (its latest quarterly score); the actions
    on its gaps follow their controls. Returns how many risks were new in `target`."""
    carried_to = {
        d.carried_from_id: d
        for d in Deliverable.objects.in_plan(target).filter(carried_from__isnull=False)
    }
    objectives = {o.number: o for o in Objective.objects.filter(plan=target)}
    reason = f"Carried over from {source.financial_year}"
    made = 0
    for origin in PrincipalRisk.objects.in_plan(source).order_by("number"):
        risk = PrincipalRisk.objects.filter(plan=target, carried_from=origin).first()
        if risk is None:
            risk = _risk_copy(origin, target, user, reason)
            risk.objectives.set(
                [objectives[o.number] for o in origin.objectives.all() if o.number in objectives]
            )
            made += 1
        _carry_links(origin, risk, carried_to, user, reason)
    return made


def _risk_copy(origin, target, user, reason):
    taken = set(PrincipalRisk.objects.filter(plan=target).values_list("number", flat=True))
    latest = origin.scores.order_by("-quarter__number").first()
    copy = PrincipalRisk(
        plan=target,
        number=origin.number if origin.number not in taken else max(taken) + 1,
        carried_from=origin,
        initial_likelihood=latest.likelihood if latest else origin.initial_likelihood,
        initial_consequence=latest.consequence if latest else origin.initial_consequence,
    )
    for name in (
        "title",
        "cause",
        "event",
        "effect",
        "owner",
        "lead_committee",
        "appetite_category",
        "appetite_level",
        "target_likelihood",
        "target_consequence",
        "tolerance_likelihood",
        "tolerance_consequence",
        "rationale",
        "illustrative",
    ):
        setattr(copy, name, getattr(origin, name))
    if copy.target_score > copy.initial_score:  # it ended the year below its target
        copy.initial_likelihood, copy.initial_consequence = (
            copy.target_likelihood,
            copy.target_consequence,
        )
    return recorded_save(copy, user, reason)


def _carry_links(origin, risk, carried_to, user, reason):
    """The links of `origin` that `risk` does not have yet, where they can follow."""
    have = {(c.deliverable_id, c.name) for c in risk.controls.all()}
    for control in origin.controls.all():
        new = carried_to.get(control.deliverable_id) if control.deliverable_id else None
        if control.deliverable_id and new is None:
            continue  # finished last year: it stays behind
        key = (new.pk if new else None, control.name)
        if key not in have:
            have.add(key)
            recorded_save(
                RiskControl(
                    risk=risk,
                    deliverable=new,
                    name=control.name,
                    owner=control.owner,
                    effectiveness=control.effectiveness,
                    position=control.position,
                ),
                user,
                reason,
            )
    have = {_assurance_key(a) for a in risk.assurances.all()}
    for assurance in origin.assurances.all():
        copy = RiskAssurance(
            risk=risk,
            kind=assurance.kind,
            line=assurance.line,
            deliverable=None,
            assurance_group=assurance.assurance_group,
            measure=assurance.measure,
            title=assurance.title,
            body=assurance.body,
            date=assurance.date,
            opinion=assurance.opinion,
            position=assurance.position,
        )
        if assurance.deliverable_id:
            copy.deliverable = carried_to.get(assurance.deliverable_id)
            if copy.deliverable is None:
                continue
        if _assurance_key(copy) not in have:
            have.add(_assurance_key(copy))
            recorded_save(copy, user, reason)
    _carry_notes(origin, risk, carried_to, user, reason)


def _assurance_key(a) -> tuple:
    return (a.kind, a.deliverable_id, a.assurance_group_id, a.measure_id, a.title, a.date)


def _carry_notes(origin, risk, carried_to, user, reason):
    """Gap actions follow their sources: a control's or review's key names its deliverable,
    which is a new row in the new year."""
    moved = {f"d{old}": f"d{new.pk}" for old, new in carried_to.items()}
    moved |= {f"r{old}": f"r{new.pk}" for old, new in carried_to.items()}
    have = set(risk.gap_notes.values_list("key", flat=True))
    for note in origin.gap_notes.all():
        parts = note.key.split(":")
        if len(parts) > 1 and parts[1][:1] in "dr" and parts[1] not in moved:
            continue  # its deliverable stayed behind
        parts[1:2] = [moved.get(parts[1], parts[1])] if len(parts) > 1 else []
        key = ":".join(parts)
        if key in have:
            continue
        note.pk, note.id, note.risk, note.key = None, None, risk, key
        recorded_save(note, user, reason)
