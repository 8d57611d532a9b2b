import factory

from assurance.models import DeliverableAssuranceGroup
from deliverables.models import (
    Deliverable,
    DeliverableOwner,
    Owner,
    StatusUpdate,
)
from tests.objectives.factories import ObjectiveFactory


class OwnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Owner
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"EX{n}")
    title = factory.LazyAttribute(lambda owner: f"Executive {owner.code}")


class DeliverableFactory(factory.django.DjangoModelFactory):
    """A deliverable; pass owners=[...] and assurance_groups=[...] to link them in order."""

    class Meta:
        model = Deliverable
        skip_postgeneration_save = True

    objective = factory.SubFactory(ObjectiveFactory)
    number = factory.Sequence(lambda n: n + 1)
    description = factory.Sequence(lambda n: f"Deliver thing {n}")
    delivery = "Q1-4"
    start_quarter = 1
    end_quarter = 4

    @factory.post_generation
    def owners(deliverable, create, extracted, **kwargs):
        if create:
            for position, owner in enumerate(extracted or [], start=1):
                DeliverableOwner.objects.create(
                    deliverable=deliverable, owner=owner, position=position
                )

    @factory.post_generation
    def assurance_groups(deliverable, create, extracted, **kwargs):
        if create:
            for position, group in enumerate(extracted or [], start=1):
                DeliverableAssuranceGroup.objects.create(
                    deliverable=deliverable, assurance_group=group, position=position
                )


class StatusUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusUpdate

    deliverable = factory.SubFactory(DeliverableFactory)
    quarter = factory.LazyAttribute(lambda u: u.deliverable.objective.plan.quarters.get(number=1))
    status = "green"
    narrative = "Progress as planned."
