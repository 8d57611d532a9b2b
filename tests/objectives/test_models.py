import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from objectives.models import Objective, Plan, Quarter, Theme
from tests.objectives.factories import ObjectiveFactory, PlanFactory, ThemeFactory


@pytest.mark.django_db
class TestPlan:
    def test_quarters_come_with_dates_and_labels(self):
        plan = PlanFactory(financial_year="2022/23")
        labels = [quarter.label for quarter in plan.quarters.all()]
        assert labels == [
            "Q1 2022/23, Apr–Jun 2022",
            "Q2 2022/23, Jul–Sep 2022",
            "Q3 2022/23, Oct–Dec 2022",
            "Q4 2022/23, Jan–Mar 2023",
        ]

    def test_ensure_quarters_is_idempotent(self):
        plan = PlanFactory()
        plan.ensure_quarters()
        assert plan.quarters.count() == 4

    def test_several_plans_latest_first(self):
        PlanFactory(financial_year="2021/22")
        newer = PlanFactory(financial_year="2022/23")
        assert Plan.objects.latest_plan() == newer

    def test_start_date_must_be_1_april_of_the_year(self):
        plan = Plan(title="x", financial_year="2021/22", start_date=datetime.date(2021, 1, 1))
        with pytest.raises(ValidationError) as error:
            plan.full_clean()
        assert "starts on 1 April 2021" in str(error.value)

    def test_financial_year_must_be_consecutive_years(self):
        plan = Plan(title="x", financial_year="2021/23", start_date=datetime.date(2021, 4, 1))
        with pytest.raises(ValidationError) as error:
            plan.full_clean()
        assert "financial_year" in error.value.message_dict


@pytest.mark.django_db
class TestConstraints:
    def test_theme_number_unique_within_a_plan(self):
        theme = ThemeFactory(number=1)
        ThemeFactory(number=1, plan=PlanFactory(financial_year="2022/23"))  # other plan: fine
        with pytest.raises(IntegrityError), transaction.atomic():
            Theme.objects.create(plan=theme.plan, number=1, title="Duplicate")

    def test_objective_number_unique_within_a_plan_across_themes(self):
        objective = ObjectiveFactory(number=7)
        other_theme = ThemeFactory(plan=objective.plan)
        with pytest.raises(IntegrityError), transaction.atomic():
            Objective.objects.create(
                plan=objective.plan, theme=other_theme, number=7, title="Duplicate"
            )

    def test_duplicate_objective_number_is_a_validation_error_in_forms(self):
        objective = ObjectiveFactory(number=7)
        duplicate = Objective(plan=objective.plan, theme=objective.theme, number=7, title="x")
        with pytest.raises(ValidationError):
            duplicate.full_clean()

    def test_quarter_number_must_be_1_to_4(self):
        plan = PlanFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Quarter.objects.create(plan=plan, number=5)

    def test_objective_theme_must_be_in_the_same_plan(self):
        objective = ObjectiveFactory()
        objective.theme = ThemeFactory(plan=PlanFactory(financial_year="2030/31"))
        with pytest.raises(ValidationError) as error:
            objective.full_clean()
        assert "same plan" in str(error.value)


@pytest.mark.django_db
class TestNaturalOrdering:
    def test_objectives_sort_by_number_not_text(self):
        theme = ThemeFactory()
        for number in (10, 2, 1, 9):
            ObjectiveFactory(theme=theme, number=number)
        assert list(Objective.objects.values_list("number", flat=True)) == [1, 2, 9, 10]


class TestDaysTo:
    def test_words(self, monkeypatch):
        import datetime

        from django.utils import timezone

        from objectives.templatetags.quarter_tags import days_to

        monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2021, 10, 12))
        assert days_to(datetime.date(2021, 10, 15)) == "in 3 days"
        assert days_to(datetime.date(2021, 10, 13)) == "in 1 day"
        assert days_to(datetime.date(2021, 10, 12)) == "today"
        assert days_to(datetime.date(2021, 10, 10)) == "passed 2 days ago"
        assert days_to(None) == ""
