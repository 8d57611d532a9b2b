import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from assurance import services
from assurance.forms import ActionResponseForm, AssuranceReviewForm
from assurance.models import AssuranceGroup, AssuranceReview, ReviewAction
from common.versioning import UpdateConflict
from deliverables.models import Deliverable
from nhsuk.navigation import safe_next_url
from objectives.models import Quarter

log = logging.getLogger("uhbplan")


@require_http_methods(["GET", "POST"])
@permission_required("assurance.view_assurancereview", raise_exception=True)
def review_edit(request, group_pk, pk, number):
    """Record or change a group's level of assurance on one deliverable for a quarter."""
    group = get_object_or_404(AssuranceGroup, pk=group_pk)
    if not AssuranceGroup.objects.reviewable_by(request.user).filter(pk=group.pk).exists():
        raise PermissionDenied("Only this group's secretaries can record its assurance.")
    deliverable = get_object_or_404(
        Deliverable.objects.with_plan_details(), pk=pk, assurance_groups=group
    )
    quarter = get_object_or_404(Quarter, plan_id=deliverable.objective.plan_id, number=number)
    existing = AssuranceReview.objects.filter(
        deliverable=deliverable, quarter=quarter, assurance_group=group
    ).first()
    instance = existing or AssuranceReview(
        deliverable=deliverable, quarter=quarter, assurance_group=group
    )
    form = AssuranceReviewForm(request.POST or None, instance=instance)
    # Back to the page the secretary came from (their group's list, a pack), else the
    # deliverable: the pages that list reviews live in `reporting`, above this app.
    back = safe_next_url(request).split("#")[0]
    back = back or reverse("deliverables:detail", args=[deliverable.pk])
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.review_save(
                review=form.instance, user=request.user, expected_version=form.expected_version
            )
        except UpdateConflict as error:
            conflict, form = error.current, form.with_newer(request.POST, error.current)
            request.audit_event = "conflict"  # for the audit log (core.middleware)
            request.audit_outcome = f"version {conflict.version} was saved first"
        except ValidationError as error:
            form.add_error(None, error)
        else:
            recorded = f"Recorded {group.label}'s assurance on {deliverable.reference}."
            if request.POST.get("then") == "next":
                return _go_to_next(request, group, deliverable, quarter, back, recorded)
            messages.success(request, recorded)
            return redirect(f"{back}#deliverable-{deliverable.pk}")
    if request.method == "POST" and not conflict:
        request.audit_event = "refused"
        request.audit_outcome = "invalid: " + ", ".join(form.errors)
    update = (
        deliverable.updates.submitted().filter(quarter=quarter).select_related("updated_by").first()
    )
    # What the group said before, and still asks: its latest earlier review of this deliverable
    # (or of the one it was carried over from), and its open actions on it.
    earlier = AssuranceReview.objects.filter(
        assurance_group=group,
        deliverable_id__in=[deliverable.pk, deliverable.carried_from_id],
    ).exclude(quarter=quarter)
    context = {
        "last_review": earlier.select_related("quarter__plan")
        .order_by("-quarter__plan__start_date", "-quarter__number")
        .first(),
        "open_actions": ReviewAction.objects.open()
        .filter(deliverable=deliverable, review__assurance_group=group)
        .select_related("review__quarter__plan"),
        "form": form,
        "group": group,
        "deliverable": deliverable,
        "quarter": quarter,
        "access": quarter.write_access(request.user, "assurance"),
        "conflict": conflict,
        "update": update,
        "back": back,
        "came_from_list": bool(safe_next_url(request)),
    }
    return render(request, "assurance/review_form.html", context)


def _go_to_next(request, group, deliverable, quarter, back, recorded):
    """ "Record and go to the next": the group's next deliverable in the plan's order still
    without its review this quarter (after this one, else from the start), else back to the
    list, saying every one has its review."""
    # One query: the group's items in the plan's order, each knowing whether it has its review.
    items = list(
        Deliverable.objects.in_plan(quarter.plan)
        .filter(group_links__assurance_group=group)
        .annotate(
            reviewed=Exists(
                AssuranceReview.objects.filter(
                    quarter=quarter, assurance_group=group, deliverable=OuterRef("pk")
                )
            )
        )
        .natural_order()
        .select_related("objective")
    )
    place = next((i for i, d in enumerate(items) if d.pk == deliverable.pk), -1)
    waiting = [d for d in items[place + 1 :] + items[: place + 1] if not d.reviewed]
    following = waiting[0] if waiting else None
    if following is None:
        messages.success(request, f"{recorded} Every item of {group.label}'s now has its review.")
        return redirect(f"{back}#deliverable-{deliverable.pk}")
    messages.success(request, f"{recorded} Next: {following.reference}.")
    url = reverse("assurance:review_edit", args=[group.pk, following.pk, quarter.number])
    if safe_next_url(request):
        url += "?" + urlencode({"next": back})
    return redirect(url)


@require_http_methods(["GET", "POST"])
@permission_required("deliverables.change_statusupdate", raise_exception=True)
def action_respond(request, pk):
    """The owner's response to an action a committee asked of them."""
    action = get_object_or_404(
        ReviewAction.objects.select_related("review__assurance_group", "review__quarter"), pk=pk
    )
    if not Deliverable.objects.editable_by(request.user).filter(pk=action.deliverable_id).exists():
        raise PermissionDenied("Only the deliverable's owners can respond to its actions.")
    form = ActionResponseForm(request.POST or None, instance=action)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_respond(
                action=action, user=request.user, response=form.cleaned_data["response"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "Saved your response. The group's secretary can now close the action."
            )
            return redirect(_action_url(action))
    if request.method == "POST":
        request.audit_event, request.audit_outcome = "refused", "invalid: response"
    context = {"form": form, "action": action, "deliverable": action.deliverable}
    return render(request, "assurance/action_respond.html", context)


@require_POST
def action_close(request, pk):
    """The group's secretary closes an action, or reopens it."""
    action = get_object_or_404(ReviewAction.objects.select_related("review"), pk=pk)
    closed = request.POST.get("closed") == "1"
    services.action_close(action=action, user=request.user, closed=closed)  # 403 if not theirs
    messages.success(request, "Closed the action." if closed else "Reopened the action.")
    return redirect(_action_url(action))


def _action_url(action):
    return reverse("deliverables:detail", args=[action.deliverable_id]) + f"#action-{action.pk}"
