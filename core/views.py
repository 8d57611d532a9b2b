"""Site-wide pages: the home router, health checks, the accessibility statement, and error
pages that must work without the database."""

import logging
import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from common import text
from core import people as people_service
from core import plan_import as importing
from core import plans
from core.forms import ApiTokenForm, PersonForm, PlanImportForm, PlanStartForm, RoleForm
from core.models import ApiToken
from deliverables.exports import XLSX_TYPE
from objectives.models import Plan
from objectives.quarters import parse_number
from objectives.roles import is_plan_admin

log = logging.getLogger("uhbplan")


@require_safe
@login_not_required
@never_cache
def healthz(request):
    """Alive: the process answers. Touches nothing else."""
    return JsonResponse({"status": "ok"})


@require_safe
@login_not_required
@never_cache
def readyz(request):
    """Ready: the database answers a query; 503 when it does not. Anyone may ask (a load
    balancer has no session), so the answer says only ready or not: what failed, with the
    database's host and port, goes to the log."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        log.error("readyz: database unreachable: %s", error)
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def server_error(request):
    """500, or 503 with a friendly page when the cause is the database being unreachable.

    Django calls this inside the `except` block of the failed request, so the exception is at
    hand; the page is rendered without a request context, which could need the database.
    """
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        log.error("database unavailable: %s %s: %s", request.method, request.path, error)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)


@require_safe
def home(request):
    """Send each person to the page they came for."""
    user = request.user
    if user.has_perm("deliverables.change_statusupdate") and user.owners.exists():
        return redirect("deliverables:my_updates")
    if user.assurance_groups.exists():
        return redirect("assurance:my_groups")
    return redirect("assurance:dashboard")


@require_safe
@login_not_required
def accessibility_statement(request):
    """Public-sector sites publish one; it is readable before signing in."""
    context = {"contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL}
    return render(request, "accessibility.html", context)


@require_safe
@login_not_required  # answers 401 itself: a script asks, not a person
@never_cache
def session_status(request):
    """For the page's script: is this browser still signed in, and the current security token
    (signing in again, in another tab, changes it). Like any request it extends the session:
    "Stay logged in" calls it."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    return JsonResponse(
        {"signed_in": True, "csrf": get_token(request), "seconds": settings.SESSION_COOKIE_AGE}
    )


@require_safe
def logged_in_again(request):
    """Where signing in again from a timed-out page lands, in its own tab."""
    return render(request, "registration/logged_in_again.html")


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
            return redirect("plan_rollover", pk=plan.pk)
        return redirect("assurance:quarters")
    return render(request, "core/plan_start.html", {"form": form, "latest": latest})


@require_http_methods(["GET", "POST"])
def plan_rollover(request, pk):
    """Roll deliverables of an earlier plan over into this one: the page is the preview (what
    will be carried, and as which reference); nothing is written until it is confirmed."""
    _require_plan_admin(request.user)
    target = get_object_or_404(Plan, pk=pk)
    earlier = Plan.objects.filter(start_date__lt=target.start_date).latest_first()
    source = earlier.filter(pk=parse_number(request.GET.get("from"))).first() or earlier.first()
    if source is None:
        return render(request, "core/plan_rollover.html", {"target": target, "source": None})
    if request.method == "POST":
        try:
            carried = plans.roll_over(
                source=source,
                target=target,
                deliverable_ids=[parse_number(v) for v in request.POST.getlist("deliverable")],
                user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Rolled {len(carried)} deliverables over into {target}.")
            return redirect("objectives:plan_detail", pk=target.pk)
    context = {
        "target": target,
        "source": source,
        "earlier": earlier,
        "candidates": plans.candidates(source, target),
    }
    return render(request, "core/plan_rollover.html", context)


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
            "token": ""
            if reading.errors
            else importing.preview_token(
                reading, data["financial_year"], data["title"], data["file"].name
            ),
        }
        return render(request, "core/plan_import_preview.html", context)
    return render(request, "core/plan_import.html", {"form": form})


