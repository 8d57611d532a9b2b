"""Single sign-on in a real browser against a real OpenID Connect provider on loopback: the
certified npm package oidc-provider, run by tools/oidc_provider.mjs. Discovery, the authorisation
code flow with PKCE, state and nonce, token checks; sign-in, a first sign-in without a role,
signing out at the provider too, and the refusals."""

import json
import logging
import os
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
from tests.browser.helpers import check_page, follow
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tools" / "oidc_provider.mjs"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_provider(site, env=None):
    """The test provider on a free port (tools/oidc_provider.mjs); (process, issuer)."""
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
        env=os.environ | (env or {}),
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
    return process, issuer


@pytest.fixture
def provider(site, settings):
    process, issuer = start_provider(site)
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
    # The consent page is asked about once it has loaded (on a busy machine it had not).
    follow(page, page.get_by_role("button", name="Sign-in"))
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


def private_key_and_jwks():
    """A fresh RSA key, as a trust would make for CIS2: the PEM for uhbplan, the public key
    set for the provider's registration."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = json.loads(RSAAlgorithm.to_jwk(key.public_key())) | {
        "kid": "uhbplan-1",
        "use": "sig",
        "alg": "RS512",
    }
    return pem, {"keys": [public]}


@pytest.fixture
def cis2_provider(site, settings):
    """The provider configured as NHS CIS2 would be: private_key_jwt client authentication,
    an acr on every sign-in, people named by their CIS2 uid."""
    pem, jwks = private_key_and_jwks()
    process, issuer = start_provider(
        site, {"PROFILE": "cis2", "CLIENT_JWKS": json.dumps(jwks), "ACR": "AAL3_ANY"}
    )
    settings.OIDC_ISSUER, settings.OIDC_RP_CLIENT_ID = issuer, "uhbplan"
    settings.OIDC_RP_CLIENT_SECRET, settings.OIDC_AUDIENCE = "", ""
    settings.OIDC_PROFILE, settings.OIDC_CLIENT_AUTH = "cis2", "private_key_jwt"
    settings.OIDC_PRIVATE_KEY, settings.OIDC_PRIVATE_KEY_ID = pem, "uhbplan-1"
    settings.OIDC_REQUIRED_ACR = "AAL3_ANY"
    oidc._discovery.cache_clear()
    yield issuer
    process.terminate()
    process.wait(timeout=10)
    oidc._discovery.cache_clear()


@pytest.fixture
def entra_provider(site, settings):
    """The provider as Entra ID is: no e-mail claim, people by tenant and object id, and a
    `groups` claim the role map reads."""
    process, issuer = start_provider(site, {"PROFILE": "entra", "GROUPS": "board-members"})
    settings.OIDC_ISSUER, settings.OIDC_RP_CLIENT_ID = issuer, "uhbplan"
    settings.OIDC_RP_CLIENT_SECRET, settings.OIDC_AUDIENCE = "uhbplan-test-secret", ""
    settings.OIDC_PROFILE = "entra"
    settings.OIDC_ROLE_CLAIM, settings.OIDC_ROLE_MAP = "groups", "board-members=viewer"
    oidc._discovery.cache_clear()
    yield issuer
    process.terminate()
    process.wait(timeout=10)
    oidc._discovery.cache_clear()


def test_cis2_private_key_jwt_and_assurance_level(site, cis2_provider, new_page, settings):
    from accounts.models import Identity

    base, _ = site
    ann = UserFactory(username="ann", email="ann.board@nhs.net", role=VIEWERS)
    page = new_page()
    sign_in_at_provider(page, base, "ann.board")
    page.get_by_role("heading", name="Dashboard").wait_for()
    identity = Identity.objects.get(user=ann)
    assert identity.subject.startswith("55")  # her CIS2 uid, not the e-mail
    # Her e-mail changes at the provider's end: the uid still finds her account.
    get_user_model().objects.filter(pk=ann.pk).update(email="ann.changed@nhs.net")
    page.get_by_role("button", name="Log out").first.click()
    follow(page, page.get_by_role("button", name="Yes, sign me out"))
    page.console_errors.clear()
    settings.OIDC_REQUIRED_ACR = "AAL3_ANY"
    other = new_page()
    sign_in_at_provider(other, base, "ann.board")
    other.get_by_role("heading", name="Dashboard").wait_for()
    assert get_user_model().objects.count() == len(site[1]) + 1  # no second account


def test_cis2_refuses_a_lower_assurance_level(site, cis2_provider, new_page, settings, caplog):
    settings.OIDC_REQUIRED_ACR = "AAL3_ANY_BUT_HIGHER"
    base, _ = site
    page = new_page()
    with caplog.at_level(logging.INFO, logger="uhbplan.audit"):
        sign_in_at_provider(page, base, "ann.board")
        assert "level of assurance is too low" in refused(page)
    # The audit log says why, not "wrong username or password" (issue 29).
    outcomes = [getattr(r, "outcome", "") for r in caplog.records if r.msg == "login_failed"]
    assert outcomes and all(o.startswith("sso: The sign-in's level of assurance") for o in outcomes)


def test_entra_without_an_email_claim(site, entra_provider, new_page):
    """Entra ID sends preferred_username, not email: the person an administrator added is
    matched by it at first, then by tenant and object id; the provider's group gives a role."""
    from accounts.models import Identity

    base, _ = site
    nia = UserFactory(username="nia", email="nia.new@uhb.nhs.uk")
    page = new_page()
    sign_in_at_provider(page, base, "nia.new")
    page.get_by_role("heading", name="Dashboard").wait_for()
    identity = Identity.objects.get(user=nia)
    assert identity.subject.startswith("tenant-uhb:id-")
    nia.refresh_from_db()
    assert nia.groups.filter(name=VIEWERS).exists()  # from the groups claim
    # Someone new gets a readable username, not a hash.
    other = new_page()
    sign_in_at_provider(other, base, "sam.stranger")
    other.get_by_role("heading", name="Dashboard").wait_for()
    assert get_user_model().objects.filter(username="sam.stranger").exists()
