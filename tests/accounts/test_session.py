"""The session as the page's script sees it: the timeout warning and signing in again."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone


@pytest.mark.django_db
class TestSessionStatus:
    def test_signed_out_is_a_401_the_script_understands(self, client):
        response = client.get(reverse("session"))
        assert response.status_code == 401 and response.json() == {"signed_in": False}

    def test_signed_in_gives_the_current_token_and_extends_the_session(
        self, client, people, settings
    ):
        settings.SESSION_COOKIE_AGE = 600
        client.force_login(people["cdo"])
        response = client.get(reverse("session"))
        data = response.json()
        assert data["signed_in"] is True and data["seconds"] == 600 and len(data["csrf"]) >= 32
        assert "no-store" in response["Cache-Control"]
        # The idle clock starts again.
        expires = Session.objects.get(session_key=client.session.session_key).expire_date
        assert expires > timezone.now() + datetime.timedelta(seconds=590)

    def test_the_logged_in_again_page(self, client, people):
        assert client.get(reverse("logged_in_again")).status_code == 302  # sign in first
        client.force_login(people["cdo"])
        page = client.get(reverse("logged_in_again")).content.decode()
        assert "You are logged in again" in page and "You can close this tab" in page


@pytest.mark.django_db
class TestTimeoutWarning:
    def test_signed_in_pages_carry_the_warning(self, client, people, settings):
        settings.SESSION_COOKIE_AGE = 1800
        settings.SESSION_WARNING_SECONDS = 120
        client.force_login(people["viewer"])
        page = client.get(reverse("reporting:dashboard")).content.decode()
        assert 'data-uhb-session-seconds="1800" data-uhb-warning-seconds="120"' in page
        assert "You're about to be logged out" in page and "Stay logged in" in page
        assert f'href="{reverse("login")}?next={reverse("logged_in_again")}"' in page

    def test_not_on_the_sign_in_page(self, client):
        page = client.get(reverse("login")).content.decode()
        assert "data-uhb-session-seconds" not in page and "Stay logged in" not in page
