import factory

from assurance.baf.models import PrincipalRisk, RiskAssurance, RiskControl
from tests.assurance.factories import AssuranceGroupFactory
from tests.deliverables.factories import OwnerFactory


class PrincipalRiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrincipalRisk

    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Risk {n}")
    owner = factory.SubFactory(OwnerFactory)
    lead_committee = factory.SubFactory(AssuranceGroupFactory)
    appetite_category = "quality"
    appetite_level = "cautious"
    initial_likelihood, initial_consequence = 4, 4
    target_likelihood, target_consequence = 2, 3
    tolerance_likelihood, tolerance_consequence = 3, 3


def control(risk, deliverable=None, **kwargs):
    return RiskControl.objects.create(risk=risk, deliverable=deliverable, **kwargs)


def review_assurance(risk, deliverable, group=None):
    return RiskAssurance.objects.create(
        risk=risk, kind="review", line=2, deliverable=deliverable, assurance_group=group
    )
