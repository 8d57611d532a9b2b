"""Return URLs ("next"), read safely: the one helper every page that takes one uses."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, default: str = "") -> str:
    """The request's `next` (from the form, else the query string) if it points at this site;
    otherwise `default`. A `javascript:` URL or another site never becomes a link or a
    redirect."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and allowed else default
