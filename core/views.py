"""Site-wide pages: the home router, health checks, the accessibility statement, and error
pages that must work without the database."""

import logging
import sys

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

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
        return redirect("reporting:my_groups")
    return redirect("reporting:dashboard")


@require_safe
@login_not_required
def accessibility_statement(request):
    """Public-sector sites publish one; it is readable before signing in."""
    context = {"contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL}
    return render(request, "accessibility.html", context)