def _confirm_import(request):
    try:
        reading, year, title, source = importing.from_token(request.POST["preview"])
        outcome = importing.apply(
            reading,
            financial_year=year,
            title=title,
            create_missing=request.POST.get("create_missing") == "1",
            user=request.user,
            source=source,
        )
    except signing.BadSignature:
        messages.error(request, "That preview has expired or was changed. Upload the file again.")
        return redirect("plan_import")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("plan_import")
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


@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """A person's own API tokens: make one (its text is shown once, here) or revoke one."""
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = ApiToken.issue(request.user, form.cleaned_data["name"])
        request.audit_event, request.audit_outcome = "api_token", "issued"
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    context = {"form": form, "tokens": tokens, "new_token": new_token}
    return render(request, "core/api_tokens.html", context)


@require_POST
def api_token_revoke(request, pk):
    token = get_object_or_404(ApiToken.objects.filter(user=request.user, revoked_at=None), pk=pk)
    token.revoke(by=request.user)
    request.audit_event, request.audit_outcome = "api_token", "revoked"
    messages.success(request, f"Revoked “{token.name}”: it no longer works.")
    return redirect("api_tokens")


def _require_people_admin(user):
    if not is_plan_admin(user):
        raise PermissionDenied("Only plan administrators manage people.")


@require_safe
def people_list(request):
    _require_people_admin(request.user)
    people = (
        get_user_model()
        .objects.prefetch_related("groups", "owners", "assurance_groups")
        .order_by("-is_active", "last_name", "first_name", "username")
    )
    rows = [(person, people_service.roles_of(person)) for person in people]
    return render(request, "core/people_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def person_add(request):
    _require_people_admin(request.user)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = people_service.add_person(**form.cleaned_data, by=request.user)
        request.audit_event, request.audit_outcome = "people", f"added {person.username}"
        messages.success(request, f"Added {text.person(person)}. Now give them a role.")
        return redirect("person_detail", pk=person.pk)
    return render(request, "core/person_add.html", {"form": form})


@require_http_methods(["GET", "POST"])
def person_detail(request, pk):
    """A person's roles, to give and take away, and their history; deactivate or reactivate."""
    _require_people_admin(request.user)
    person = get_object_or_404(get_user_model(), pk=pk)
    form = RoleForm(request.POST if "give" in request.POST else None)
    if request.method == "POST":
        change = _person_change(request, person, form)
        if change:
            request.audit_event, request.audit_outcome = "people", f"{person.username}: {change}"
            messages.success(request, f"{text.person(person)}: {change}.")
            return redirect("person_detail", pk=person.pk)
    context = {
        "person": person,
        "roles": people_service.roles_of(person),
        "form": form,
        "changes": person.changes.select_related("changed_by")[:50],
        "may_change": people_service.may_change(request.user, person),
        "superusers_only": people_service.SUPERUSERS_ONLY,
    }
    return render(request, "core/person_detail.html", context)


def _person_change(request, person, form):
    if not people_service.may_change(request.user, person):
        messages.error(request, people_service.SUPERUSERS_ONLY)
        return None
    if "give" in request.POST:
        return form.is_valid() and people_service.change_role(
            person, form.cleaned_data["role"], give=True, by=request.user
        )
    if "remove" in request.POST:
        if person == request.user and request.POST["remove"] == "admin":
            messages.error(request, "You cannot remove your own plan administrator role.")
            return None
        held = {key for key, _ in people_service.roles_of(person)}
        if request.POST["remove"] in held:
            return people_service.change_role(
                person, request.POST["remove"], give=False, by=request.user
            )
        return None
    if "active" in request.POST:
        if person == request.user:
            messages.error(request, "You cannot deactivate yourself.")
            return None
        return people_service.set_active(person, request.POST["active"] == "1", by=request.user)
    return None


@require_safe
@login_not_required
def sign_in_failed(request):
    """Where a refused single sign-on ends (the provider said no, or the person has no account
    here and new accounts are not made automatically)."""
    reason = (
        "Your NHS account signed you in, but uhbplan has no account for you yet: ask a plan "
        "administrator to add you."
    )
    return render(request, "registration/sign_in_failed.html", {"reason": reason})
