"""Starting a plan year, rolling deliverables over into it, and importing a plan."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from assurance.baf.models import PrincipalRisk
from deliverables.exports import XLSX_TYPE
from deliverables.models import Deliverable
from objectives.models import Plan, Quarter
from objectives.quarters import parse_number
from objectives.roles import is_plan_admin
from planning import importing
from planning import rollover as plans
from planning.forms import (
    CarryAllForm,
    CarryForm,
    ImportConfirmForm,
    PlanImportForm,
    PlanStartForm,
    RolloverSourceForm,
)
from reporting import services
from reporting.models import BoardPaperCover, unconfirmed


def _require_plan_admin(user):
    if not is_plan_admin(user):
        raise PermissionDenied("Only plan administrators start plans and roll work over.")


@require_http_methods(["GET", "POST"])
def plan_start(request):
    """Next year's plan: its year and title (the quarters and deadlines follow)."""
    _require_plan_admin(request.user)
    latest = Plan.objects.latest_plan()
    initial = (
        {"financial_year": latest.next_financial_year, "title": latest.title} if latest else {}
    )
    form = PlanStartForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        plan = plans.start_plan(**form.cleaned_data, user=request.user)
        messages.success(request, f"The {plan.financial_year} plan is started, with its quarters.")
        if latest:
            return redirect("planning:plan_rollover", pk=plan.pk)
        return redirect("planning:quarters")
    return render(request, "planning/plan_start.html", {"form": form, "latest": latest})


