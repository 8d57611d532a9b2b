"""Project-wide middleware: the audit log, and the admin's allowance in the CSP."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.utils.cache import add_never_cache_headers

from core import audit


class AuditLogMiddleware:
    """Log every write (who, what, when, outcome) and every refusal, as JSON lines; the event
    vocabulary is in core/audit.py."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Who is acting, taken before the view runs (a logout changes it, a login sets it).
        before = _username(request)
        response = self.get_response(request)
        audit.record(request, response.status_code, before or _username(request))
        return response


class AdminStylesMiddleware:
    """Django admin's own widgets (autocomplete, inlines) write style attributes, so under
    /admin/ only, the Content Security Policy allows inline styles. Scripts stay strict there
    too, and every page of the service itself allows neither (docs/security.md)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/admin/"):
            response._csp_update = {"style-src": ["'unsafe-inline'"]}
        return response


def _username(request):
    user = getattr(request, "user", None)
    return user.get_username() if user is not None and user.is_authenticated else None


class NoStoreMiddleware:
    """Signed-in pages and every download carry a plan's unpublished positions and people's
    names: no browser, proxy or shared computer keeps a copy (Cache-Control: no-store)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        download = "attachment" in response.get("Content-Disposition", "")
        if signed_in or download:
            add_never_cache_headers(response)
        return response


class HtmxSignedOutMiddleware:
    """An in-page save (htmx) after the session ended gets 401, not the redirect to the login
    page: htmx would follow that redirect and swap a whole login page into the row, losing
    what was typed. The page's script shows a message and keeps the form (static/js)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.headers.get("HX-Request") == "true"
            and response.status_code == 302
            and response.get("Location", "").startswith(resolve_url(settings.LOGIN_URL))
        ):
            signed_out = HttpResponse("You have been signed out.", status=401)
            signed_out["Content-Type"] = "text/plain; charset=utf-8"
            return signed_out
        return response
