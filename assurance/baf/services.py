"""Writes to the Board Assurance Framework that people make in a browser: a risk owner's
quarterly score, the lead committee's view, and a gap's action or decision. Each in one
transaction, checked against who may write it and the quarter's one rule (`write_access`)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from assurance.baf.models import GapNote, PrincipalRisk, RiskCommitteeView, RiskScore
from assurance.services import QuarterStateError
from common.db import retried
from common.versioning import save_versioned
from objectives.models import Quarter
from objectives.roles import is_plan_admin


def _quarter_for(record, user, what):
    quarter = record.quarter = Quarter.objects.held_for_writing(record.quarter_id)
    if quarter.plan_id != record.risk.plan_id:
        raise ValidationError("Choose a quarter of the risk's own plan.")
    access = quarter.write_access(user, what)
    if not access.allowed:
        raise QuarterStateError(access.reason)
    return access


@retried
@transaction.atomic
def score_save(*, score: RiskScore, user, expected_version: int) -> RiskScore:
    """The risk owner's score for a quarter: the owner's people (or a plan administrator),
    while the quarter is open (a plan administrator's later correction is flagged)."""
    if not PrincipalRisk.objects.owned_by(user).filter(pk=score.risk_id).exists():
        raise PermissionDenied("Only the risk's owner can record its score.")
    access = _quarter_for(score, user, "scores")
    score.recorded_by = user
    score._history_user = user
    access.mark(score)
    score.full_clean(validate_unique=False, validate_constraints=False)
    save_versioned(
        score,
        expected_version,
        stored=lambda: RiskScore.objects.get(risk_id=score.risk_id, quarter_id=score.quarter_id),
    )
    return score


@retried
@transaction.atomic
def view_save(*, view: RiskCommitteeView, user, expected_version: int) -> RiskCommitteeView:
    """The lead committee's view of the risk's assurance: its secretaries (or a plan
    administrator), while the quarter is open."""
    if not PrincipalRisk.objects.viewed_by(user).filter(pk=view.risk_id).exists():
        raise PermissionDenied("Only the lead committee's secretaries can record its view.")
    access = _quarter_for(view, user, "assurance")
    view.assurance_group_id = view.risk.lead_committee_id
    view.recorded_by = user
    view._history_user = user
    access.mark(view)
    view.full_clean(validate_unique=False, validate_constraints=False)
    save_versioned(
        view,
        expected_version,
        stored=lambda: RiskCommitteeView.objects.get(
            risk_id=view.risk_id, quarter_id=view.quarter_id
        ),
    )
    return view


def may_act_on_gaps(user, risk) -> bool:
    """Who adds a gap's action or closes it by decision: a plan administrator, or the risk's
    owner."""
    return is_plan_admin(user) or PrincipalRisk.objects.owned_by(user).filter(pk=risk.pk).exists()


@transaction.atomic
def gap_note_save(*, note: GapNote, user, closing: bool) -> GapNote:
    """Record a gap's action, or (`closing`) the decision that closes it; a decision cleared
    reopens it. Who decided, and when, is kept with it and in its history."""
    if not may_act_on_gaps(user, note.risk):
        raise PermissionDenied("Only the risk's owner or a plan administrator can do this.")
    if closing and not note.decision.strip():
        raise ValidationError({"decision": "Say why the gap is closed, and who decided."})
    if note.decision.strip():
        if closing or not note.decided_at:
            note.decided_by, note.decided_at = user, timezone.now()
    else:
        note.decided_by = note.decided_at = None
    note._history_user = user
    note.full_clean(validate_unique=False)
    note.save()
    return note
