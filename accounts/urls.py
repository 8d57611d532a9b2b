from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.decorators.http import require_POST

from accounts import oidc, views
from accounts.forms import LoginForm

# Not namespaced: Django's sign-in machinery (LOGIN_URL, the admin's log-out) names "login" and
# "logout" bare, and the rest keep their names beside them.
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", require_POST(oidc.logout), name="logout"),
    path("oidc/authenticate/", login_not_required(oidc.authentication_request), name="oidc_login"),
    path("oidc/callback/", login_not_required(oidc.callback), name="oidc_callback"),
    path("oidc/jwks.json", login_not_required(oidc.jwks), name="oidc_jwks"),
    path("sign-in-failed/", views.sign_in_failed, name="sign_in_failed"),
    path("session/", views.session_status, name="session"),
    path("logged-in/", views.logged_in_again, name="logged_in_again"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("people/", views.people_list, name="people"),
    path("people/add/", views.person_add, name="person_add"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
]
