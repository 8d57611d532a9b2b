"""The BAF in the read API (issue 30): each principal risk with its objectives, scores,
controls, assurances and gaps, each gap with its kind, source and whether it is open."""

import pytest
from django.urls import reverse

from accounts.models import ApiToken
from accounts.roles import VIEWERS
from assurance.baf.models import GapNote, RiskScore
from tests.assurance.baf.factories import PrincipalRiskFactory, control
from tests.deliverables.factories import StatusUpdateFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def headers():
    token = ApiToken.issue(UserFactory(role=VIEWERS), "Power BI")[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_each_risk_with_its_evidence_and_gaps(client, headers, plan, q2, cdo, dhg, cdo_deliverable):
    risk = PrincipalRiskFactory(plan=plan, owner=cdo, lead_committee=dhg, title="Cyber attack")
    risk.objectives.add(cdo_deliverable.objective)
    control(risk, cdo_deliverable, effectiveness="effective")
    StatusUpdateFactory(deliverable=cdo_deliverable, quarter=q2, status="red")
    RiskScore.objects.create(risk=risk, quarter=q2, likelihood=5, consequence=4, rationale="Up.")
    GapNote.objects.create(risk=risk, key="control:p00000000", source="Old policy lapsed")
    response = client.get(reverse("api:principalrisk-list"), **headers)
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["reference"] == risk.reference and item["title"] == "Cyber attack"
    assert item["objectives"] == [
        {"number": cdo_deliverable.objective.number, "title": cdo_deliverable.objective.title}
    ]
    assert item["current"]["score"] == 20 and item["current"]["quarter"] == "Q2"
    assert item["tolerance"]["score"] == 9 and item["above_appetite"] is True
    assert item["controls"][0]["reference"] == cdo_deliverable.reference
    assert item["controls"][0]["gap"] is True
    gaps = {gap["key"]: gap for gap in item["gaps"]}
    assert gaps[f"control:d{cdo_deliverable.pk}"] | {"key": ""} == {
        "kind": "control",
        "key": "",
        "source": f"{cdo_deliverable.reference} is Off track (Red) in Q2",
        "open": True,
        "status": "Open",
        "action": "",
    }
    assert gaps["assurance:none"]["kind"] == "assurance" and gaps["assurance:none"]["open"]
    assert gaps["control:p00000000"]["open"] is False
    assert gaps["control:p00000000"]["status"] == "Closed: cause cleared"
    detail = client.get(reverse("api:principalrisk-detail", args=[risk.pk]), **headers)
    assert detail.json()["gaps"] == item["gaps"]


def test_a_quarter_of_another_plan_or_nonsense_is_refused(client, headers, plan):
    response = client.get(reverse("api:principalrisk-list") + "?quarter=9", **headers)
    assert response.status_code == 400
    response = client.get(reverse("api:principalrisk-list") + "?plan=1999/00", **headers)
    assert response.status_code == 400


def test_a_risk_is_read_in_the_quarter_its_page_shows(client, headers, plan, q1, q2, cdo, dhg):
    risk = PrincipalRiskFactory(plan=plan, owner=cdo, lead_committee=dhg)
    RiskScore.objects.create(risk=risk, quarter=q1, likelihood=2, consequence=2, rationale="Q1")
    RiskScore.objects.create(risk=risk, quarter=q2, likelihood=5, consequence=5, rationale="Q2")
    url = reverse("api:principalrisk-detail", args=[risk.pk])
    assert client.get(url, **headers).json()["current"]["quarter"] == "Q2"  # the open one
    plan.quarters.filter(number=2).update(state="closed")
    # No quarter open: the latest reported, as the risk's page shows it (it read Q1 before).
    assert client.get(url, **headers).json()["current"]["quarter"] == "Q2"
    assert client.get(url + "?quarter=1", **headers).json()["current"]["quarter"] == "Q1"
