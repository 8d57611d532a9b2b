"""Single sign-on in a real browser against a real OpenID Connect provider on loopback: the
certified npm package oidc-provider, run by tools/oidc_provider.mjs. Discovery, the authorisation
code flow with PKCE, state and nonce, token checks; sign-in, a first sign-in without a role,
signing out at the provider too, and the refusals."""

import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest
from django.contrib.auth import get_user_model

from accounts import oidc
from accounts.roles import VIEWERS
from tests.browser.helpers import check_page
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tools" / "oidc_provider.mjs"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def provider(site, settings):
    if not shutil.which("node") or not (ROOT / "node_modules" / "oidc-provider").exists():
        pytest.skip("node and the oidc-provider package (npm ci) are needed")
    base, _ = site
    port = free_port()
    process = subprocess.Popen(
        ["node", str(SCRIPT), str(port), f"{base}/oidc/callback/", f"{base}/login/"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError(f"the provider did not start: {process.stdout.read()}") from None
            time.sleep(0.2)
    settings.OIDC_ISSUER = issuer
    settings.OIDC_RP_CLIENT_ID = "uhbplan"
    settings.OIDC_RP_CLIENT_SECRET = "uhbplan-test-secret"
    settings.OIDC_AUDIENCE = ""
    settings.OIDC_LEEWAY_SECONDS = 60
    oidc._discovery.cache_clear()
    yield issuer
    process.terminate()
    process.wait(timeout=10)
    oidc._discovery.cache_clear()


def sign_in_at_provider(page, base, login):
    """From uhbplan's login page through the provider's own login and consent pages."""
    page.goto(f"{base}/login/")
    page.get_by_role("link", name="Sign in with your NHS account").click()
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any password")
    page.get_by_role("button", name="Sign-in").click()
    consent = page.get_by_role("button", name="Continue")
    if consent.count():
        consent.click()
    # The provider's pages load web fonts from the internet, which this machine cannot reach.
    page.console_errors.clear()


def test_sign_in_first_sign_in_and_sign_out(site, provider, new_page):
    base, _ = site
    ann = UserFactory(username="ann", email="Ann.Board@nhs.net", role=VIEWERS)
    page = new_page()
    sign_in_at_provider(page, base, "ann.board")
    page.get_by_role("heading", name="Dashboard").wait_for()
    assert "/dashboard/" in page.url
    check_page(page)
    # Matched by e-mail (whatever its case) to her account: no second account was made.
    assert get_user_model().objects.filter(email__iexact="ann.board@nhs.net").count() == 1
    assert page.context.cookies() and ann.pk

    # Signing out here also ends the provider's session (RP-initiated logout).
    page.get_by_role("button", name="Log out").first.click()
    page.get_by_role("button", name="Yes, sign me out").click()
    page.get_by_role("heading", name="Log in").wait_for()
    page.console_errors.clear()
    # The provider asks for a login again: its session ended too.
    page.get_by_role("link", name="Sign in with your NHS account").click()
    page.locator("input[name=login]").wait_for()

    # Someone new: an account with no role, and the page that says whom to ask.
    other = new_page()
    sign_in_at_provider(other, base, "new.person")
    other.get_by_text("ask a plan administrator", exact=False).first.wait_for()
    person = get_user_model().objects.get(email="new.person@nhs.net")
    assert not person.groups.exists() and not person.has_usable_password()


def refused(page):
    page.get_by_role("heading", name="Sign-in not completed").wait_for()
    # The refusal is answered 403, which the browser notes in its console: expected here.
    assert all("status of 403" in e for e in page.console_errors), page.console_errors
    page.console_errors.clear()
    check_page(page, reload=False)
    return page.locator("main").inner_text()


def test_a_changed_state_is_refused(site, provider, new_page):
    base, _ = site
    page = new_page()

    def change_state(route):
        # Follow the provider's own redirects here (the browser would not show them to the
        # route), and change the state in its last one, back to uhbplan.
        response = route.fetch(max_redirects=0)
        location = response.headers.get("location", "")
        while location and urljoin(provider + "/", location).startswith(provider):
            response = page.context.request.get(urljoin(provider + "/", location), max_redirects=0)
            location = response.headers.get("location", "")
        headers = dict(response.headers)
        if "/oidc/callback/" in location:
            parts = urlsplit(location)
            query = dict(parse_qsl(parts.query)) | {"state": "changed-on-the-way"}
            headers["location"] = urlunsplit(parts._replace(query=urlencode(query)))
        route.fulfill(status=response.status, headers=headers, body=response.body())

    page.route(f"{provider}/**", change_state)
    sign_in_at_provider(page, base, "ann.board")
    assert "did not match the one this browser started" in refused(page)
    assert not get_user_model().objects.filter(email="ann.board@nhs.net").exists()


def test_an_expired_token_is_refused(site, provider, new_page, settings):
    # As if the token reached uhbplan two hours late (its lifetime is an hour).
    settings.OIDC_LEEWAY_SECONDS = -7200
    base, _ = site
    page = new_page()
    sign_in_at_provider(page, base, "ann.board")
    assert "had expired before it reached uhbplan" in refused(page)


def test_a_token_for_another_service_is_refused(site, provider, new_page, settings):
    settings.OIDC_AUDIENCE = "another-service"
    base, _ = site
    page = new_page()
    sign_in_at_provider(page, base, "ann.board")
    assert "meant for another service" in refused(page)
