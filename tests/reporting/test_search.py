"""The deliverables list's text search: every place words can be, and where each result matched
(issue 14, part 6)."""

import pytest
from django.urls import reverse

from tests.assurance.factories import AssuranceGroupFactory
from tests.deliverables.factories import DeliverableFactory, StatusUpdateFactory


@pytest.fixture
def findable(plan, q1, q2):
    """Seven deliverables, each with one unusual word in one place."""
    group = AssuranceGroupFactory(code="FIND")
    made = {}
    made["description"] = DeliverableFactory(
        objective__theme__plan=plan, description="Roll out the xylophone service"
    )
    made["objective"] = DeliverableFactory(
        objective__theme__plan=plan, objective__title="A zeppelin strategy"
    )
    for place, field in [
        ("narrative", "narrative"),
        ("risks", "risks"),
        ("next_steps", "next_steps"),
    ]:
        made[place] = DeliverableFactory(objective__theme__plan=plan)
        StatusUpdateFactory(
            deliverable=made[place], quarter=q1, status="green", **{field: f"The {place}word here"}
        )
    from assurance.models import AssuranceReview

    for place, field in [("comments", "comments"), ("actions", "actions_requested")]:
        made[place] = DeliverableFactory(objective__theme__plan=plan, assurance_groups=[group])
        AssuranceReview.objects.create(
            deliverable=made[place],
            quarter=q2,
            assurance_group=group,
            level="limited",
            **{field: f"Concerns: {place}word"},
        )
    return made


CASES = [
    ("xylophone", "description", "the description"),
    ("zeppelin", "objective", "the objective"),
    ("narrativeword", "narrative", "the Q1 update's progress"),
    ("risksword", "risks", "the Q1 update's risks"),
    ("next_stepsword", "next_steps", "the Q1 update's next steps"),
    ("commentsword", "comments", "an assurance review"),
    ("actionsword", "actions", "an assurance review"),
]


@pytest.mark.django_db
class TestSearch:
    @pytest.mark.parametrize(("words", "place", "label"), CASES)
    def test_finds_words_in_each_place_and_says_where(
        self, client, people, findable, words, place, label
    ):
        client.force_login(people["viewer"])
        response = client.get(reverse("reporting:deliverable_list"), {"q": words, "quarter": "2"})
        found = list(response.context["page"].object_list)
        assert found == [findable[place]]
        assert found[0].search_hits == [label]
        assert f"Found in {label}" in response.content.decode().replace("&#x27;", "'")

    def test_a_word_in_several_places_lists_them_all(self, client, people, plan, q1):
        deliverable = DeliverableFactory(objective__theme__plan=plan, description="Kiosk rollout")
        StatusUpdateFactory(
            deliverable=deliverable, quarter=q1, status="green", narrative="Kiosk pilot done"
        )
        client.force_login(people["viewer"])
        response = client.get(reverse("reporting:deliverable_list"), {"q": "kiosk"})
        [row] = response.context["page"].object_list
        assert row.search_hits == ["the description", "the Q1 update's progress"]

    def test_references_still_find_by_number(self, client, people, findable):
        client.force_login(people["viewer"])
        target = findable["risks"]
        response = client.get(reverse("reporting:deliverable_list"), {"q": target.reference})
        assert list(response.context["page"].object_list) == [target]

    def test_nothing_found(self, client, people, findable):
        client.force_login(people["viewer"])
        response = client.get(reverse("reporting:deliverable_list"), {"q": "quuxquux"})
        assert response.context["page"].paginator.count == 0
        assert "No deliverables match these filters." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.skipif(
    __import__("django.db").db.connection.vendor != "postgresql",
    reason="stemming is PostgreSQL's full-text search (the PostgreSQL run of .ci/run)",
)
def test_postgresql_finds_other_forms_of_a_word(client, people, plan, q1):
    deliverable = DeliverableFactory(objective__theme__plan=plan)
    StatusUpdateFactory(
        deliverable=deliverable, quarter=q1, status="green", risks="Supplier delayed twice"
    )
    client.force_login(people["viewer"])
    response = client.get(reverse("reporting:deliverable_list"), {"q": "delays"})
    [row] = response.context["page"].object_list
    assert row == deliverable and row.search_hits == ["the Q1 update's risks"]


@pytest.mark.django_db
def test_the_latest_matching_quarter_is_named(client, people, plan, q1, q2):
    deliverable = DeliverableFactory(objective__theme__plan=plan)
    StatusUpdateFactory(deliverable=deliverable, quarter=q1, status="green", risks="Vendor risk")
    StatusUpdateFactory(
        deliverable=deliverable, quarter=q2, status="green", risks="Vendor risk remains"
    )
    client.force_login(people["viewer"])
    response = client.get(reverse("reporting:deliverable_list"), {"q": "vendor"})
    [row] = response.context["page"].object_list
    assert row.search_hits == ["the Q2 update's risks"]
