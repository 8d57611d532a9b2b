"""Project-wide middleware: the audit log, and the admin's allowance in the CSP."""

import logging

from django.utils.cache import add_never_cache_headers

audit = logging.getLogger("uhbplan.audit")

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class AuditLogMiddleware:
    """Log every write (who, what, when, outcome) and every refusal, as JSON lines."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Who is writing, taken before the view runs (a logout changes it).
        writer = _username(request) if request.method in WRITE_METHODS else None
        response = self.get_response(request)
        status = response.status_code
        if request.method in WRITE_METHODS or status in (401, 403):
            event = "refused" if status in (401, 403) else "write"
            if request.method in WRITE_METHODS and status == 405:
                event = "refused"
            audit.info(
                event,
                extra={
                    "user": writer if request.method in WRITE_METHODS else _username(request),
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    "ip": request.META.get("REMOTE_ADDR"),
                    "htmx": bool(getattr(request, "htmx", False)),
                },
            )
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
