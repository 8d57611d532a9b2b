import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.deliverables.factories import DeliverableFactory, OwnerFactory


@pytest.mark.django_db
class TestPlanOverview:
    def test_shows_the_plan_themes_objectives_and_deliverables(self, user_client, plan_2021):
        response = user_client.get(reverse("objectives:plan_overview"))
        page = response.content.decode()
        assert response.status_code == 200
        assert "<title>UHB Strategy Implementation Plan 2021/22 – " in page
        assert "Theme 4: Digital and Technological Transformation" in page
        assert "Objective 20: Review and revise pandemic" in page
        assert page.count('class="nhsuk-table__row" role="row"') == 63 + 20  # rows + headers
        assert 'href="#maincontent"' in page and 'id="maincontent"' in page

    def test_bullets_render_as_a_list_and_text_is_escaped(self, user_client):
        DeliverableFactory(
            description="Intro <b>bold</b>:\n• First\n• Second", owners=[OwnerFactory()]
        )
        page = user_client.get(reverse("objectives:plan_overview")).content.decode()
        assert "<p>Intro &lt;b&gt;bold&lt;/b&gt;:</p>" in page
        assert (
            '<ul class="nhsuk-list nhsuk-list--bullet"><li>First</li><li>Second</li></ul>' in page
        )

    def test_incomplete_indicator_is_marked(self, user_client, plan_2021):
        page = user_client.get(reverse("objectives:plan_overview")).content.decode()
        assert page.count("Cut off in the source") == 4

    def test_query_count_does_not_grow_with_the_plan(
        self, user_client, plan_2021, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(18):  # incl. renewing the idle-timeout session
            user_client.get(reverse("objectives:plan_overview"))

    def test_no_plan_yet_is_a_404_not_a_500(self, user_client):
        assert user_client.get(reverse("objectives:plan_overview")).status_code == 404


@pytest.mark.django_db
class TestSignInRequired:
    @pytest.mark.parametrize(
        "url",
        [
            "/",
            "/plan/",
            "/plan/1/",
            "/admin/",
            "/admin/deliverables/deliverable/",
        ],
    )
    def test_anonymous_users_are_sent_to_login(self, client, url):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(("/login/", "/admin/login/"))

    def test_every_named_url_redirects_anonymous_users(self, client, plan_2021):
        """Walks the URLconf, so a new page without login protection fails here."""
        from django.urls import get_resolver

        checked = 0
        for name, url in _project_urls(get_resolver()):
            if name in PUBLIC or name in FOR_SCRIPTS or name in SIGN_IN:
                continue
            if name.startswith("api:"):
                continue  # the API answers 401 itself: every endpoint is in the permission matrix
            response = client.get(url)
            assert response.status_code in (302, 405), (
                f"{name} {url} answered {response.status_code}"
            )
            if response.status_code == 302:
                assert "/login/" in response["Location"], name
            checked += 1
        assert checked >= 2

    def test_script_endpoints_answer_401_not_the_login_page(self, client):
        for name in FOR_SCRIPTS:
            assert client.get(reverse(name)).status_code == 401

    def test_single_sign_on_is_not_there_until_set_up(self, client):
        for name in SIGN_IN:
            assert client.get(reverse(name)).status_code == 404

    def test_public_pages_need_no_sign_in(self, client):
        for name in PUBLIC:
            assert client.get(reverse(name)).status_code == 200

    def test_login_page_is_public_and_in_nhs_markup(self, client):
        page = client.get(reverse("login")).content.decode()
        assert 'class="nhsuk-input"' in page and 'for="id_username"' in page

    def test_wrong_password_and_unknown_user_get_the_same_message(self, client, user):
        wrong = client.post(reverse("login"), {"username": "someone", "password": "nope"})
        unknown = client.post(reverse("login"), {"username": "nobody", "password": "nope"})
        message = "Enter a correct username and password."
        assert message in wrong.content.decode() and message in unknown.content.decode()
        assert 'class="nhsuk-error-summary"' in wrong.content.decode()

    def test_login_then_lands_on_the_dashboard(self, client, user, plan_2021):
        response = client.post(
            reverse("login"),
            {"username": "someone", "password": "a-strong-test-password"},
            follow=True,
        )
        assert response.redirect_chain == [
            (reverse("home"), 302),
            (reverse("reporting:dashboard"), 302),
        ]
        assert response.status_code == 200

    def test_a_signed_in_user_without_a_role_reads_nothing(self, client, plan_2021):
        nobody = get_user_model().objects.create_user("nobody")
        client.force_login(nobody)
        response = client.get(reverse("objectives:plan_overview"))
        assert response.status_code == 403
        assert "ask a plan administrator" in response.content.decode()


PUBLIC = {"login", "accessibility", "healthz", "readyz", "sign_in_failed"}
# Asked by the page's script, or by a reporting tool with a token (the API): a 401 it can act
# on rather than the login page.
FOR_SCRIPTS = {"session", "api:schema", "api:api-root"}
# Single sign-on's own steps: open to anyone, and not there at all while it is not set up.
SIGN_IN = {"oidc_login", "oidc_callback", "oidc_jwks"}


def _project_urls(resolver, prefix="", namespace=""):
    """(name, concrete URL) for every project URL without arguments or with an int pk."""
    from django.urls import URLPattern, URLResolver

    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue
            ns = pattern.namespace or namespace
            yield from _project_urls(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            route = prefix + str(pattern.pattern)
            url = "/" + route.replace("<int:pk>", "1").replace("<int:number>", "1")
            if "<" in url:
                continue
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), url


@pytest.mark.django_db
def test_accessibility_statement_is_linked_from_every_footer(client, user):
    link = f'href="{reverse("accessibility")}">Accessibility statement</a>'
    assert link in client.get(reverse("login")).content.decode()
    client.force_login(user)
    page = client.get(reverse("accessibility")).content.decode()
    assert "<h1>Accessibility statement for the Strategy Implementation Plan service</h1>" in page
    assert link in page
