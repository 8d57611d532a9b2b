"""Personal API tokens: how reporting tools (Power BI) read the plan as a person may."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

PREFIX = "uhb_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def default_expiry():
    """When a token made now stops working: `API_TOKEN_DAYS` from now (a year by default)."""
    return timezone.now() + datetime.timedelta(days=settings.API_TOKEN_DAYS)


# A token's holder is reminded this many days before it stops working.
REMIND_DAYS_BEFORE = 14


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        """Tokens that work now: not revoked, not expired, their holder still active."""
        return self.filter(
            revoked_at__isnull=True, user__is_active=True, expires_at__gt=timezone.now()
        )

    def expiring(self, within_days: int = REMIND_DAYS_BEFORE):
        """Working tokens that stop within `within_days`, whose holder has not been told."""
        soon = timezone.now() + datetime.timedelta(days=within_days)
        return self.active().filter(expires_at__lte=soon, reminded_at__isnull=True)

    def for_token(self, token: str):
        """The active token with this text, or None. Only its digest is stored."""
        if not token.startswith(PREFIX) or len(token) > 200:
            return None
        return self.active().select_related("user").filter(digest=_digest(token)).first()


class ApiToken(models.Model):
    """A person's token. Its text is shown once, when made; only a digest is kept, so a database
    copy reveals no usable token."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What it is for, e.g. Power BI board pack.")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False, help_text="Its first characters.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Every token ends (issue 29: they never did); its holder is e-mailed before it does.
    expires_at = models.DateTimeField(default=default_expiry, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()
    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, user, name: str) -> tuple["ApiToken", str]:
        """A new token for `user`: the row, and the text to show once."""
        text = PREFIX + secrets.token_urlsafe(32)
        token = cls(user=user, name=name, digest=_digest(text), hint=text[:10])
        token._history_user = user
        token.save()
        return token, text

    def revoke(self, by):
        self.revoked_at = timezone.now()
        self._history_user = by
        self.save(update_fields=["revoked_at"])

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def days_left(self) -> int:
        return max(0, (self.expires_at - timezone.now()).days)

    @property
    def ends_soon(self) -> bool:
        return self.is_active and self.days_left <= REMIND_DAYS_BEFORE


class PersonChange(models.Model):
    """What a plan administrator changed about a person on the People pages: the person's
    history (the audit log has each change too)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="changes"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    change = models.CharField(max_length=300)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.person}: {self.change}"


class Identity(models.Model):
    """A person's identity at a single sign-on provider: the provider's stable subject for them
    (`sub`; Entra's tenant and object ids; CIS2's UUID), which never changes when their e-mail
    does (issue 29: people were matched by e-mail at every sign-in, so a changed address made a
    new account and a reused one inherited its previous holder's roles). Made at a person's
    first sign-in, when they are matched by e-mail or username; a plan administrator can link or
    unlink one on People."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identities"
    )
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["issuer", "subject"]
        verbose_name_plural = "identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="one_person_per_identity")
        ]

    def __str__(self):
        return f"{self.subject} at {self.issuer}"
