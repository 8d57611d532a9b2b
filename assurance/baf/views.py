"""The Board Assurance Framework's pages: the register, a risk's page with its history, and
the forms its people write (a risk owner's score, the lead committee's view, a gap's action or
decision). Everyone who reads the plan reads the BAF."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from assurance.baf import register as baf
from assurance.baf import rules, services, sheet
from assurance.baf.filters import PrincipalRiskFilter
from assurance.baf.forms import BafImportForm, GapNoteForm, RiskScoreForm, RiskViewForm
from assurance.baf.models import (
    GapNote,
    PrincipalRisk,
    RiskCommitteeView,
    RiskScore,
)
from common.versioning import UpdateConflict
from deliverables.filters import DeliverableFilter
from objectives.models import Measure, Plan, Quarter

GAP_KEY = re.compile(r"(control|assurance|view)(:[a-z0-9]{1,20}){0,2}", re.ASCII)


@require_safe
@permission_required("assurance.view_principalrisk", raise_exception=True)
def register(request):
    """Every principal risk as it stands in the chosen quarter: scores, heat map, controls,
    assurances and gaps."""
    chooser = DeliverableFilter(request.GET or None)
    quarter = chooser.quarter_obj
    if quarter is None:
        raise Http404("No plan has been loaded yet.")
    risks = PrincipalRiskFilter(request.GET or None, queryset=PrincipalRisk.objects.all())
    states = baf.register(quarter, risks.qs.filter(plan=quarter.plan))
    context = {
        "filter": chooser,
        "risk_filter": risks,
        "quarter": quarter,
        "b": baf.as_data(states, quarter),
    }
    return render(request, "assurance/baf/register.html", context)


@require_safe
@permission_required("assurance.view_principalrisk", raise_exception=True)
def risk_detail(request, pk):
    """One risk in a quarter, with what its people may do, and its quarter-by-quarter history."""
    risk = get_object_or_404(PrincipalRisk.objects.select_related("plan"), pk=pk)
    quarter = risk.quarter(request.GET.get("quarter"))
    # Its measures with their values once, for every quarter's reading.
    measures = list(Measure.objects.filter(risk_assurances__risk=risk).distinct().with_values())
    history = [
        _one(risk, q, measures) | {"number": q.number, "state": q.get_state_display()}
        for q in risk.plan.quarters.exclude(state=Quarter.State.UPCOMING).order_by("number")
    ]
    b = next((h for h in history if h["number"] == quarter.number), None)
    b = b or _one(risk, quarter, measures)
    user = request.user
    context = {
        "risk": risk,
        "b": b,
        "r": b["risks"][0],
        "quarter": quarter,
        "history": history,
        "quarters": risk.plan.quarters.order_by("number"),
        "may_score": PrincipalRisk.objects.owned_by(user).filter(pk=risk.pk).exists()
        and quarter.write_access(user, "scores").allowed,
        "may_view": PrincipalRisk.objects.viewed_by(user).filter(pk=risk.pk).exists()
        and quarter.write_access(user, "assurance").allowed,
        "may_act": services.may_act_on_gaps(user, risk),
        "changes": baf.history(risk),
    }
    return render(request, "assurance/baf/risk_detail.html", context)


def _one(risk, quarter, measures=None) -> dict:
    """The BAF's data for one risk in a quarter (`as_data`, its one risk)."""
    one = PrincipalRisk.objects.filter(pk=risk.pk)
    return baf.as_data(baf.register(quarter, one, measures=measures), quarter)


def _risk_url(risk, quarter) -> str:
    return f"{reverse('baf:risk', args=[risk.pk])}?quarter={quarter.number}"


