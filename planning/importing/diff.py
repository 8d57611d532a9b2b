"""What importing a file into a plan that already exists would change, field by field, before
anything is written (issue 27): old → new for the plan's title, themes, objectives (a move to
another theme included) and deliverables (text, window, owners, groups), each deliverable's
change saying whether updates are already attached to it."""

import dataclasses

from assurance.models import AssuranceGroup
from deliverables.models import Deliverable, StatusUpdate
from objectives.models import Plan
from planning.importing.checking import Reading


@dataclasses.dataclass(frozen=True)
class Change:
    what: str  # "The plan", "Theme 2", "Objective 1", "Deliverable 1.1"
    field: str  # "title", "theme", "description", "delivery window", "owners", ..., or "new"
    old: str
    new: str
    has_updates: bool = False  # a deliverable with updates attached: changing it needs a tick

    @property
    def is_new(self) -> bool:
        return self.field == "new"


def changes(reading: Reading, financial_year: str, title: str = "") -> list[Change]:
    """Every change importing `reading` into the `financial_year` plan would make; empty for a
    new plan (everything is new) or a file the plan already holds. Five queries."""
    plan = Plan.objects.filter(financial_year=financial_year).first()
    if plan is None:
        return []
    found = []
    if title and plan.title != title:
        found.append(Change("The plan", "title", plan.title, title))
    themes = {t.number: t for t in plan.themes.all()}
    new_themes = {row.theme_number: row.theme_title for row in reading.rows}
    for number, name in sorted((reading.themes | new_themes).items()):
        old = themes.get(number)
        if old is None:
            found.append(Change(f"Theme {number}", "new", "", name))
        elif number in new_themes and old.title != name:
            found.append(Change(f"Theme {number}", "title", old.title, name))
    objectives = {o.number: o for o in plan.objectives.select_related("theme")}
    seen = set()
    for row in reading.rows:
        if row.objective_number in seen:
            continue
        seen.add(row.objective_number)
        old = objectives.get(row.objective_number)
        label = f"Objective {row.objective_number}"
        if old is None:
            found.append(Change(label, "new", "", row.objective_title))
            continue
        if old.title != row.objective_title:
            found.append(Change(label, "title", old.title, row.objective_title))
        if old.theme.number != row.theme_number:
            found.append(
                Change(label, "theme", f"Theme {old.theme.number}", f"Theme {row.theme_number}")
            )
    found += _deliverable_changes(reading, plan)
    return found


def _deliverable_changes(reading, plan) -> list[Change]:
    existing = {
        (d.objective.number, d.number): d
        for d in Deliverable.objects.in_plan(plan).with_plan_details()
    }
    updated = set(
        StatusUpdate.objects.filter(deliverable__objective__plan=plan).values_list(
            "deliverable_id", flat=True
        )
    )
    labels = {g.pk: g.label for g in AssuranceGroup.objects.all()}
    found = []
    for row in reading.rows:
        old = existing.get((row.objective_number, row.deliverable_number))
        label = f"Deliverable {row.reference}"
        if old is None:
            found.append(Change(label, "new", "", row.description))
            continue
        pairs = [
            ("description", old.description, row.description),
            ("delivery window", old.delivery, row.delivery),
            ("owners", "; ".join(o.code for o in old.ordered_owners), "; ".join(row.owners)),
            (
                "assurance groups",
                "; ".join(labels[link.assurance_group_id] for link in old.group_links.all()),
                "; ".join(row.groups),
            ),
        ]
        for field, before, after in pairs:
            if before != after:
                found.append(Change(label, field, before, after, old.pk in updated))
    return found


def updated_changes(found: list[Change]) -> list[str]:
    """The deliverables with updates attached that the import would change."""
    return list(dict.fromkeys(c.what.removeprefix("Deliverable ") for c in found if c.has_updates))
