"""People and their access: sign-in pages, the session, API tokens, the People pages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import people as people_service
from accounts.forms import ApiTokenForm, IdentityForm, PersonForm, RoleForm
from accounts.models import ApiToken
from common import text
from objectives.roles import is_plan_admin


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


@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """A person's own API tokens: make one (its text is shown once, here) or revoke one."""
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = ApiToken.issue(request.user, form.cleaned_data["name"])
        request.audit_event, request.audit_outcome = "api_token", "issued"
        form = ApiTokenForm()
    tokens = list(ApiToken.objects.filter(user=request.user))
    context = {
        "form": form,
        "tokens": tokens,
        "new_token": new_token,
        "token_days": settings.API_TOKEN_DAYS,
        "ending": [token for token in tokens if token.ends_soon],
        **power_query(request),
    }
    return render(request, "accounts/api_tokens.html", context)


@require_POST
def api_token_revoke(request, pk):
    token = get_object_or_404(ApiToken.objects.filter(user=request.user, revoked_at=None), pk=pk)
    token.revoke(by=request.user)
    request.audit_event, request.audit_outcome = "api_token", "revoked"
    messages.success(request, f"Revoked “{token.name}”: it no longer works.")
    return redirect("api_tokens")


POWER_QUERY = """let
    // Every deliverable of {plan} {quarter_label}, 1,000 a page.
    Base = "{base}",
    Token = "<your token>",
    PageSize = 1000,
    GetPage = (page as number) =>
        Json.Document(
            Web.Contents(
                Base,
                [
                    RelativePath = "deliverables/",
                    Query = [
                        plan = "{plan}",
                        quarter = "{quarter}",
                        page_size = Text.From(PageSize),
                        page = Text.From(page)
                    ],
                    Headers = [Authorization = "Bearer " & Token]
                ]
            )
        ),
    First = GetPage(1),
    PageCount = Number.RoundUp(First[count] / PageSize),
    Rest = List.Transform({{2..PageCount}}, each GetPage(_)[results]),
    Rows = List.Combine({{First[results]}} & Rest),
    Deliverables = Table.FromRecords(Rows)
in
    Deliverables"""


def power_query(request) -> dict:
    """The Power Query M code for the tokens page, filled in for this site and the current plan
    and quarter: paged by the count the first page gives (pages 2 to N), with a fixed base
    address, so the Power BI service can refresh it (issue 29: `Web.Contents(next)` is a dynamic
    source it refuses)."""
    from objectives.models import Plan

    plan = Plan.objects.current()
    quarter = (plan.open_quarter or plan.quarters.first()) if plan else None
    plan_year = plan.financial_year if plan else "2021/22"
    number = quarter.number if quarter else 1
    code = POWER_QUERY.format(
        base=request.build_absolute_uri("/api/v1/"),
        plan=plan_year,
        quarter=number,
        quarter_label=f"Q{number}",
    )
    return {"m_code": code, "plan_year": plan_year, "quarter_label": f"Q{number}"}


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
    return render(request, "accounts/people_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def person_add(request):
    _require_people_admin(request.user)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = people_service.add_person(**form.cleaned_data, by=request.user)
        request.audit_event, request.audit_outcome = "people", f"added {person.username}"
        messages.success(request, f"Added {text.person(person)}. Now give them a role.")
        return redirect("person_detail", pk=person.pk)
    return render(request, "accounts/person_add.html", {"form": form})


@require_http_methods(["GET", "POST"])
def person_detail(request, pk):
    """A person's roles, to give and take away, and their history; deactivate or reactivate."""
    _require_people_admin(request.user)
    person = get_object_or_404(get_user_model(), pk=pk)
    form = RoleForm(request.POST if "give" in request.POST else None)
    identity_form = IdentityForm(request.POST if "link" in request.POST else None)
    if request.method == "POST":
        change = _person_change(request, person, form, identity_form)
        if change:
            request.audit_event, request.audit_outcome = "people", f"{person.username}: {change}"
            messages.success(request, f"{text.person(person)}: {change}.")
            return redirect("person_detail", pk=person.pk)
    context = {
        "person": person,
        "roles": people_service.roles_of(person),
        "form": form,
        "changes": person.changes.select_related("changed_by")[:50],
        "identities": person.identities.all(),
        "identity_form": identity_form,
        "sso": bool(settings.OIDC_ISSUER),
        "may_change": people_service.may_change(request.user, person),
        "superusers_only": people_service.SUPERUSERS_ONLY,
    }
    return render(request, "accounts/person_detail.html", context)


def _person_change(request, person, form, identity_form):
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
    if "unlink" in request.POST:
        return people_service.unlink_identity(person, request.POST["unlink"], by=request.user)
    if "link" in request.POST:
        if not identity_form.is_valid():
            return None
        try:
            return people_service.link_identity(
                person, identity_form.cleaned_data["subject"], by=request.user
            )
        except ValueError as error:
            identity_form.add_error("subject", str(error))
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
