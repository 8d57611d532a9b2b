"""The BAF comes with the roll-over (issue 30): a trust's second year keeps its principal risks,
their controls following the deliverables carried, and their gaps' actions with them."""

import pytest

from assurance.baf.models import GapNote, PrincipalRisk, RiskAssurance, RiskScore
from assurance.baf.register import register
from planning.rollover import roll_over, start_plan
from tests.assurance.baf.factories import PrincipalRiskFactory, control, review_assurance
from tests.deliverables.factories import DeliverableFactory

pytestmark = pytest.mark.django_db


def test_risks_follow_the_deliverables_rolled_over(people, plan, q2, cdo, dhg, cdo_deliverable):
    finished = DeliverableFactory(objective=cdo_deliverable.objective, owners=[cdo])
    risk = PrincipalRiskFactory(plan=plan, owner=cdo, lead_committee=dhg, title="Cyber attack")
    risk.objectives.add(cdo_deliverable.objective)
    control(risk, cdo_deliverable, effectiveness="partial")
    control(risk, finished, effectiveness="effective")
    control(risk, name="Incident plan", owner="Head of IT", effectiveness="effective")
    review_assurance(risk, cdo_deliverable, dhg)
    RiskScore.objects.create(risk=risk, quarter=q2, likelihood=3, consequence=4, rationale="x")
    GapNote.objects.create(
        risk=risk, key=f"control:d{cdo_deliverable.pk}", action_deliverable=cdo_deliverable
    )
    admin = people["admin"]
    target = start_plan(financial_year="2022/23", title=plan.title, user=admin)

    roll_over(source=plan, target=target, deliverable_ids=[cdo_deliverable.pk], user=admin)

    [copy] = PrincipalRisk.objects.in_plan(target)
    new = cdo_deliverable.carried_into.get()
    assert (copy.number, copy.title, copy.carried_from) == (risk.number, "Cyber attack", risk)
    assert copy.initial_score == 12  # where it stood at the end of 2021/22
    assert [o.number for o in copy.objectives.all()] == [cdo_deliverable.objective.number]
    assert [(c.deliverable, c.name) for c in copy.controls.all()] == [
        (new, ""),
        (None, "Incident plan"),
    ]
    assert RiskAssurance.objects.get(risk=copy).deliverable == new
    assert copy.gap_notes.get().key == f"control:d{new.pk}"
    # The roll-over again (the finished one now carried too): its link is added, once.
    roll_over(source=plan, target=target, deliverable_ids=[finished.pk], user=admin)
    assert PrincipalRisk.objects.in_plan(target).count() == 1
    assert copy.controls.count() == 3
    [state] = register(target.quarters.get(number=1))
    assert state.risk == copy
