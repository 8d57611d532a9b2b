"""Committee findings about deliverables, for their owners: each group's latest level of
assurance and comments, and the actions groups asked for. Added to the deliverables app's pages
through its extension point (deliverables.extensions, ADR 8)."""

from dataclasses import dataclass, field

from assurance.models import AssuranceGroup, AssuranceReview, ReviewAction
from deliverables.extensions import Contribution
from deliverables.models import Deliverable


@dataclass
class Findings:
    latest: list = field(default_factory=list)  # each group's latest review, in group order
    actions: list = field(default_factory=list)  # every action, newest review first
    # A carried deliverable: each group's latest review of the one it was carried from, for the
    # groups that have not reviewed it in its new year yet ("last year: Reasonable").
    earlier: list = field(default_factory=list)

    @property
    def open_actions(self) -> list:
        return [action for action in self.actions if action.is_open]


def findings_for(deliverable_ids, quarter=None, carried_from=None) -> dict[int, Findings]:
    """Findings for each deliverable, up to and including `quarter` (all when None): two
    queries however many deliverables, and one more for the last year's levels of those
    carried over (`carried_from`: {deliverable id: its origin's id})."""
    reviews = AssuranceReview.objects.filter(deliverable_id__in=deliverable_ids).select_related(
        "assurance_group", "quarter", "recorded_by"
    )
    if quarter is not None:
        reviews = reviews.filter(
            quarter__plan_id=quarter.plan_id, quarter__number__lte=quarter.number
        )
    found = {pk: Findings() for pk in deliverable_ids}
    seen = set()
    for review in reviews.order_by("deliverable_id", "assurance_group_id", "-quarter__number"):
        if (review.deliverable_id, review.assurance_group_id) not in seen:
            seen.add((review.deliverable_id, review.assurance_group_id))
            found[review.deliverable_id].latest.append(review)
    actions = (
        ReviewAction.objects.filter(deliverable_id__in=deliverable_ids)
        .select_related(
            "review__assurance_group", "review__quarter__plan", "responded_by", "closed_by"
        )
        .order_by(
            "-review__quarter__plan__start_date",
            "-review__quarter__number",
            "review__assurance_group_id",
            "id",
        )
    )
    for action in actions:
        found[action.deliverable_id].actions.append(action)
    if carried_from:
        _add_earlier(found, carried_from, seen)
    return found


def _add_earlier(found, carried_from, seen):
    by_origin = {origin: pk for pk, origin in carried_from.items()}
    earlier = AssuranceReview.objects.filter(deliverable_id__in=by_origin).select_related(
        "assurance_group", "quarter__plan"
    )
    done = set()
    for review in earlier.order_by("deliverable_id", "assurance_group_id", "-quarter__number"):
        pk = by_origin[review.deliverable_id]
        key = (pk, review.assurance_group_id)
        if key not in seen and key not in done:
            done.add(key)
            found[pk].earlier.append(review)


class FindingsExtension:
    heading = "Assurance"

    def contributions(self, deliverables, user, quarter):
        ids = [d.pk for d in deliverables]
        carried_from = {d.pk: d.carried_from_id for d in deliverables if d.carried_from_id}
        found = findings_for(ids, quarter, carried_from)
        # What this person may do with each action: two queries for the whole page.
        owned = set(
            Deliverable.objects.editable_by(user).filter(pk__in=ids).values_list("pk", flat=True)
        )
        groups = set(AssuranceGroup.objects.reviewable_by(user).values_list("pk", flat=True))
        for pk, findings in found.items():
            for action in findings.actions:
                action.can_respond = action.is_open and pk in owned
                action.can_close = action.review.assurance_group_id in groups
        return {
            pk: Contribution(
                data=findings,
                summary_template="assurance/includes/findings_summary.html",
                panel_template="assurance/includes/findings_panel.html",
                detail_template="assurance/includes/findings_detail.html",
            )
            for pk, findings in found.items()
        }
