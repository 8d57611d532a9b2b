from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from deliverables import presenters
from deliverables.filters import DeliverableFilter
from deliverables.forms import StatusUpdateForm
from deliverables.models import Deliverable, StatusUpdate
from deliverables.presenters import PositionPresenter
from deliverables.services import QuarterClosed, UpdateConflict, status_update_save
from nhsuk.navigation import safe_next_url
from objectives.models import Quarter


@require_safe
@permission_required("deliverables.change_statusupdate", raise_exception=True)
def my_updates(request):
    """An executive's landing page: every deliverable they must update this quarter."""
    quarter = Quarter.objects.current()
    rows = []
    if quarter is not None:
        deliverables = (
            Deliverable.objects.owed_by(request.user)
            .requiring_update_in(quarter)
            .with_plan_details()
            .with_update_in(quarter)
            .natural_order()
        )
        rows = [_row(deliverable, quarter) for deliverable in deliverables]
    groups = {
        key: [row for row in rows if row["group"] == key] for key in ("overdue", "missing", "done")
    }
    return render(
        request,
        "deliverables/my_updates.html",
        {"quarter": quarter, "groups": groups, "total": len(rows)},
    )


@require_http_methods(["GET", "POST"])
@permission_required("deliverables.change_statusupdate", raise_exception=True)
def update_edit(request, pk, number):
    """One update: the form on its own page, the target of every save (htmx or plain POST)."""
    deliverable = get_object_or_404(Deliverable.objects.with_plan_details(), pk=pk)
    quarter = get_object_or_404(Quarter, plan_id=deliverable.objective.plan_id, number=number)
    if not Deliverable.objects.editable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied("This deliverable is not one of yours to update.")
    existing = StatusUpdate.objects.filter(deliverable=deliverable, quarter=quarter).first()
    instance = existing or StatusUpdate(deliverable=deliverable, quarter=quarter)
    form = StatusUpdateForm(request.POST or None, instance=instance, prefix=f"d{pk}")
    if request.GET.get("start") == "previous":
        form.start_from_previous()
    conflict = saved = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = status_update_save(
                update=form.instance, user=request.user, expected_version=form.expected_version
            )
        except UpdateConflict as error:
            conflict, form = error.current, form.with_newer(request.POST, error.current)
        except QuarterClosed as error:
            form.add_error(None, error)
    if request.method == "POST" and not saved:
        # For the audit log (core.middleware): what happened to this write, in words.
        request.audit_event = "conflict" if conflict else "refused"
        request.audit_outcome = (
            f"version {conflict.version} was saved first" if conflict else _refusal(form)
        )
    if saved and not request.htmx:
        messages.success(
            request, f"Saved your {quarter.short_label} update for {deliverable.reference}."
        )
        mine = reverse("deliverables:my_updates") + f"#deliverable-{deliverable.pk}"
        return redirect(safe_next_url(request, default=mine))
    if request.htmx:
        deliverable = (
            Deliverable.objects.with_plan_details()
            .with_status_in(quarter)
            .with_update_in(quarter)
            .get(pk=pk)
        )
        row = _row(deliverable, quarter, form=None if saved else form)
        context = {"row": row, "quarter": quarter, "conflict": conflict, "just_saved": saved}
        return render(request, "deliverables/my_updates.html#update-row", context)
    context = {
        "deliverable": deliverable,
        "quarter": quarter,
        "form": form,
        "conflict": conflict,
        "previous": StatusUpdate.objects.with_people()
        .filter(
            deliverable=deliverable, quarter__plan_id=quarter.plan_id, quarter__number=number - 1
        )
        .first(),
        "next": safe_next_url(request),
        "access": quarter.write_access(request.user),
    }
    return render(request, "deliverables/statusupdate_form.html", context, status=200)


@require_safe
@permission_required("deliverables.view_deliverable", raise_exception=True)
def deliverable_detail(request, pk):
    deliverable = get_object_or_404(Deliverable.objects.with_plan_details(), pk=pk)
    context = {
        "deliverable": deliverable,
        "timeline": presenters.timeline(deliverable, request.user),
        "history": presenters.history(deliverable),
    }
    return render(request, "deliverables/deliverable_detail.html", context)


def _refusal(form) -> str:
    """Which inputs were refused (never what was typed, which may be sensitive)."""
    return "invalid: " + ", ".join(name if name != "__all__" else "form" for name in form.errors)


def _row(deliverable, quarter, form=None):
    """One row of My updates; `deliverable` is annotated by `with_status_in(quarter)`."""
    update = deliverable.quarter_update
    instance = update or StatusUpdate(deliverable=deliverable, quarter=quarter)
    group = "overdue" if deliverable.is_overdue else ("done" if update else "missing")
    return {
        "deliverable": deliverable,
        "update": update,
        "previous": deliverable.previous_update,
        "position": PositionPresenter.for_row(deliverable),
        "group": group,
        "form": form
        or StatusUpdateForm(
            instance=instance, prefix=f"d{deliverable.pk}", previous=deliverable.previous_update
        ),
    }


@require_safe
@permission_required("objectives.view_plan", raise_exception=True)
def rag_grid(request):
    """Every deliverable × Q1–Q4: the one page a board member scans."""
    filterset = DeliverableFilter(request.GET or None)
    plan = filterset.plan_obj
    if plan is None:
        raise Http404("No plan has been loaded yet.")
    quarters = list(plan.quarters.all())
    deliverables = (
        Deliverable.objects.in_plan(plan)
        .with_plan_details()
        .with_positions(quarters)
        .natural_order()
    )
    rows = [(d, presenters.rag_grid_cells(d, quarters)) for d in deliverables]
    return render(
        request,
        "deliverables/rag_grid.html",
        {"plan": plan, "quarters": quarters, "rows": rows, "filter": filterset},
    )
