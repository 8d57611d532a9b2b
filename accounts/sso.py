"""Who a single sign-on is (issue 29): the provider's profile (generic OpenID Connect, NHS CIS2,
Entra ID), its stable subject, and how a sign-in finds its uhbplan account.

- **Profiles** say which claims hold the stable subject and which can match a person at their
  first sign-in. CIS2 names people by `uid` / `nhsid_useruid`; Entra ID by `oid` within its
  tenant `tid` (its `sub` differs per application) and often sends no `email`, only
  `preferred_username` / `upn`.
- **Matching.** Once linked, only the subject counts: a changed e-mail keeps the account. At a
  first sign-in the e-mail or username may match an account that has no identity at this
  provider yet; it is then linked. An address whose account is linked to someone else's
  subject matches nothing (a reused mailbox inherits no roles): a new account is made.
- **Roles** from the provider's groups or roles, where `OIDC_ROLE_MAP` says which; they are
  given, never taken away (a plan administrator does that on People).
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone

from accounts.models import Identity


@dataclass(frozen=True)
class Profile:
    name: str
    scopes: str
    # Tried in order; a tuple of several claims is joined ("tid:oid").
    subject_claims: tuple
    # Claims that may match an account at a first sign-in (e-mail or username).
    match_claims: tuple
    acr_values: str = ""


PROFILES = {
    "generic": Profile("generic", "openid email profile", (("sub",),), ("email",)),
    "entra": Profile(
        "entra",
        "openid email profile",
        (("tid", "oid"), ("sub",)),
        ("email", "preferred_username", "upn"),
    ),
    "cis2": Profile(
        "cis2",
        "openid profile email nationalrbacaccess",
        (("uid",), ("nhsid_useruid",), ("sub",)),
        ("email",),
        acr_values="AAL3_ANY",
    ),
}


def profile() -> Profile:
    return PROFILES.get(settings.OIDC_PROFILE, PROFILES["generic"])


def scopes() -> str:
    return settings.OIDC_SCOPES or profile().scopes


def acr_values() -> str:
    return settings.OIDC_ACR_VALUES or profile().acr_values


def subject_of(claims: dict) -> str:
    """The stable subject of a sign-in's claims, or "" if the provider sent none."""
    for names in profile().subject_claims:
        values = [str(claims.get(name) or "").strip() for name in names]
        if all(values):
            return ":".join(values)
    return ""


def addresses_of(claims: dict) -> list[str]:
    """The e-mail addresses and usernames a first sign-in may match, lower-cased."""
    found = []
    for name in profile().match_claims:
        value = str(claims.get(name) or "").strip().lower()
        if value and value not in found:
            found.append(value)
    return found


def find(claims: dict, issuer: str):
    """The account this sign-in is, or None: by its linked subject, else (a first sign-in) by
    e-mail or username among accounts with no identity at this provider yet."""
    User = get_user_model()
    subject = subject_of(claims)
    identity = Identity.objects.filter(issuer=issuer, subject=subject).select_related("user")
    identity = identity.first()
    if identity is not None:
        return identity.user
    addresses = addresses_of(claims)
    if not addresses:
        return None
    candidates = User.objects.exclude(identities__issuer=issuer)
    matches = []
    for address in addresses:
        matches = list(candidates.filter(email__iexact=address)) or list(
            candidates.filter(username__iexact=address)
        )
        if matches:
            break
    return matches[0] if len(matches) == 1 else None


def link(user, claims: dict, issuer: str) -> Identity:
    identity, _ = Identity.objects.get_or_create(
        issuer=issuer, subject=subject_of(claims), defaults={"user": user}
    )
    identity.last_seen_at = timezone.now()
    identity.save(update_fields=["last_seen_at"])
    return identity


def readable_username(claims: dict) -> str:
    """A username people can read in the audit log and on People ("ann.board", not a hash):
    the local part of the e-mail or username, else the name; made unique with a number."""
    User = get_user_model()
    source = next(iter(addresses_of(claims)), "") or str(claims.get("name") or "")
    base = re.sub(r"[^a-z0-9._-]+", ".", source.split("@")[0].lower()).strip(".")[:140]
    base = base or "person"
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


def email_of(claims: dict) -> str:
    for name in ("email", "preferred_username", "upn"):
        value = str(claims.get(name) or "").strip()
        if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            return value
    return ""


def role_names(claims: dict) -> list[str]:
    """The uhbplan roles the provider's groups or roles give (`OIDC_ROLE_CLAIM`, mapped by
    `OIDC_ROLE_MAP`: "Board members=viewer,Plan office=admin,CDO office=owner:CDO,DHG=group:DHG";
    a group by its code)."""
    if not settings.OIDC_ROLE_CLAIM or not settings.OIDC_ROLE_MAP:
        return []
    values = claims.get(settings.OIDC_ROLE_CLAIM) or []
    if isinstance(values, str):
        values = [values]
    mapping = {}
    for pair in settings.OIDC_ROLE_MAP.split(","):
        key, _, role = pair.partition("=")
        if key.strip() and role.strip():
            mapping[key.strip()] = role.strip()
    return [mapping[str(value)] for value in values if str(value) in mapping]


@transaction.atomic
def give_roles(user, claims: dict) -> list[str]:
    """Give the roles the provider's groups map to, that the person lacks: recorded in their
    history as given at sign-in."""
    from accounts import people
    from assurance.models import AssuranceGroup

    held = {key for key, _ in people.roles_of(user)}
    given = []
    for role in role_names(claims):
        kind, _, code = role.partition(":")
        if kind == "group":
            group = AssuranceGroup.objects.filter(code=code).first()
            if group is None:
                continue
            role = f"group:{group.pk}"
        if role in held:
            continue
        try:
            people.change_role(user, role, give=True, by=None)
        except (ValueError, ObjectDoesNotExist):
            continue  # a mapping to a role that does not exist gives nothing
        held.add(role)
        given.append(role)
    return given
