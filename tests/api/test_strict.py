"""The API is exactly what its schema says (issue 29): every wrong value is a 400 naming its
field, never another plan's or quarter's rows or a 500; ids out of shape are 404; themes,
objectives, owners and groups are given as rows show them; committee actions and "needs a look"
have endpoints; every refusal is documented; a page past the last is empty."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from accounts.models import ApiToken
from accounts.roles import VIEWERS
from assurance.models import AssuranceReview, ReviewAction
from deliverables.models import Deliverable
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    text = ApiToken.issue(UserFactory(username="reader", role=VIEWERS), "Power BI")[1]

    def get(path):
        return client.get(path, HTTP_AUTHORIZATION=f"Bearer {text}")

    return get


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/deliverables/abc/",
        "/api/v1/deliverables/99999999999999999999/",
        "/api/v1/measures/1.5/",
        "/api/v1/committee-actions/-1/",
    ],
)
def test_ids_out_of_shape_are_not_found(api, plan, path):
    response = api(path)
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("plan=2021-22", "plan"),
        ("plan=2099/00", "plan"),
        ("quarter=5", "quarter"),
        ("quarter=Q2", "quarter"),
        ("missing=maybe", "missing"),
        ("theme=99", "theme"),
        ("objective=0", "objective"),
        ("owner=NOPE", "owner"),
        ("assurance_group=NOPE", "assurance_group"),
        ("status=purple", "status"),
        ("level=great", "level"),
        ("trend=sideways", "trend"),
    ],
)
def test_a_wrong_deliverables_filter_is_a_400_naming_it(api, hand_built, query, field):
    response = api(f"/api/v1/deliverables/?{query}")
    assert response.status_code == 400 and field in response.json(), response.json()


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/measure-values/?measure=99999999999999999999", "measure"),
        ("/api/v1/status-updates/?status=purple", "status"),
        ("/api/v1/status-updates/?plan=2099/00", "plan"),
        ("/api/v1/status-updates/?quarter=5", "quarter"),
        ("/api/v1/status-updates/?reference=six", "reference"),
        ("/api/v1/assurance-reviews/?assurance_group=NOPE", "assurance_group"),
        ("/api/v1/themes/?plan=2099/00", "plan"),
        ("/api/v1/committee-actions/?open=perhaps", "open"),
        ("/api/v1/needs-a-look/?quarter=9", "quarter"),
    ],
)
def test_every_endpoints_filters_refuse_wrong_values(api, hand_built, path, field):
    response = api(path)
    assert response.status_code == 400 and field in response.json(), response.json()


def test_filters_take_what_rows_show(api, hand_built, q2, dhg):
    base = "/api/v1/deliverables/?plan=2021/22&quarter=2"
    themes = {d["theme"] for d in api(f"{base}&theme=2").json()["results"]}
    assert themes == {2}
    groups = api(f"{base}&assurance_group=dhg").json()["results"]
    assert groups and all("DHG" in d["assurance_groups"] for d in groups)
    # "0" and "false" mean not narrowed (they meant true before), "1" and "true" narrow.
    every = api(base).json()["count"]
    assert api(f"{base}&missing=0").json()["count"] == every
    missing = api(f"{base}&missing=true").json()["results"]
    assert missing and all(d["position"] in ("missing", "overdue") for d in missing)
    red = api("/api/v1/status-updates/?status=Red").json()["results"]
    assert red and all(u["status"] == "red" for u in red)


def test_committee_actions_and_needs_a_look(api, hand_built, q2, dhg):
    deliverable = Deliverable.objects.filter(assurance_groups=dhg).natural_order().first()
    review = AssuranceReview.objects.create(
        deliverable=deliverable, quarter=q2, assurance_group=dhg, level="limited"
    )
    ReviewAction.objects.create(review=review, deliverable=deliverable, text="Bring a plan")
    closed = ReviewAction.objects.create(review=review, deliverable=deliverable, text="Done one")
    closed.closed_at = review.recorded_at
    closed.save()
    rows = api("/api/v1/committee-actions/?open=true&assurance_group=DHG").json()["results"]
    assert [(r["text"], r["open"], r["reference"]) for r in rows] == [
        ("Bring a plan", True, deliverable.reference)
    ]
    assert api("/api/v1/committee-actions/?open=false").json()["count"] == 1
    look = api("/api/v1/needs-a-look/?plan=2021/22&quarter=2")
    assert look.status_code == 200 and set(look.json()) == {"count", "next", "previous", "results"}


def test_a_page_past_the_last_is_empty_not_an_error(api, hand_built):
    body = api("/api/v1/deliverables/?page_size=1000&page=2").json()
    assert body["results"] == [] and body["next"] is None and body["count"] > 0
    assert api("/api/v1/deliverables/?page=0").status_code == 404
    assert api("/api/v1/deliverables/?page=first").status_code == 404


def test_the_schema_documents_every_filter_and_refusal():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    deliverables = schema["paths"]["/api/v1/deliverables/"]["get"]
    names = {p["name"] for p in deliverables["parameters"]}
    for name in ("plan", "quarter", "theme", "objective", "owner", "assurance_group", "status"):
        assert name in names
    assert {"level", "trend", "missing", "due", "overdue", "completed", "q"} <= names
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            codes = set(operation["responses"])
            assert {"200", "401", "403", "429"} <= codes, path
            if "{" in path:
                assert "404" in codes, path
    assert "/api/v1/committee-actions/" in schema["paths"]
    assert "/api/v1/needs-a-look/" in schema["paths"]
