"""The address a request came from, for the login lockout and the audit log."""

from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or, behind TRUSTED_PROXY_COUNT proxies of our own, the address the
    outermost of them saw: counted from the right of X-Forwarded-For, where each of our
    proxies appends what it saw, so a client cannot forge it by sending the header itself.
    Without this, behind a proxy every person has the proxy's address, and a lockout keyed on
    username and address would let anyone lock out a named user."""
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")
