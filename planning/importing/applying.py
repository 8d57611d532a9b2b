"""Applying a checked plan: all of it or none of it, in one transaction, each row's history
naming the person and the file."""

import dataclasses

from django.core.exceptions import ValidationError
from django.db import transaction

from assurance.models import AssuranceGroup, DeliverableAssuranceGroup
from common.history import recorded_save
from deliverables.models import Deliverable, DeliverableOwner, Owner
from objectives.models import KeyIndicator, Objective, Plan, Theme
from planning import rollover as plans
from planning.importing.checking import CODE_RE, Reading
from planning.importing.diff import changes, updated_changes


@dataclasses.dataclass
class Outcome:
    plan: Plan
    created: dict
    changed: dict

    @property
    def nothing_changed(self) -> bool:
        return not any(self.created.values()) and not any(self.changed.values())


@transaction.atomic
def apply(
    reading: Reading,
    *,
    financial_year: str,
    title: str,
    create_missing: bool,
    user,
    source: str = "",
    change_updated: bool = False,
) -> Outcome:
    """Write what `reading` holds into the plan for `financial_year`, all or nothing. Changing a
    deliverable that already has updates needs `change_updated`: its updates would stay
    attached to the new text."""
    if not reading.is_valid:
        raise ValidationError(reading.errors or ["The file has no deliverables."])
    touched = updated_changes(changes(reading, financial_year, title))
    if touched and not change_updated:
        raise ValidationError(
            f"These deliverables already have updates and the file changes them: "
            f"{', '.join(touched)}. Their updates would stay attached to the new text. Confirm "
            "that they should change (--change-updated), or correct the file."
        )
    if (reading.new_owners or reading.new_groups) and not create_missing:
        raise ValidationError(
            "The file names owners or groups that do not exist yet: "
            + ", ".join(reading.new_owners + reading.new_groups)
            + ". Confirm that they should be created (--create-missing)."
        )
    reason = f"Imported from {source}" if source else "Imported"
    created = dict.fromkeys(["plan", "themes", "objectives", "deliverables", "owners", "groups"], 0)
    changed = dict.fromkeys(["plan", "themes", "objectives", "deliverables"], 0)
    plan = Plan.objects.filter(financial_year=financial_year).first()
    if plan is None:
        plan = plans.start_plan(
            financial_year=financial_year,
            title=title or "Strategy Implementation Plan",
            user=user,
        )
        created["plan"] = 1
    elif title and plan.title != title:
        plan.title = title
        recorded_save(plan, user, reason)
        changed["plan"] = 1
    owners = {o.code: o for o in Owner.objects.all()}
    for code in reading.new_owners:
        owners[code] = recorded_save(
            Owner(code=code, title=reading.owner_titles.get(code, ""), in_plan_key=False),
            user,
            reason,
        )
        created["owners"] += 1
    groups = {g.label: g for g in AssuranceGroup.objects.all()}
    for label in reading.new_groups:
        if CODE_RE.match(label) and " " not in label:
            group = AssuranceGroup(code=label, name=reading.group_names.get(label, ""))
        else:
            group = AssuranceGroup(name=label)
        groups[label] = recorded_save(group, user, reason)
        created["groups"] += 1
    themes = {t.number: t for t in plan.themes.all()}
    for number, theme_title in sorted(reading.themes.items()):
        if number not in themes:
            themes[number] = recorded_save(
                Theme(plan=plan, number=number, title=theme_title), user, reason
            )
            created["themes"] += 1
    objectives = {o.number: o for o in plan.objectives.all()}
    for row in reading.rows:
        theme = themes.get(row.theme_number)
        if theme is None:
            theme = themes[row.theme_number] = recorded_save(
                Theme(plan=plan, number=row.theme_number, title=row.theme_title), user, reason
            )
            created["themes"] += 1
        elif theme.title != row.theme_title:
            theme.title = row.theme_title
            recorded_save(theme, user, reason)
            changed["themes"] += 1
        objective = objectives.get(row.objective_number)
        if objective is None:
            objective = objectives[row.objective_number] = recorded_save(
                Objective(
                    plan=plan, theme=theme, number=row.objective_number, title=row.objective_title
                ),
                user,
                reason,
            )
            created["objectives"] += 1
            _indicators(objective, reading.indicators.get(row.objective_number, []), user, reason)
        elif (objective.title, objective.theme_id) != (row.objective_title, theme.pk):
            objective.title, objective.theme = row.objective_title, theme
            recorded_save(objective, user, reason)
            changed["objectives"] += 1
        kind = _deliverable(objective, row, owners, groups, user, reason)
        if kind == "created":
            created["deliverables"] += 1
        elif kind == "changed":
            changed["deliverables"] += 1
    return Outcome(plan, created, changed)


def _deliverable(objective, row, owners, groups, user, reason) -> str:
    deliverable = Deliverable.objects.filter(
        objective=objective, number=row.deliverable_number
    ).first()
    kind = "unchanged"
    if deliverable is None:
        deliverable = Deliverable(objective=objective, number=row.deliverable_number)
        kind = "created"
    if (deliverable.description, deliverable.delivery) != (row.description, row.delivery):
        deliverable.description, deliverable.delivery = row.description, row.delivery
        recorded_save(deliverable, user, reason)
        kind = "changed" if kind == "unchanged" else kind
    wanted_owners = [owners[code] for code in row.owners]
    if [link.owner_id for link in deliverable.owner_links.all()] != [o.pk for o in wanted_owners]:
        deliverable.owner_links.all().delete()
        for position, owner in enumerate(wanted_owners, start=1):
            recorded_save(
                DeliverableOwner(deliverable=deliverable, owner=owner, position=position),
                user,
                reason,
            )
        kind = "changed" if kind == "unchanged" else kind
    wanted_groups = [groups[label] for label in row.groups]
    if [link.assurance_group_id for link in deliverable.group_links.all()] != [
        g.pk for g in wanted_groups
    ]:
        deliverable.group_links.all().delete()
        for position, group in enumerate(wanted_groups, start=1):
            recorded_save(
                DeliverableAssuranceGroup(
                    deliverable=deliverable, assurance_group=group, position=position
                ),
                user,
                reason,
            )
        kind = "changed" if kind == "unchanged" else kind
    return kind


def _indicators(objective, indicators, user, reason):
    for order, (perspective, text, incomplete) in enumerate(indicators, start=1):
        recorded_save(
            KeyIndicator(
                objective=objective,
                perspective=perspective,
                text=text,
                order=order,
                is_incomplete=incomplete,
            ),
            user,
            reason,
        )
