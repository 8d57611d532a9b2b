import factory

from assurance.models import AssuranceGroup


class AssuranceGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssuranceGroup
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"G{n}")
    name = factory.LazyAttribute(lambda group: f"Group {group.code}")
