"""A committee's chair's report to the Board for a quarter (Alert / Advise / Assure): its points
listed by part, a form to add one, and each point's own page to change or remove it. Written by
the group's secretaries (or a plan administrator) while the quarter is open; closing the quarter
fixes the report with the board report (reporting.board_report.data)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from assurance import services
from assurance.forms import ChairReportItemForm
from assurance.models import AssuranceGroup, ChairReportItem
from nhsuk.navigation import safe_next_url
from objectives.models import Quarter


def _group_and_quarter(request, group_pk, quarter_pk):
    group = get_object_or_404(AssuranceGroup, pk=group_pk)
    if not AssuranceGroup.objects.reviewable_by(request.user).filter(pk=group.pk).exists():
        raise PermissionDenied("Only this group's secretaries can write its chair's report.")
    quarter = get_object_or_404(Quarter.objects.select_related("plan"), pk=quarter_pk)
    return group, quarter


@require_http_methods(["GET", "POST"])
@permission_required("assurance.view_assurancereview", raise_exception=True)
def chair_report(request, group_pk, quarter_pk):
    """The group's chair's report for the quarter, and a form to add a point to it."""
    group, quarter = _group_and_quarter(request, group_pk, quarter_pk)
    item = ChairReportItem(assurance_group=group, quarter=quarter)
    form = ChairReportItemForm(request.POST or None, instance=item, group=group, quarter=quarter)
    if request.method == "POST" and _saved(request, form):
        messages.success(request, f"Added the point to {group.label}'s chair's report.")
        return redirect(request.get_full_path() + "#chair-report")
    return _page(request, "assurance/chair_report.html", form, group, quarter)


@require_http_methods(["GET", "POST"])
@permission_required("assurance.view_assurancereview", raise_exception=True)
def chair_item_edit(request, group_pk, quarter_pk, pk):
    group, quarter = _group_and_quarter(request, group_pk, quarter_pk)
    item = get_object_or_404(ChairReportItem, pk=pk, assurance_group=group, quarter=quarter)
    form = ChairReportItemForm(request.POST or None, instance=item, group=group, quarter=quarter)
    if request.method == "POST" and _saved(request, form):
        messages.success(request, f"Saved the point of {group.label}'s chair's report.")
        return redirect(_report_url(group, quarter))
    return _page(request, "assurance/chair_item_edit.html", form, group, quarter, item=item)


@require_POST
@permission_required("assurance.view_assurancereview", raise_exception=True)
def chair_item_delete(request, group_pk, quarter_pk, pk):
    group, quarter = _group_and_quarter(request, group_pk, quarter_pk)
    item = get_object_or_404(ChairReportItem, pk=pk, assurance_group=group, quarter=quarter)
    try:
        services.chair_item_delete(item=item, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Removed the point from {group.label}'s chair's report.")
    return redirect(_report_url(group, quarter))


def _saved(request, form) -> bool:
    """Save through the service (its rules: the group's own, the quarter open); a refusal is
    a message on the form, and nothing is written."""
    if form.is_valid():
        try:
            services.chair_item_save(
                item=form.instance,
                user=request.user,
                deliverables=form.cleaned_data["deliverables"],
                measures=form.cleaned_data.get("measures", []),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return True
    request.audit_event, request.audit_outcome = "refused", "invalid: chair's report"
    return False


def _page(request, template, form, group, quarter, **extra):
    items = (
        ChairReportItem.objects.of(group, quarter)
        .select_related("recorded_by")
        .prefetch_related("deliverables__objective", "measures")
    )
    parts = [
        (kind, label, ChairReportItem.KIND_MEANINGS[kind], [i for i in items if i.kind == kind])
        for kind, label in ChairReportItem.Kind.choices
    ]
    context = {
        "form": form,
        "group": group,
        "quarter": quarter,
        "parts": parts,
        "access": quarter.write_access(request.user, "assurance"),
        "report_url": _report_url(group, quarter),
        # Back where the secretary came from (their group's items, a pack): those pages live
        # in `reporting`, above this app, so they pass themselves as `next`.
        "back": safe_next_url(request, default=reverse("home")),
        **extra,
    }
    return render(request, template, context)


def _report_url(group, quarter) -> str:
    return reverse("assurance:chair_report", args=[group.pk, quarter.pk])
