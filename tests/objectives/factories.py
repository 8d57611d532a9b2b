import datetime
from decimal import Decimal

import factory

from objectives.models import KeyIndicator, Measure, MeasureValue, Objective, Plan, Theme


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        django_get_or_create = ["financial_year"]
        skip_postgeneration_save = True

    title = "Test Strategy Implementation Plan"
    financial_year = "2021/22"
    start_date = factory.LazyAttribute(
        lambda plan: datetime.date(int(plan.financial_year[:4]), 4, 1)
    )

    @factory.post_generation
    def quarters(plan, create, extracted, **kwargs):
        if create:
            plan.ensure_quarters()


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Theme title {n + 1}")


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    theme = factory.SubFactory(ThemeFactory)
    plan = factory.SelfAttribute("theme.plan")
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Objective title {n + 1}")


class KeyIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyIndicator

    objective = factory.SubFactory(ObjectiveFactory)
    perspective = KeyIndicator.Perspective.CORPORATE
    text = factory.Sequence(lambda n: f"Indicator {n}")
    order = factory.Sequence(lambda n: n + 1)


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure
        skip_postgeneration_save = True

    indicator = factory.SubFactory(KeyIndicatorFactory)
    name = factory.Sequence(lambda n: f"Measure {n}")
    unit = "%"
    direction = Measure.Direction.INCREASE
    frequency = Measure.Frequency.MONTHLY

    @factory.post_generation
    def values(measure, create, extracted, **kwargs):
        """values=[...]: one a month from April 2021."""
        if create and extracted:
            MeasureValue.objects.bulk_create(
                MeasureValue(
                    measure=measure,
                    period=datetime.date(2021 + (3 + i) // 12, (3 + i) % 12 + 1, 1),
                    value=Decimal(str(value)),
                )
                for i, value in enumerate(extracted)
            )
