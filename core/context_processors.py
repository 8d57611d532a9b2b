from django.conf import settings
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from accounts import oidc


def session_timeout(request):
    """What the page's script needs for the timeout warning (signed-in pages only); on the
    sign-in page, whether single sign-on is offered."""
    if not request.user.is_authenticated:
        return {
            "sso": bool(settings.OIDC_ISSUER),
            # Asked only where the button is drawn (a lazy value): the sign-in page.
            "sso_available": SimpleLazyObject(oidc.available),
            "local_sign_in": settings.LOCAL_SIGN_IN,
        }
    return {
        "session_seconds": settings.SESSION_COOKIE_AGE,
        "session_warning_seconds": min(
            settings.SESSION_WARNING_SECONDS, settings.SESSION_COOKIE_AGE
        ),
    }


def navigation(request):
    """The header's menu: the pages a signed-in user moves between."""
    if not request.user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    current = f"{match.namespace}:{match.url_name}" if match else ""
    user = request.user
    if not user.has_perm("objectives.view_plan"):
        return {"nav_items": []}
    items = []
    # Only executives (linked to an Owner) have updates to write.
    if user.has_perm("deliverables.change_statusupdate") and user.owners.exists():
        items.append(("deliverables:my_updates", "My updates"))
    if user.assurance_groups.exists():
        items.append(("reporting:my_groups", "My groups"))
    items += [
        ("reporting:dashboard", "Dashboard"),
        ("deliverables:rag_grid", "RAG grid"),
        ("reporting:deliverable_list", "Deliverables"),
        ("reporting:board_report", "Board report"),
    ]
    if user.has_perm("assurance.view_principalrisk"):
        items.append(("baf:register", "BAF"))
    items += [("objectives:plan_overview", "The plan")]
    if user.has_perm("objectives.administer_plan"):
        items.append(("planning:quarters", "Reporting cycle"))
        items.append(("people", "People"))
    return {
        "nav_items": [
            {"url": reverse(name), "label": label, "current": name == current}
            for name, label in items
        ]
    }
