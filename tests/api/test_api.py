"""The read API: tokens, what each person may read, filters, pages, refusals and the schema."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from accounts.models import ApiToken
from accounts.roles import VIEWERS
from deliverables.models import Deliverable
from tests.assurance.factories import AssuranceGroupFactory
from tests.deliverables.factories import DeliverableFactory, OwnerFactory, StatusUpdateFactory
from tests.factories import UserFactory
from tests.objectives.factories import MeasureFactory

pytestmark = pytest.mark.django_db


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def viewer():
    return UserFactory(username="board-member", role=VIEWERS)


@pytest.fixture
def token(viewer):
    return ApiToken.issue(viewer, "Power BI")[1]


def test_a_token_made_on_the_page_is_shown_once_works_and_can_be_revoked(client, viewer):
    client.force_login(viewer)
    page = client.post(reverse("api_tokens"), {"name": "Power BI board pack"})
    text = page.context["new_token"]
    assert text.startswith("uhb_") and text in page.content.decode()
    assert text not in client.get(reverse("api_tokens")).content.decode()  # shown once
    stored = ApiToken.objects.get()
    assert stored.digest != text and text not in stored.digest  # only a digest is kept
    client.logout()
    assert client.get("/api/v1/plans/", **bearer(text)).status_code == 200
    client.force_login(viewer)
    client.post(reverse("api_token_revoke", args=[stored.pk]))
    client.logout()
    response = client.get("/api/v1/plans/", **bearer(text))
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_nobody_revokes_another_persons_token(client, token, viewer):
    client.force_login(UserFactory(role=VIEWERS))
    stored = ApiToken.objects.get(user=viewer)
    assert client.post(reverse("api_token_revoke", args=[stored.pk])).status_code == 404
    assert ApiToken.objects.get().is_active


def test_the_command_prints_a_working_token_as_the_last_word(client, viewer):
    out = io.StringIO()
    call_command("api_token", "board-member", stdout=out)
    text = out.getvalue().strip().splitlines()[-1].split()[-1]
    assert client.get("/api/v1/plans/", **bearer(text)).status_code == 200


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer nonsense", "Bearer uhb_wrong", "Token x"])
def test_anonymous_and_bad_tokens_are_refused(client, plan, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/deliverables/", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_deactivated_persons_token_stops_working(client, token, viewer):
    viewer.is_active = False
    viewer.save()
    assert client.get("/api/v1/plans/", **bearer(token)).status_code == 401


def test_a_person_without_a_role_reads_nothing(client, plan):
    text = ApiToken.issue(UserFactory(), "x")[1]
    response = client.get("/api/v1/deliverables/", **bearer(text))
    assert response.status_code == 403
    assert "Ask a plan administrator" in response.json()["detail"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(client, token, plan, cdo_deliverable, method):
    for url in ["/api/v1/deliverables/", f"/api/v1/deliverables/{cdo_deliverable.pk}/"]:
        response = getattr(client, method)(
            url, {}, content_type="application/json", **bearer(token)
        )
        assert response.status_code == 405
    assert Deliverable.objects.count() == 1


def test_deliverables_filter_like_the_list_with_owners_groups_and_the_quarters_status(
    client, token, hand_built, q2
):
    response = client.get("/api/v1/deliverables/?plan=2021/22&quarter=2&owner=CDO", **bearer(token))
    body = response.json()
    cdo_count = Deliverable.objects.filter(owners__code="CDO").count()
    assert body["count"] == cdo_count and set(body) == {"count", "next", "previous", "results"}
    first = body["results"][0]
    assert first["reference"] == "1.1" and first["owners"] == ["CDO"]
    assert first["assurance_groups"] == ["DHG"]
    assert (first["quarter"], first["position"], first["status"]) == (2, "updated", "amber")
    bad = client.get("/api/v1/deliverables/?plan=2021/22&status=purple", **bearer(token))
    assert bad.status_code == 400 and "status" in bad.json()


def test_status_updates_reviews_and_measures_read_and_filter(client, token, hand_built, q2):
    updates = client.get(
        "/api/v1/status-updates/?plan=2021/22&quarter=2&owner=CDO", **bearer(token)
    ).json()
    expected = {
        d.reference for d in Deliverable.objects.filter(owners__code="CDO", updates__quarter=q2)
    }
    assert {u["reference"] for u in updates["results"]} == expected and "1.1" in expected
    MeasureFactory(name="Missed doses", values=[12, 8] * 6)
    measures = client.get("/api/v1/measures/", **bearer(token)).json()["results"]
    assert measures[0]["name"] == "Missed doses" and measures[0]["variation"] == "common_cause"
    values = client.get(
        f"/api/v1/measure-values/?measure={measures[0]['id']}", **bearer(token)
    ).json()
    assert values["count"] == 12


def test_pages_are_of_the_size_asked_and_queries_do_not_grow_with_it(client, token, plan, q1):
    for _ in range(30):
        deliverable = DeliverableFactory(
            objective__theme__plan=plan,
            owners=[OwnerFactory()],
            assurance_groups=[AssuranceGroupFactory()],
        )
        StatusUpdateFactory(quarter=q1, deliverable=deliverable)

    def queries(url):
        with CaptureQueriesContext(connection) as context:
            body = client.get(url, **bearer(token)).json()
        return len(context.captured_queries), body

    client.get("/api/v1/plans/", **bearer(token))  # the token's first use is recorded once
    small, body = queries("/api/v1/deliverables/?quarter=1&page_size=5")
    assert len(body["results"]) == 5 and body["count"] == 30 and "page=2" in body["next"]
    large, body = queries("/api/v1/deliverables/?quarter=1&page_size=30")
    assert len(body["results"]) == 30 and body["next"] is None
    assert large == small
    small, _ = queries("/api/v1/status-updates/?page_size=5")
    large, _ = queries("/api/v1/status-updates/?page_size=30")
    assert large == small


def test_requests_beyond_the_rate_are_refused(client, token, plan, settings, monkeypatch):
    from api import throttling

    monkeypatch.setattr(throttling.time, "time", lambda: 1_800_000_030.0)  # mid-window
    settings.API_RATE_LIMIT = "3/minute"
    codes = [client.get("/api/v1/plans/", **bearer(token)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_the_schema_is_served_and_valid(client, token):
    response = client.get("/api/v1/schema/?format=json", **bearer(token))
    assert response.status_code == 200
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert "/api/v1/deliverables/" in schema["paths"]
    assert "bearer" in str(schema["components"]["securitySchemes"]).lower()
