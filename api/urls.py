from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from api import schema, views  # noqa: F401 (schema: the Bearer scheme)

app_name = "api"


class Router(DefaultRouter):
    include_format_suffixes = False  # JSON only: /deliverables/, not /deliverables.json


router = Router()
router.register("plans", views.PlanViewSet, basename="plan")
router.register("themes", views.ThemeViewSet, basename="theme")
router.register("objectives", views.ObjectiveViewSet, basename="objective")
router.register("deliverables", views.DeliverableViewSet, basename="deliverable")
router.register("status-updates", views.StatusUpdateViewSet, basename="statusupdate")
router.register("assurance-reviews", views.AssuranceReviewViewSet, basename="assurancereview")
router.register("measures", views.MeasureViewSet, basename="measure")
router.register("measure-values", views.MeasureValueViewSet, basename="measurevalue")
router.register("committee-actions", views.CommitteeActionViewSet, basename="committeeaction")
router.register("principal-risks", views.PrincipalRiskViewSet, basename="principalrisk")

# Tokens, not the site's sign-in page: the API answers 401 itself (REST_FRAMEWORK settings).
urlpatterns = [
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path("needs-a-look/", login_not_required(views.NeedsALookView.as_view()), name="needs_a_look"),
    path(
        "assurance-glance/",
        login_not_required(views.AssuranceGlanceView.as_view()),
        name="assurance_glance",
    ),
]
for pattern in router.urls:
    pattern.callback = login_not_required(pattern.callback)
    urlpatterns.append(pattern)


@login_not_required
def not_found(request, rest=""):
    """Anything under the API that is not one of its addresses (an id that is not digits, a
    mistyped endpoint): a JSON 404 like the API's own, not the site's HTML page."""
    return JsonResponse({"detail": "Not found."}, status=404)


urlpatterns.append(re_path(r"^(?P<rest>.*)$", not_found, name="not_found"))
