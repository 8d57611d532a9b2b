"""Single sign-on by OpenID Connect (Entra ID, NHS CIS2, Keycloak...), with mozilla-django-oidc.

Configured by environment variables (settings `OIDC_ISSUER`, `OIDC_RP_CLIENT_ID`,
`OIDC_RP_CLIENT_SECRET`): the provider's endpoints come from its discovery document, so only the
issuer is needed. Off (every view 404, the backend authenticates no one) while the issuer is
empty. docs/adr/0014-single-sign-on.md says why this library and how people are matched.

What is checked, beyond the library's state, nonce and signature checks: the ID token's issuer,
audience and expiry (the library skips the audience), with PKCE on. A refusal is a page saying
what went wrong, never a 500 or a bare 400.
"""

import json
import logging
import secrets
import threading
import time
import urllib.parse

import jwt
import requests
from django.conf import settings
from django.contrib import auth
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from accounts import sso

log = logging.getLogger("uhbplan")

_ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_ISSUER", ""))


class Unavailable(Exception):
    """The provider's discovery document could not be had: it is down, slow or answers nonsense.
    Only single sign-on is affected (issue 29: an outage took every page and the API down)."""


class _DiscoveryCache:
    """The provider's discovery document, fetched when first needed (never at start-up or to
    check a permission), with a short timeout, kept for an hour; a failure is kept for half a
    minute, so an outage costs one short wait every thirty seconds, not one per request."""

    KEEP_SECONDS = 3600
    FAILURE_SECONDS = 30

    def __init__(self):
        self._found: dict[str, tuple[float, dict | Exception]] = {}
        self._lock = threading.Lock()

    def __call__(self, issuer: str) -> dict:
        now = time.monotonic()
        with self._lock:
            kept = self._found.get(issuer)
        if kept is None or kept[0] < now:
            try:
                value, keep = self._fetch(issuer), self.KEEP_SECONDS
            except (requests.RequestException, ValueError, KeyError) as error:
                log.warning("sso: the provider's discovery document could not be had: %s", error)
                value, keep = Unavailable(str(error)), self.FAILURE_SECONDS
            kept = (now + keep, value)
            with self._lock:
                self._found[issuer] = kept
        if isinstance(kept[1], Exception):
            raise Unavailable(str(kept[1]))
        return kept[1]

    @staticmethod
    def _fetch(issuer: str) -> dict:
        url = issuer.rstrip("/") + "/.well-known/openid-configuration"
        response = requests.get(url, timeout=settings.OIDC_DISCOVERY_TIMEOUT)
        response.raise_for_status()
        document = response.json()
        for key in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(document.get(key), str):
                raise KeyError(f"the discovery document has no {key}")
        return document

    def cache_clear(self):
        with self._lock:
            self._found.clear()


_discovery = _DiscoveryCache()


def discovery() -> dict:
    """The provider's discovery document; `Unavailable` if it cannot be had just now."""
    return _discovery(settings.OIDC_ISSUER)


def available() -> bool:
    """Whether single sign-on can start now: set up, and its provider answering."""
    if not enabled():
        return False
    try:
        discovery()
    except Unavailable:
        return False
    return True


def _settings(attr, *default):
    """The library's settings, with the provider's endpoints from its discovery document."""
    if attr == "OIDC_RP_CLIENT_ID":
        return settings.OIDC_RP_CLIENT_ID
    if attr == "OIDC_RP_SCOPES":
        return sso.scopes()
    if attr == "OIDC_OP_USER_ENDPOINT" and enabled():
        return discovery().get("userinfo_endpoint")  # Entra and CIS2 may have none in use
    if attr in _ENDPOINTS and enabled():
        return discovery()[_ENDPOINTS[attr]]
    if attr == "OIDC_TOKEN_USE_BASIC_AUTH":
        return settings.OIDC_CLIENT_AUTH == "client_secret_basic"
    if hasattr(settings, attr):
        return getattr(settings, attr)
    if default:
        return default[0]
    raise AttributeError(attr)


class Refused(SuspiciousOperation):
    """A sign-in refused for a reason a person can be told."""