@require_http_methods(["GET", "POST"])
def plan_rollover(request, pk):
    """Roll deliverables of an earlier plan over into this one: the page is the preview (what
    will be carried, and as which reference); nothing is written until it is confirmed."""
    _require_plan_admin(request.user)
    target = get_object_or_404(Plan, pk=pk)
    earlier = Plan.objects.filter(start_date__lt=target.start_date).latest_first()
    source = earlier.filter(pk=parse_number(request.GET.get("source"))).first() or earlier.first()
    if source is None:
        return render(request, "planning/plan_rollover.html", {"target": target, "source": None})
    data = request.POST if request.method == "POST" else None
    select = {"all": True, "none": False}.get(request.GET.get("select"))
    candidates = plans.candidates(source, target)
    rows = [
        CarryForm(data, candidate=c, target=target, ticked=select)
        for c in candidates
        if c.carried is None
    ]
    every = CarryAllForm(data)
    forms = {row.candidate.deliverable.pk: row for row in rows}
    if data is not None and every.is_valid() and all(row.is_valid() for row in rows):
        same = every.cleaned_data["window_all"]
        windows = {
            row.candidate.deliverable.pk: same or row.chosen_window
            for row in rows
            if row.cleaned_data["carry"]
        }
        try:
            carried = plans.roll_over(
                source=source,
                target=target,
                deliverable_ids=list(windows),
                windows=windows,
                user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            risks = PrincipalRisk.objects.in_plan(target).filter(carried_from__plan=source).count()
            carried_risks = f", with the BAF's {risks} principal risks" if risks else ""
            messages.success(
                request, f"Rolled {len(carried)} deliverables over into {target}{carried_risks}."
            )
            return redirect("objectives:plan_detail", pk=target.pk)
    context = {
        "target": target,
        "source": source,
        "earlier": earlier,
        "choose": RolloverSourceForm(earlier, source) if len(earlier) > 1 else None,
        "entries": [(c, forms.get(c.deliverable.pk)) for c in candidates],
        "every": every,
        "dated": [c for c in candidates if c.dated_before and c.carried is None],
        "source_risks": PrincipalRisk.objects.in_plan(source).count(),
    }
    return render(request, "planning/plan_rollover.html", context)


@require_http_methods(["GET", "POST"])
def plan_import(request):
    """Upload a plan file, see what it would create (nothing written), then confirm."""
    _require_plan_admin(request.user)
    if "preview" in request.POST:
        return _confirm_import(request)
    form = PlanImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        reading, data = form.reading, form.cleaned_data
        if reading.errors:
            request.audit_event, request.audit_outcome = "refused", "invalid: plan import"
        context = {
            "reading": reading,
            "year": data["financial_year"],
            "existing": Plan.objects.filter(financial_year=data["financial_year"]).first(),
            "token": "",
        }
        if not reading.errors:
            token = context["token"] = importing.preview_token(
                reading, data["financial_year"], data["title"], data["file"].name
            )
            found = context["changes"] = importing.changes(
                reading, data["financial_year"], data["title"]
            )
            context["touched"] = importing.updated_changes(found)
            context["confirm"] = ImportConfirmForm(
                initial={"preview": token},
                offer_create=bool(reading.new_owners or reading.new_groups),
                offer_change=bool(context["touched"]),
            )
        return render(request, "planning/plan_import_preview.html", context)
    return render(request, "planning/plan_import.html", {"form": form})


def _confirm_import(request):
    form = ImportConfirmForm(request.POST)
    try:
        if not form.is_valid():
            raise signing.BadSignature("no preview")
        reading, year, title, source = importing.from_token(form.cleaned_data["preview"])
        outcome = importing.apply(
            reading,
            financial_year=year,
            title=title,
            create_missing=form.cleaned_data.get("create_missing", False),
            change_updated=form.cleaned_data.get("change_updated", False),
            user=request.user,
            source=source,
        )
    except signing.BadSignature:
        messages.error(request, "That preview has expired or was changed. Upload the file again.")
        return redirect("planning:plan_import")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("planning:plan_import")
    if outcome.nothing_changed:
        messages.info(request, f"Nothing changed: {outcome.plan} already holds this file.")
    else:
        made = outcome.created["deliverables"]
        changed = outcome.changed["deliverables"]
        messages.success(
            request, f"Imported into {outcome.plan}: {made} deliverables new, {changed} changed."
        )
    return redirect("objectives:plan_detail", pk=outcome.plan.pk)


@require_safe
def plan_import_template(request):
    _require_plan_admin(request.user)
    response = HttpResponse(importing.template_xlsx(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="uhbplan-plan-template.xlsx"'
    return response


@require_safe
@permission_required("objectives.administer_plan", raise_exception=True)
def quarters(request):
    """The reporting cycle: open, close and reopen quarters (plan administrators)."""
    plans = Plan.objects.latest_first().prefetch_related(
        Prefetch("quarters", queryset=Quarter.objects.select_related("state_changed_by"))
    )
    return render(request, "planning/quarters.html", {"plans": plans})


@require_http_methods(["GET", "POST"])
@permission_required("objectives.administer_plan", raise_exception=True)
def quarter_change(request, pk, action):
    """Open, close or reopen a quarter. Closing asks first (GET), saying what is missing."""
    quarter = get_object_or_404(Quarter.objects.select_related("plan"), pk=pk)
    if request.method == "GET":
        if action != "close" or not quarter.is_open:
            return redirect("planning:quarters")
        missing = Deliverable.objects.awaiting_update_in(quarter).count()
        cover = BoardPaperCover.objects.filter(quarter=quarter).first()
        # The cover's blanks are named before closing fixes them (issue 28).
        blanks = unconfirmed((cover or BoardPaperCover(quarter=quarter)).as_data())
        context = {
            "quarter": quarter,
            "missing": missing,
            "cover": cover,
            "unconfirmed": blanks,
        }
        return render(request, "planning/quarter_close_confirm.html", context)
    try:
        if action == "close":
            services.quarter_close(quarter=quarter, user=request.user)
            messages.success(request, f"{quarter.label} is closed and its board report is fixed.")
        else:
            confirmed = request.POST.get("confirm_other_open") == "1"
            services.quarter_open(
                quarter=quarter, user=request.user, other_plans_confirmed=confirmed
            )
            messages.success(request, f"{quarter.label} is open for updates.")
    except services.OtherPlanOpen as error:
        context = {"quarter": quarter, "other": error.other}
        return render(request, "planning/quarter_open_confirm.html", context)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        request.audit_event, request.audit_outcome = "refused", " ".join(error.messages)
    return redirect("planning:quarters")
