"""A measure's page, its values typed or uploaded, and its CSV."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from objectives.measures import series
from objectives.measures.forms import MeasureUploadForm, MeasureValueForm, previewed_rows
from objectives.models import Measure


def _measure_page(request, measure, *, value_form=None, upload_form=None):
    can_enter = measure.can_enter_values(request.user)
    context = {
        "measure": measure,
        "can_enter": can_enter,
        "value_form": value_form or (MeasureValueForm(measure=measure) if can_enter else None),
        "upload_form": upload_form or (MeasureUploadForm(measure=measure) if can_enter else None),
        "values": list(reversed(measure.values_until())),
    }
    return render(request, "objectives/measure_detail.html", context)


@require_safe
@permission_required("objectives.view_measure", raise_exception=True)
def measure_detail(request, pk):
    return _measure_page(request, get_object_or_404(Measure.objects.with_values(), pk=pk))


def _editable_measure(request, pk):
    measure = get_object_or_404(Measure.objects.with_values(), pk=pk)
    if not measure.can_enter_values(request.user):
        raise PermissionDenied("Only the measure's data owner or a plan administrator can.")
    return measure


@login_required
@require_POST
def measure_value(request, pk):
    """The data owner adds or corrects one value."""
    measure = _editable_measure(request, pk)
    form = MeasureValueForm(request.POST, measure=measure)
    if not form.is_valid():
        request.audit_event, request.audit_outcome = "refused", "invalid: measure value"
        return _measure_page(request, measure, value_form=form)
    data = form.cleaned_data
    row = (data["period"], data["value"], data["starts_segment"], data["note"])
    counts = measure.record_values([row], request.user)
    label = measure.period_display(data["period"])
    done = "added" if counts["new"] else "changed" if counts["changed"] else "unchanged"
    messages.success(request, f"{measure.name}: the value for {label} is {done}.")
    return redirect(reverse("objectives:measure_detail", args=[measure.pk]) + "#values")


@login_required
@require_POST
def measure_upload(request, pk):
    """Upload values: first a preview of every row (nothing saved), then confirm to save all."""
    measure = _editable_measure(request, pk)
    if "preview" in request.POST:
        return _confirm_upload(request, measure)
    form = MeasureUploadForm(request.POST, request.FILES, measure=measure)
    if not form.is_valid():
        return _measure_page(request, measure, upload_form=form)
    if form.row_errors:
        request.audit_event, request.audit_outcome = "refused", "invalid: measure upload"
    context = {
        "measure": measure,
        "file_name": form.cleaned_data["file"].name,
        "errors": form.row_errors,
        "changes": measure.compare(form.rows),
        "token": form.preview_token(),
    }
    return render(request, "objectives/measure_upload.html", context)


def _confirm_upload(request, measure):
    try:
        rows = previewed_rows(request.POST["preview"], measure)
    except signing.BadSignature:
        messages.error(request, "That preview has expired or was changed. Upload the file again.")
        return redirect(reverse("objectives:measure_detail", args=[measure.pk]) + "#upload")
    counts = measure.record_values(rows, request.user)
    messages.success(
        request,
        f"Saved {measure.name}: {counts['new']} new, {counts['changed']} changed, "
        f"{counts['unchanged']} unchanged.",
    )
    return redirect(reverse("objectives:measure_detail", args=[measure.pk]) + "#values")


@require_safe
@permission_required("objectives.view_measure", raise_exception=True)
def measure_values_csv(request, pk):
    """The values as `period,value`: the upload's format, and what `manage.py spc` reads."""
    measure = get_object_or_404(Measure.objects.with_values(), pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="measure-{measure.pk}-values.csv"'
    writer = csv.writer(response)
    writer.writerow(["period", "value"])
    for value in measure.values_until():
        writer.writerow([series.period_label(value.period, measure.frequency), value.value])
    return response
