"""Sign-in that survives its provider (issue 29): with single sign-on set up and the provider
down or hanging, local and break-glass sign-in, every page and the API with a token work; only
the single sign-on button says it is unavailable, and starting it explains instead of failing."""

import socket
import threading

import pytest
from django.urls import reverse

from accounts import oidc
from accounts.models import ApiToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-1"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once it is closed


@pytest.fixture
def silent_provider():
    """A provider that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


@pytest.fixture(params=["down", "hanging"])
def outage(request, settings, silent_provider):
    settings.OIDC_ISSUER = (
        f"http://127.0.0.1:{closed_port()}" if request.param == "down" else silent_provider
    )
    settings.OIDC_RP_CLIENT_ID = "uhbplan"
    settings.OIDC_DISCOVERY_TIMEOUT = 0.3
    oidc._discovery.cache_clear()
    yield
    oidc._discovery.cache_clear()


def test_local_sign_in_pages_and_the_api_work(client, outage, plan_2021):
    from accounts.roles import VIEWERS

    person = UserFactory(username="val", password=PASSWORD, role=VIEWERS)
    login = client.get(reverse("login")).content.decode()
    assert "Signing in with your NHS account is not available just now" in login
    assert reverse("oidc_login") not in login
    response = client.post(reverse("login"), {"username": "val", "password": PASSWORD})
    assert response.status_code == 302
    for name in ("reporting:dashboard", "reporting:deliverable_list", "reporting:board_report"):
        assert client.get(reverse(name)).status_code == 200, name
    client.logout()
    _, text = ApiToken.issue(person, "Power BI")
    response = client.get("/api/v1/deliverables/", HTTP_AUTHORIZATION=f"Bearer {text}")
    assert response.status_code == 200


def test_starting_single_sign_on_says_why_it_cannot(client, outage):
    response = client.get(reverse("oidc_login"))
    assert response.status_code == 503
    assert "could not be reached just now" in response.content.decode()


def test_break_glass_sign_in_works(client, outage, settings):
    settings.LOCAL_SIGN_IN = "break-glass"
    settings.BREAK_GLASS_USERNAMES = ["glass"]
    UserFactory(username="glass", password=PASSWORD)
    response = client.post(reverse("login"), {"username": "glass", "password": PASSWORD})
    assert response.status_code == 302
