import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from deliverables.models import Deliverable
from tests.deliverables.factories import DeliverableFactory
from tests.objectives.factories import ObjectiveFactory, ThemeFactory


@pytest.mark.django_db
class TestDeliveryWindow:
    def test_clean_derives_quarters_from_the_label(self):
        deliverable = DeliverableFactory.build(
            objective=ObjectiveFactory(), delivery="From Q2", number=1
        )
        deliverable.full_clean()
        assert (deliverable.start_quarter, deliverable.end_quarter) == (2, None)
        assert deliverable.is_open_ended

    @pytest.mark.parametrize("label", ["Q5", "Q3-1", ""])
    def test_bad_label_is_rejected_on_the_delivery_field(self, label):
        deliverable = DeliverableFactory.build(objective=ObjectiveFactory(), delivery=label)
        with pytest.raises(ValidationError) as error:
            deliverable.full_clean()
        assert "delivery" in error.value.message_dict

    def test_database_rejects_end_before_start(self):
        deliverable = DeliverableFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Deliverable.objects.filter(pk=deliverable.pk).update(start_quarter=3, end_quarter=1)

    def test_database_rejects_a_fifth_quarter(self):
        deliverable = DeliverableFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Deliverable.objects.filter(pk=deliverable.pk).update(end_quarter=5)


@pytest.mark.django_db
class TestReferences:
    def test_reference_is_unique_within_a_plan(self):
        deliverable = DeliverableFactory(number=4)
        with pytest.raises(IntegrityError), transaction.atomic():
            DeliverableFactory(objective=deliverable.objective, number=4)

    def test_natural_order(self):
        theme = ThemeFactory()
        nine, ten = (
            ObjectiveFactory(theme=theme, number=9),
            ObjectiveFactory(theme=theme, number=10),
        )
        one = ObjectiveFactory(theme=theme, number=1)
        for objective, number in [(ten, 1), (one, 10), (nine, 4), (one, 2)]:
            DeliverableFactory(objective=objective, number=number)
        references = [d.reference for d in Deliverable.objects.natural_order()]
        assert references == ["1.2", "1.10", "9.4", "10.1"]

    def test_search_by_reference_and_words(self):
        objective = ObjectiveFactory(number=6)
        wanted = DeliverableFactory(objective=objective, number=4, description="Clinical Portal")
        DeliverableFactory(objective=objective, number=5, description="Windows 10")
        assert list(Deliverable.objects.search("6.4")) == [wanted]
        assert list(Deliverable.objects.search("portal")) == [wanted]
        assert Deliverable.objects.search("6").count() == 2


@pytest.mark.django_db
def test_the_queue_asks_each_deliverable_for_its_owners_by_their_ids(people, cdo, q2):
    """Issue 32: My updates tested each deliverable's owners through a join to the owners (so
    PostgreSQL tried every year's deliverables on ten years of history), and for a time as an
    IN list (which SQLite searched once per objective for each id: 0.8 s at a hundred times
    the seed plan). The owners' ids are read first and each deliverable asked with EXISTS;
    and "owed" names the stored position itself, so that join is an inner one."""
    sql = str(Deliverable.objects.queue(people["cdo"], q2).query)
    assert 'EXISTS(SELECT 1 AS "a" FROM "deliverables_deliverableowner"' in sql
    assert '."code" = ' not in sql  # no join to the owners to find ALL's
    assert 'standing_now."position" IN (' in sql


@pytest.mark.django_db
def test_the_queue_filters_on_the_stored_position_once(people, cdo, q2):
    """Issue 32: "owed" was said twice, through COALESCE (`is_due`) and on the stored position.
    PostgreSQL multiplied the two guesses, expected a few hundred of the quarter's six thousand
    positions, and chose loops that cost 4 ms more at a hundred times the seed plan. The stored
    position alone says it: a row without one is never owed."""
    query = Deliverable.objects.queue(people["cdo"], q2).query
    where, _ = query.get_compiler("default").compile(query.where)
    assert 'standing_now."position" IN (' in where
    assert "COALESCE" not in where
