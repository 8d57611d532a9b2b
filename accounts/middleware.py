"""Single sign-on's part of the page policy."""

from urllib.parse import urlsplit

from django.conf import settings


class SingleSignOnFormAction:
    """With single sign-on on, pages may send a form on to the provider: signing out posts to
    /logout/, which redirects to the provider's end-session page, and the browser checks that
    redirect against the page's CSP `form-action`. Only the provider's origin is added."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        issuer = getattr(settings, "OIDC_ISSUER", "")
        if issuer:
            parts = urlsplit(issuer)
            origin = f"{parts.scheme}://{parts.netloc}"
            update = getattr(response, "_csp_update", None) or {}
            response._csp_update = {**update, "form-action": [origin]}
        return response