@require_http_methods(["GET", "POST"])
@permission_required("assurance.view_principalrisk", raise_exception=True)
def score_edit(request, pk, number):
    """The risk owner records the risk's current score for a quarter."""
    risk = get_object_or_404(PrincipalRisk, pk=pk)
    if not PrincipalRisk.objects.owned_by(request.user).filter(pk=risk.pk).exists():
        raise PermissionDenied("Only the risk's owner can record its score.")
    quarter = get_object_or_404(Quarter, plan_id=risk.plan_id, number=number)
    score = RiskScore.objects.filter(risk=risk, quarter=quarter).first()
    if score is None:
        before = (
            RiskScore.objects.filter(risk=risk, quarter__number__lt=number)
            .order_by("-quarter__number")
            .first()
        )
        score = RiskScore(risk=risk, quarter=quarter)
        if before:  # start from last quarter's score: most quarters it holds
            score.likelihood, score.consequence = before.likelihood, before.consequence
    form = RiskScoreForm(request.POST or None, instance=score)
    saved, form = _save(
        request,
        form,
        lambda: services.score_save(
            score=form.instance, user=request.user, expected_version=form.expected_version
        ),
    )
    if saved:
        messages.success(request, f"Recorded {risk.reference}'s {quarter.short_label} score.")
        return redirect(_risk_url(risk, quarter))
    context = _form_context(request, form, risk, quarter, "scores")
    return render(request, "assurance/baf/score_form.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("assurance.view_principalrisk", raise_exception=True)
def view_edit(request, pk, number):
    """The lead committee's secretary records the committee's view of the risk's assurance."""
    risk = get_object_or_404(PrincipalRisk, pk=pk)
    if not PrincipalRisk.objects.viewed_by(request.user).filter(pk=risk.pk).exists():
        raise PermissionDenied("Only the lead committee's secretaries can record its view.")
    quarter = get_object_or_404(Quarter, plan_id=risk.plan_id, number=number)
    view = RiskCommitteeView.objects.filter(risk=risk, quarter=quarter).first()
    view = view or RiskCommitteeView(
        risk=risk, quarter=quarter, assurance_group_id=risk.lead_committee_id
    )
    form = RiskViewForm(request.POST or None, instance=view)
    saved, form = _save(
        request,
        form,
        lambda: services.view_save(
            view=form.instance, user=request.user, expected_version=form.expected_version
        ),
    )
    if saved:
        messages.success(
            request, f"Recorded {risk.lead_committee.label}'s view of {risk.reference}."
        )
        return redirect(_risk_url(risk, quarter))
    context = _form_context(request, form, risk, quarter, "assurance")
    return render(request, "assurance/baf/view_form.html", context)


def _save(request, form, save):
    """Save through the service: (True, form) when saved; otherwise (False, the form to show
    again), a conflict, a refusal or bad input said on it and nothing written. A conflict gives
    the form against the newer version (`with_newer`, as the review page does): what was typed
    is kept, and saving again replaces theirs knowingly."""
    if request.method != "POST":
        return False, form
    if form.is_valid():
        try:
            save()
        except UpdateConflict as error:
            form = form.with_newer(request.POST, error.current)
            form.add_error(
                None,
                "Someone else saved this first: theirs is kept. Check it, then save again to "
                "replace it with yours.",
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return True, form
    request.audit_event, request.audit_outcome = "refused", "invalid: " + ", ".join(form.errors)
    return False, form


def _form_context(request, form, risk, quarter, what, **extra):
    return {
        "form": form,
        "risk": risk,
        "quarter": quarter,
        "access": quarter.write_access(request.user, what),
        "back": _risk_url(risk, quarter),
        "r": _one(risk, quarter)["risks"][0],
        **extra,
    }


@require_http_methods(["GET", "POST"])
@permission_required("assurance.view_principalrisk", raise_exception=True)
def gap_edit(request, pk, key):
    """A gap's action, or the decision that closes it: the risk owner or an administrator."""
    risk = get_object_or_404(PrincipalRisk.objects.select_related("plan"), pk=pk)
    if not GAP_KEY.fullmatch(key):
        raise Http404("No such gap.")
    if not services.may_act_on_gaps(request.user, risk):
        raise PermissionDenied("Only the risk's owner or a plan administrator can do this.")
    quarter = risk.quarter(request.GET.get("quarter"))
    state = baf.register(quarter, PrincipalRisk.objects.filter(pk=risk.pk))[0]
    gap = next((g for g in state.gaps if g.gap.key == key), None)
    if gap is None:
        raise Http404("This gap is not raised for the risk, and has no action.")
    note = gap.note or GapNote(risk=risk, key=key, source=gap.gap.source[:500])
    form = GapNoteForm(request.POST or None, instance=note, plan=risk.plan)
    if request.method == "POST" and form.is_valid():
        closing = request.POST.get("then") == "close"
        if request.POST.get("then") == "reopen":
            form.instance.decision = ""
        if gap.is_open or not closing:
            form.instance.source = gap.gap.source[:500] if gap.is_open else note.source
        try:
            services.gap_note_save(note=form.instance, user=request.user, closing=closing)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved the gap's {'decision' if closing else 'action'}.")
            return redirect(_risk_url(risk, quarter) + "#gaps")
    context = {
        "form": form,
        "risk": risk,
        "quarter": quarter,
        "gap": gap,
        "kind_label": rules.KIND_LABELS[gap.gap.kind],
        "back": _risk_url(risk, quarter) + "#gaps",
    }
    return render(request, "assurance/baf/gap_form.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("assurance.add_principalrisk", raise_exception=True)
def transfer(request):
    """The BAF as a spreadsheet: export it, or upload one, see what it would change (nothing
    written), then confirm."""
    if "token" in request.POST:
        return _confirm_import(request)
    chooser = DeliverableFilter(request.GET or None)
    form = BafImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        plan = form.cleaned_data["plan"]
        reading = sheet.check(form.table, plan)
        context = {"reading": reading, "plan": plan}
        if reading.is_valid:
            context["changes"] = sheet.changes(reading)
            context["token"] = sheet.token_for(form.table, plan)
        else:
            request.audit_event, request.audit_outcome = "refused", "invalid: BAF import"
        return render(request, "assurance/baf/import_preview.html", context)
    if request.method == "POST":
        request.audit_event, request.audit_outcome = "refused", "invalid: BAF import"
    context = {"form": form, "filter": chooser, "quarter": chooser.quarter_obj}
    return render(request, "assurance/baf/transfer.html", context)


def _confirm_import(request):
    try:
        table, plan_pk = sheet.from_token(request.POST["token"])
        plan = Plan.objects.get(pk=plan_pk)
        reading = sheet.check(table, plan)
        if not reading.is_valid:
            raise ValidationError(reading.errors)
        made = sheet.apply(reading, request.user)
    except (signing.BadSignature, Plan.DoesNotExist):
        messages.error(request, "That preview has expired or was changed. Upload the file again.")
        return redirect("baf:transfer")
    except ValidationError as error:
        messages.error(request, "Nothing was imported: " + " ".join(error.messages))
        return redirect("baf:transfer")
    if made:
        messages.success(
            request,
            f"Imported the BAF into {plan.financial_year}: {len(made)} "
            f"risk{'s' if len(made) != 1 else ''} new or changed.",
        )
    else:
        messages.info(request, f"Nothing changed: {plan.financial_year}'s BAF already holds this.")
    return redirect(f"{reverse('baf:register')}?plan={plan.financial_year}")


@require_safe
@permission_required("assurance.view_principalrisk", raise_exception=True)
def export(request, format):
    """The chosen plan's BAF as XLSX or CSV, with the chosen quarter's scores and gaps."""
    chooser = DeliverableFilter(request.GET or None)
    quarter = chooser.quarter_obj
    if quarter is None:
        raise Http404("No plan has been loaded yet.")
    table = sheet.rows(quarter.plan, quarter)
    year = quarter.plan.financial_year.replace("/", "-")
    name = f"baf-{year}-q{quarter.number}.{format}"
    if format == "xlsx":
        response = HttpResponse(sheet.to_xlsx(table), content_type=sheet.XLSX_TYPE)
    else:
        response = HttpResponse(sheet.to_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
