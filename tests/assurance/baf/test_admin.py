"""Plan administrators keep the register in Django admin: its pages render, with the controls
and assurances inline, and a bad control is a message on the form, not a 500."""

import pytest
from django.urls import reverse

from assurance.baf.models import RiskControl
from tests.assurance.baf.factories import PrincipalRiskFactory, control

pytestmark = pytest.mark.django_db


def inline_data(prefix, total, rows):
    data = {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data |= {f"{prefix}-{index}-{key}": value for key, value in row.items()}
    return data


def test_the_register_in_admin(admin_client, plan, cdo, dhg, cdo_deliverable):
    risk = PrincipalRiskFactory(plan=plan, owner=cdo, lead_committee=dhg)
    control(risk, cdo_deliverable, effectiveness="effective")
    for url in (
        reverse("admin:assurance_principalrisk_changelist"),
        reverse("admin:assurance_principalrisk_add"),
        reverse("admin:assurance_principalrisk_change", args=[risk.pk]),
    ):
        assert admin_client.get(url).status_code == 200, url


def test_a_control_that_is_both_a_deliverable_and_a_policy_is_refused(
    admin_client, plan, cdo, dhg, cdo_deliverable
):
    data = {
        "plan": plan.pk,
        "number": "1",
        "title": "Cyber attack",
        "owner": cdo.pk,
        "lead_committee": dhg.pk,
        "appetite_category": "quality",
        "appetite_level": "averse",
        "initial_likelihood": "4",
        "initial_consequence": "4",
        "target_likelihood": "2",
        "target_consequence": "2",
        "tolerance_likelihood": "3",
        "tolerance_consequence": "3",
    }
    data |= inline_data(
        "controls",
        1,
        [
            {
                "position": "1",
                "deliverable": cdo_deliverable.pk,
                "name": "A policy too",
                "owner": "Someone",
                "effectiveness": "effective",
            }
        ],
    )
    data |= inline_data("assurances", 0, [])
    response = admin_client.post(reverse("admin:assurance_principalrisk_add"), data)
    assert response.status_code == 200
    assert "either a deliverable of the plan or a named policy" in response.content.decode()
    assert not RiskControl.objects.exists()
