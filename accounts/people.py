"""People and their roles, as plan administrators manage them on the People pages.

Roles are the links `accounts.roles` already reads: an Owner's people (executive owner or delegate),
an assurance group's secretaries, and the Plan administrators and Viewers groups. Every change is
kept as a `PersonChange` (the person's history) and, for links, in the Owner's or group's own
history too; the view adds each to the audit log.
"""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, Identity, PersonChange
from accounts.roles import PLAN_ADMINISTRATORS, VIEWERS
from assurance.models import AssuranceGroup
from common.text import field_limit, shortened
from deliverables.models import Owner


def roles_of(person) -> list[tuple[str, str]]:
    """(role key, words) for each role the person has, as the pages list them."""
    found = []
    names = {g.name for g in person.groups.all()}
    if PLAN_ADMINISTRATORS in names:
        found.append(("admin", "Plan administrator"))
    for owner in person.owners.all():
        kind = "Executive owner" if owner.executive_id == person.pk else "Delegate"
        found.append((f"owner:{owner.code}", f"{kind} ({owner.code})"))
    for group in person.assurance_groups.all():
        found.append((f"group:{group.pk}", f"Secretary of {group.label}"))
    if VIEWERS in names:
        found.append(("viewer", "Viewer (read only)"))
    return found


def role_choices():
    return [
        ("admin", "Plan administrator"),
        ("viewer", "Viewer (read only)"),
        (
            "Executive owner or delegate of",
            [
                (f"owner:{o.code}", f"{o.code}{f': {o.title}' if o.title else ''}")
                for o in Owner.objects.order_by("code")
            ],
        ),
        (
            "Assurance group secretary of",
            [
                (f"group:{g.pk}", str(g))
                for g in sorted(AssuranceGroup.objects.all(), key=lambda g: g.label)
            ],
        ),
    ]


SUPERUSERS_ONLY = (
    "Only a superuser can change a superuser's roles or access: theirs is the break-glass account."
)


def may_change(by, person) -> bool:
    """Whether `by` may change `person`'s roles and access: a superuser only by a superuser, so
    that nobody can lock the break-glass account out (issue 25)."""
    return by.is_superuser or not person.is_superuser


def _check(by, person):
    if not may_change(by, person):
        raise PermissionDenied(SUPERUSERS_ONLY)


def _record(person, by, change):
    change = shortened(change, field_limit(PersonChange, "change"))
    PersonChange.objects.create(person=person, changed_by=by, change=change)
    return change


@transaction.atomic
def add_person(*, first_name, last_name, email, by):
    User = get_user_model()
    # Room for a number after it: an e-mail's local part may be longer than a username can be.
    room = field_limit(User, "username") - 6
    base = re.sub(r"[^a-z0-9.]", "", email.split("@")[0].lower())[:room] or "person"
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}{n}"
    person = User(username=username, first_name=first_name, last_name=last_name, email=email)
    person.set_unusable_password()  # they sign in with single sign-on (or get a password)
    person.save()
    _record(person, by, f"Added as {first_name} {last_name} <{email}>")
    return person


@transaction.atomic
def change_role(person, role: str, *, give: bool, by) -> str:
    """Give or take away one role ("admin", "viewer", "owner:CDO", "group:<id>"). `by` is None
    when the single sign-on provider's groups give it (accounts.sso.give_roles)."""
    if by is not None:
        _check(by, person)
    verb = "Given" if give else "Removed"
    if role in ("admin", "viewer"):
        name = PLAN_ADMINISTRATORS if role == "admin" else VIEWERS
        group, _ = Group.objects.get_or_create(name=name)
        (person.groups.add if give else person.groups.remove)(group)
        if role == "admin":
            person.is_staff = give or person.is_superuser  # Django admin, for plan editing
            person.save(update_fields=["is_staff"])
        return _record(person, by, f"{verb}: {dict(role_choices()[:2])[role]}")
    kind, _, key = role.partition(":")
    if kind == "owner":
        target = Owner.objects.get(code=key)
        (target.users.add if give else target.users.remove)(person)
        if not give and target.executive_id == person.pk:
            target.executive = None
        words = f"executive owner or delegate of {target.code}"
    elif kind == "group":
        target = AssuranceGroup.objects.get(pk=int(key))
        (target.secretaries.add if give else target.secretaries.remove)(person)
        words = f"secretary of {target.label}"
    else:
        raise ValueError(f"Not a role: {role}")
    # The Owner's or group's own history keeps who its people are, and who changed them.
    target._history_user = by
    target._change_reason = f"{verb} {person.get_username()}"
    target.save()
    return _record(person, by, f"{verb}: {words}")


@transaction.atomic
def set_active(person, active: bool, *, by) -> str:
    """Deactivate (a leaver) or reactivate. Deactivating ends the person's sessions and revokes
    their API tokens for good: reactivating gives back the sign-in, not what was ended (issue
    29: old tokens came back)."""
    _check(by, person)
    person.is_active = active
    person.save(update_fields=["is_active"])
    if active:
        return _record(person, by, "Reactivated")
    revoked = 0
    for token in ApiToken.objects.filter(user=person, revoked_at__isnull=True):
        token._change_reason = "holder deactivated"
        token.revoke(by=by)
        revoked += 1
    ended = end_sessions(person)
    return _record(
        person,
        by,
        f"Deactivated: cannot sign in; {ended} session{'s' * (ended != 1)} ended, "
        f"{revoked} API token{'s' * (revoked != 1)} revoked",
    )


def end_sessions(person) -> int:
    """Delete every stored session signed in as `person` (database sessions, the default)."""
    from django.contrib.sessions.models import Session

    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(person.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def link_identity(person, subject: str, *, by) -> str:
    """Link `person` to their identity at the configured provider (a plan administrator's
    choice: the next sign-in with that subject is them, whatever its e-mail)."""
    from django.conf import settings

    from accounts import oidc

    _check(by, person)
    issuer = oidc.discovery()["issuer"] if oidc.available() else settings.OIDC_ISSUER
    taken = Identity.objects.filter(issuer=issuer, subject=subject).exclude(user=person).first()
    if taken is not None:
        raise ValueError(f"That identity is already linked to {taken.user.get_username()}.")
    Identity.objects.get_or_create(issuer=issuer, subject=subject, defaults={"user": person})
    return _record(person, by, f"Linked to the sign-in identity {subject}")


@transaction.atomic
def unlink_identity(person, identity_pk, *, by) -> str | None:
    """Unlink an identity: their next single sign-on matches by e-mail or username again, as a
    first sign-in does (for a mistaken link, or a mailbox given to someone else)."""
    _check(by, person)
    identity = (
        person.identities.filter(pk=identity_pk).first() if str(identity_pk).isdigit() else None
    )
    if identity is None:
        return None
    identity.delete()
    return _record(person, by, f"Unlinked from the sign-in identity {identity.subject}")