class Backend(OIDCAuthenticationBackend):
    """People are matched by the provider's stable subject once linked, by e-mail or username
    at a first sign-in (accounts.sso). Someone new is created with no role when
    `OIDC_CREATE_USER` is on: they see the "ask a plan administrator" page until one gives them
    a role (or the provider's groups do, `OIDC_ROLE_MAP`)."""

    get_settings = staticmethod(_settings)

    def __init__(self, *args, **kwargs):
        # Nothing is read from the provider here: Django builds every backend for every
        # permission check, so the library's eager reading of the endpoints made each page and
        # API call depend on the provider (issue 29). They are read when a sign-in needs them.
        self.UserModel = auth.get_user_model()

    def __getattr__(self, name):
        if name.startswith("OIDC_"):
            return _settings(name, None)
        raise AttributeError(name)

    def get_user(self, user_id):
        """The signed-in person on each request: nobody once deactivated, as Django's own
        backend does (the library's returns them, so a deactivated person's single sign-on
        session went on writing; issue 25)."""
        user = self.UserModel._default_manager.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None

    def authenticate(self, request, **kwargs):
        if not enabled() or request is None or "code" not in request.GET:
            return None
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload, key):
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise Refused("The provider signed the sign-in with an unexpected algorithm.")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=settings.OIDC_AUDIENCE or settings.OIDC_RP_CLIENT_ID,
                issuer=discovery()["issuer"],
                leeway=settings.OIDC_LEEWAY_SECONDS,
                # Expiry, not issue time: a provider's clock a little ahead is no reason to
                # refuse (the leeway covers expiry both ways).
                options={"verify_iat": False},
            )
        except jwt.ExpiredSignatureError:
            raise Refused("The sign-in had expired before it reached uhbplan.") from None
        except jwt.InvalidAudienceError:
            raise Refused("The sign-in was meant for another service, not uhbplan.") from None
        except jwt.InvalidIssuerError:
            raise Refused("The sign-in came from a provider uhbplan does not trust.") from None
        except jwt.InvalidTokenError:
            raise Refused("The sign-in could not be verified.") from None

    def get_token(self, payload):
        """The token request, authenticated as the provider asks: by the client secret, or
        (CIS2) by a JWT signed with our private key (`private_key_jwt`, RFC 7523), which the
        library cannot make."""
        if settings.OIDC_CLIENT_AUTH != "private_key_jwt":
            return super().get_token(payload)
        endpoint = self.OIDC_OP_TOKEN_ENDPOINT
        payload = dict(payload)
        payload.pop("client_secret", None)
        payload["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        payload["client_assertion"] = client_assertion(endpoint)
        response = requests.post(endpoint, data=payload, timeout=settings.OIDC_TIMEOUT)
        self.raise_token_response_error(response)
        return response.json()

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims (its `acr`, Entra's `oid` and `tid`) with the userinfo
        endpoint's over them, where the provider has one that answers."""
        claims = dict(payload or {})
        if self.OIDC_OP_USER_ENDPOINT:
            try:
                claims |= super().get_userinfo(access_token, id_token, payload) or {}
            except requests.RequestException:
                log.warning("sso: the userinfo endpoint did not answer; the ID token's claims used")
        return claims

    def verify_claims(self, claims):
        if not sso.subject_of(claims):
            raise Refused("The provider did not say who you are (no subject in the sign-in).")
        required = [a.strip() for a in settings.OIDC_REQUIRED_ACR.split(",") if a.strip()]
        if required and claims.get("acr") not in required:
            raise Refused(
                "The sign-in's level of assurance is too low for uhbplan: sign in with your "
                "smartcard or another method your provider trusts at that level."
            )
        if claims.get("email") and claims.get("email_verified", True) is False:
            raise Refused("The provider has not verified your e-mail address.")
        return True

    def get_or_create_user(self, access_token, id_token, payload):
        """The person by their linked subject; at a first sign-in, by e-mail or username, then
        linked; else a new account with a readable username (accounts.sso). Refusals say why:
        the library turns any into a bare failure, so the reason is kept on the request for the
        callback's page and the audit log."""
        try:
            return self._person(access_token, id_token, payload)
        except Refused as error:
            self.request.sso_refusal = str(error)
            raise

    def _person(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        self.verify_claims(claims)
        issuer = discovery()["issuer"]
        user = sso.find(claims, issuer)
        if user is None:
            if not settings.OIDC_CREATE_USER:
                raise Refused(
                    "uhbplan does not know you yet. Ask a plan administrator to add you on "
                    "People, then sign in again."
                )
            user = self.create_user(claims)
        elif not user.is_active:
            raise Refused("Your uhbplan account has been deactivated.")
        sso.link(user, claims, issuer)
        given = sso.give_roles(user, claims)
        if given:
            log.info("sso: %s given %s by their provider's groups", user.get_username(), given)
        return user

    def create_user(self, claims):
        user = self.UserModel(
            username=sso.readable_username(claims),
            email=sso.email_of(claims),
            first_name=str(claims.get("given_name") or "")[:150],
            last_name=str(claims.get("family_name") or "")[:150],
        )
        user.set_unusable_password()
        user.save()
        log.info("sso: created %s with no role", user.get_username())
        return user


def _private_key() -> str:
    key = settings.OIDC_PRIVATE_KEY
    if not key and settings.OIDC_PRIVATE_KEY_FILE:
        with open(settings.OIDC_PRIVATE_KEY_FILE, encoding="utf-8") as file:
            key = file.read()
    return key


def public_jwks() -> dict:
    """The public half of the client key as a JSON Web Key Set, for a provider that reads
    the client's keys from a URL rather than from a registration form."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key
    from jwt.algorithms import RSAAlgorithm

    key = load_pem_private_key(_private_key().encode(), password=None)
    public = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    public |= {"use": "sig", "alg": settings.OIDC_PRIVATE_KEY_ALG}
    if settings.OIDC_PRIVATE_KEY_ID:
        public["kid"] = settings.OIDC_PRIVATE_KEY_ID
    return {"keys": [public]}


def jwks(request):
    """`/oidc/jwks.json`: uhbplan's public client key, where `private_key_jwt` is in use."""
    if not enabled() or settings.OIDC_CLIENT_AUTH != "private_key_jwt" or not _private_key():
        raise Http404("No client key is published.")
    return JsonResponse(public_jwks())


def client_assertion(audience: str) -> str:
    """A client assertion for `private_key_jwt`: signed with the key in `OIDC_PRIVATE_KEY`
    (PEM) or the file `OIDC_PRIVATE_KEY_FILE`, by `OIDC_PRIVATE_KEY_ALG` (RS512, as CIS2 asks),
    naming the key by `OIDC_PRIVATE_KEY_ID`, valid five minutes, used once."""
    key = _private_key()
    if not key:
        raise Refused("Single sign-on is set up for private_key_jwt but has no private key.")
    now = int(time.time())
    claims = {
        "iss": settings.OIDC_RP_CLIENT_ID,
        "sub": settings.OIDC_RP_CLIENT_ID,
        "aud": audience,
        "jti": secrets.token_urlsafe(24),
        "iat": now,
        "exp": now + 300,
    }
    headers = {"kid": settings.OIDC_PRIVATE_KEY_ID} if settings.OIDC_PRIVATE_KEY_ID else None
    return jwt.encode(claims, key, algorithm=settings.OIDC_PRIVATE_KEY_ALG, headers=headers)


class AuthenticationRequest(OIDCAuthenticationRequestView):
    get_settings = staticmethod(_settings)

    def get_extra_params(self, request):
        """The assurance level asked of the provider (CIS2: `acr_values`)."""
        wanted = sso.acr_values()
        return {"acr_values": wanted} if wanted else {}

    def __init__(self, *args, **kwargs):
        # The library reads the endpoints here too: after `available()` said yes.
        super().__init__(*args, **kwargs)


class Callback(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(_settings)

    def get(self, request):
        try:
            return super().get(request)
        except Refused as error:
            return _refused(request, str(error))
        except SuspiciousOperation:
            # The state did not match this browser's sign-in (a replayed or changed link).
            return _refused(
                request,
                "The sign-in did not match the one this browser started: it may have been "
                "changed, or used twice.",
            )
        except (requests.RequestException, Unavailable):
            log.exception("sso: the provider could not be reached")
            return _refused(request, UNREACHABLE)

    @property
    def failure_url(self):
        return reverse("sign_in_failed")

    def login_failure(self):
        reason = getattr(self.request, "sso_refusal", "")
        if reason:
            return _refused(self.request, reason)
        return super().login_failure()


def _refused(request, reason, status=403):
    auth.logout(request)
    request.audit_event, request.audit_outcome = "login_failed", f"sso: {reason}"
    return render(request, "registration/sign_in_failed.html", {"reason": reason}, status=status)


UNREACHABLE = (
    "The sign-in provider could not be reached just now. Try again in a minute, or sign in with "
    "a password if the plan administrator gave you one."
)


def authentication_request(request):
    if not enabled():
        raise Http404("Single sign-on is not set up.")
    if not available():
        return _refused(request, UNREACHABLE, status=503)
    return AuthenticationRequest.as_view()(request)


def callback(request):
    if not enabled():
        raise Http404("Single sign-on is not set up.")
    return Callback.as_view()(request)


def provider_logout_url(request, id_token: str | None) -> str | None:
    """Where to send the browser after signing out here, to end the provider's session too
    (RP-initiated logout), or None when the provider does not support it."""
    if not enabled() or not id_token:
        return None
    try:
        end = discovery().get("end_session_endpoint")
    except Unavailable:
        return None  # signed out here; the provider's own session ends with its timeout
    if not end:
        return None
    query = urllib.parse.urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
            "client_id": settings.OIDC_RP_CLIENT_ID,
        }
    )
    return f"{end}?{query}"


def logout(request):
    """Sign out here, then at the provider where it supports it."""
    id_token = request.session.get("oidc_id_token")
    auth.logout(request)
    return HttpResponseRedirect(provider_logout_url(request, id_token) or reverse("login"))
