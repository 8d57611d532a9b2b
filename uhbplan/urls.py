from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Strategy Implementation Plan administration"
admin.site.site_title = "Plan administration"
admin.site.index_title = "Plan administration"

handler500 = "core.views.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("", include("core.urls")),
    path("", include("accounts.urls")),
    path("", include("planning.urls")),
    path("", include("reporting.urls")),
    path("", include("assurance.urls")),
    path("baf/", include("assurance.baf.urls")),
    path("", include("objectives.urls")),
    path("", include("deliverables.urls")),
]
