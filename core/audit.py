"""The audit log: one JSON line for every write and every refusal, with an event and outcome.

Events:
- write: a change was accepted.
- draft: what someone typed into an update was kept as their draft (not the update).
- refused: understood and refused by a rule (invalid input, a closed quarter, a wrong method).
- conflict: refused because someone saved a newer version first.
- denied: not allowed (403, including a stale CSRF token) or not signed in (401).
- not_found: a 404 (probes for ids and pages show up here).
- login, login_failed, logout, lockout: signing in and out, and django-axes' lockout.
- error: the server failed (5xx).

Views add what only they know through two request attributes, `audit_event` and
`audit_outcome` (for example a conflict); signals below do the same for signing in.
"""

import logging

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from common.http import client_ip

log = logging.getLogger("uhbplan.audit")

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def event_for(request, status: int) -> str | None:
    """The event a finished request is logged as, or None when it is not logged."""
    marked = getattr(request, "audit_event", None)
    if marked:
        return marked
    if status in (401, 403):
        return "denied"
    if status == 404:
        return "not_found"
    if status >= 500:
        return "error"
    if request.method not in WRITE_METHODS:
        return None
    if status == 405:
        return "refused"
    if status == 429:
        return "lockout"
    return "write"


def record(request, status: int, user: str | None) -> None:
    event = event_for(request, status)
    if event is None:
        return
    log.info(
        event,
        extra={
            "outcome": getattr(request, "audit_outcome", "") or _default_outcome(status),
            "user": user,
            "method": request.method,
            "path": request.path,
            "status": status,
            "ip": client_ip(request),
            "htmx": bool(getattr(request, "htmx", False)),
        },
    )


def _default_outcome(status: int) -> str:
    if status < 400:
        return "accepted"
    return {401: "not signed in", 403: "forbidden", 404: "no such page or record"}.get(
        status, f"HTTP {status}"
    )


def _mark(request, event, outcome):
    if request is not None:
        request.audit_event, request.audit_outcome = event, outcome


def _logged_in(sender, request, user, **kwargs):
    _mark(request, "login", "signed in")


def _login_failed(sender, credentials, request=None, **kwargs):
    # Never the password. django-axes handles the same signal first: a failure that locks the
    # account out is logged as the lockout.
    if getattr(request, "audit_event", None) != "lockout":
        _mark(request, "login_failed", "wrong username or password")


def _logged_out(sender, request, user, **kwargs):
    _mark(request, "logout", "signed out")


def _locked_out(sender, request, username, ip_address, **kwargs):
    _mark(request, "lockout", "too many failed sign-ins: locked out for a while")


def connect():
    user_logged_in.connect(_logged_in, dispatch_uid="core.audit.login")
    user_login_failed.connect(_login_failed, dispatch_uid="core.audit.login_failed")
    user_logged_out.connect(_logged_out, dispatch_uid="core.audit.logout")
    user_locked_out.connect(_locked_out, dispatch_uid="core.audit.lockout")
