"""Bearer tokens for the read API, and read-only access by the person's own permissions."""

from django.utils import timezone
from rest_framework import authentication, exceptions, permissions

from accounts.models import ApiToken

# Writing `last_used_at` on every request would make each read a write; once a minute is enough
# to tell a person which tokens are in use.
TOUCH_EVERY_SECONDS = 60


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer uhb_...`: a personal token (accounts.models.ApiToken)."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        parts = header.split()
        if not parts or parts[0].lower() != self.keyword.lower():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as: Authorization: Bearer <token>."
            )
        token = ApiToken.objects.for_token(parts[1])
        if token is None:
            raise exceptions.AuthenticationFailed("The token is not valid, or has been revoked.")
        now = timezone.now()
        if (
            not token.last_used_at
            or (now - token.last_used_at).total_seconds() > TOUCH_EVERY_SECONDS
        ):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        request.api_token = token
        return token.user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class CanRead(permissions.BasePermission):
    """Reads only, and only what the person may read in the site: the view permission of each
    model the endpoint lists (`required_permissions` on the view)."""

    message = "Your account cannot read this. Ask a plan administrator for a role."

    def has_permission(self, request, view):
        if request.method not in permissions.SAFE_METHODS:
            return True  # the view answers 405 itself: it has no write methods
        user = request.user
        wanted = getattr(view, "required_permissions", [])
        return bool(user and user.is_authenticated) and user.has_perms(wanted)
