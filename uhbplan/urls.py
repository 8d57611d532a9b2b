from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from assurance import views as assurance_views
from uhbplan import views
from uhbplan.forms import LoginForm

admin.site.site_header = "Strategy Implementation Plan administration"
admin.site.site_title = "Plan administration"
admin.site.index_title = "Plan administration"

handler500 = "uhbplan.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", assurance_views.home, name="home"),
    path("", include("assurance.urls")),
    path("", include("objectives.urls")),
    path("", include("deliverables.urls")),
]
