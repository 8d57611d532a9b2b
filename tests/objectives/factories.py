import datetime

import factory

from objectives.models import KeyIndicator, Objective, Plan, Theme


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
