"""The reporting cycle's writes: opening a quarter, and closing it, which freezes its board
report."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from assurance.services import QuarterStateError
from common.db import retried
from objectives.models import Quarter
from objectives.roles import is_plan_admin
from reporting.board_report.data import report_data
from reporting.models import BoardReport


class OtherPlanOpen(QuarterStateError):
    """Another plan has a quarter open: the trust reports one quarter at a time, so opening a
    second asks the administrator to confirm."""

    def __init__(self, other: Quarter):
        super().__init__(
            f"{other.label} ({other.plan.financial_year}) is open. The trust reports one quarter "
            "at a time: confirm to open this one as well."
        )
        self.other = other


@retried
@transaction.atomic
def quarter_open(*, quarter: Quarter, user, other_plans_confirmed: bool = False) -> Quarter:
    """Open a quarter for updates: one open quarter per plan, and one reporting quarter across
    the trust unless the administrator confirms another (`OtherPlanOpen`). An archived plan's
    quarters are not opened again (a correction needs no opening)."""
    _require_admin(user)
    quarter = Quarter.objects.select_for_update().get(pk=quarter.pk)
    if quarter.is_open:
        raise QuarterStateError(f"{quarter.short_label} is already open.")
    plan = quarter.plan
    if plan.archived:
        raise QuarterStateError(
            f"{plan.financial_year} is archived: its year is over and "
            f"{plan.successor.financial_year} follows it, so its quarters are not opened again. "
            "A plan administrator can still correct a closed quarter's updates."
        )
    elsewhere = Quarter.objects.open().exclude(plan_id=plan.pk).select_related("plan").first()
    if elsewhere and not other_plans_confirmed:
        raise OtherPlanOpen(elsewhere)
    other = Quarter.objects.open().filter(plan_id=quarter.plan_id).exclude(pk=quarter.pk).first()
    if other:
        raise QuarterStateError(
            f"{other.short_label} is open. Close it before opening {quarter.short_label}."
        )
    was_closed = quarter.is_closed
    _set_state(quarter, Quarter.State.OPEN, user, "Reopened" if was_closed else "Opened")
    return quarter


@retried
@transaction.atomic
def quarter_close(*, quarter: Quarter, user) -> BoardReport:
    """Close a quarter: lock its updates and reviews and fix its board report as it stands."""
    _require_admin(user)
    quarter = Quarter.objects.select_for_update().get(pk=quarter.pk)
    if not quarter.is_open:
        raise QuarterStateError(
            f"Only an open quarter can be closed; {quarter.short_label} is not."
        )
    _set_state(quarter, Quarter.State.CLOSED, user, "Closed")
    now = timezone.now()
    BoardReport.objects.filter(quarter=quarter, superseded_at__isnull=True).update(
        superseded_at=now
    )
    return BoardReport.objects.create(quarter=quarter, data=report_data(quarter), created_by=user)


def _require_admin(user):
    if not is_plan_admin(user):
        raise PermissionDenied("Only plan administrators open and close quarters.")


def _set_state(quarter, state, user, reason):
    quarter.state = state
    quarter.state_changed_at = timezone.now()
    quarter.state_changed_by = user
    quarter._history_user = user
    quarter._change_reason = reason
    quarter.full_clean()
    quarter.save()
