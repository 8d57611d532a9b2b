"""The project's URLs plus a floor page, for `manage.py bench` only (never served)."""

from django.http import HttpResponse
from django.urls import path

from objectives.models import Plan
from uhbplan.urls import handler500  # noqa: F401 (the project's error page, here too)
from uhbplan.urls import urlpatterns as project_urlpatterns


def floor(request):
    """The least a page can do on this stack: session, authentication, one query."""
    signed_in = request.user.is_authenticated
    exists = Plan.objects.exists()
    return HttpResponse(f"{signed_in} {exists}")


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *project_urlpatterns]
