"""Django admin for plan administrators: changelists render, stay cheap, and keep history."""

from decimal import Decimal

import pytest
from django.urls import reverse

from deliverables.models import Deliverable
from objectives.models import Objective

CHANGELISTS = [
    "admin:objectives_plan_changelist",
    "admin:objectives_theme_changelist",
    "admin:objectives_objective_changelist",
    "admin:objectives_keyindicator_changelist",
    "admin:objectives_quarter_changelist",
    "admin:deliverables_deliverable_changelist",
    "admin:deliverables_owner_changelist",
    "admin:assurance_assurancegroup_changelist",
    "admin:objectives_measure_changelist",
    "admin:objectives_measurevalue_changelist",
]


@pytest.mark.django_db
class TestChangelists:
    @pytest.mark.parametrize("name", CHANGELISTS)
    def test_renders_with_a_bounded_number_of_queries(
        self, admin_client, plan_2021, name, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(20):
            response = admin_client.get(reverse(name))
        assert response.status_code == 200

    @pytest.mark.parametrize("name", CHANGELISTS)
    def test_query_count_does_not_grow_with_rows(self, admin_client, name):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from tests.assurance.factories import AssuranceGroupFactory
        from tests.deliverables.factories import DeliverableFactory, OwnerFactory
        from tests.objectives.factories import KeyIndicatorFactory, MeasureFactory

        def add_rows(count):
            for _ in range(count):
                deliverable = DeliverableFactory(
                    owners=[OwnerFactory(), OwnerFactory()],
                    assurance_groups=[AssuranceGroupFactory(), AssuranceGroupFactory()],
                )
                indicator = KeyIndicatorFactory(objective=deliverable.objective)
                MeasureFactory(indicator=indicator, values=[1, 2, 3])

        def queries():
            with CaptureQueriesContext(connection) as context:
                assert admin_client.get(reverse(name)).status_code == 200
            return len(context.captured_queries)

        add_rows(2)
        small = queries()
        add_rows(8)
        assert queries() == small

    def test_deliverables_in_natural_order_with_owner_and_group_columns(
        self, admin_client, plan_2021
    ):
        page = admin_client.get(reverse("admin:deliverables_deliverable_changelist")).content
        page = page.decode()
        assert (
            page.index(">1.2<") < page.index(">1.3<") < page.index(">9.4<") < page.index(">10.1<")
        )
        assert "CFO, CWIO" in page
        assert "ERP Steering Committee, Business Systems Board, CEAG" in page
        assert "63 deliverables" in page

    @pytest.mark.parametrize(
        ("query", "count"),
        [
            ("q=6.4", 1),
            ("q=6", 5),
            ("q=Clinical+Portal", 1),
            ("owners__id__exact={cdo}", 14),
            ("delivery=From+Q1", 1),
            ("theme={theme4}", 10),
        ],
    )
    def test_search_and_filters(self, admin_client, plan_2021, query, count):
        from deliverables.models import Owner

        query = query.format(
            cdo=Owner.objects.get(code="CDO").pk,
            theme4=plan_2021.themes.get(number=4).pk,
        )
        url = reverse("admin:deliverables_deliverable_changelist") + "?" + query
        response = admin_client.get(url)
        assert response.status_code == 200
        assert response.context["cl"].result_count == count

    def test_the_list_shows_the_current_plan_unless_asked_for_another(
        self, admin_client, plan_2021
    ):
        """Ten years on, a trust has ten plans' deliverables: the list opens on the current
        year's, with that year's themes to filter by (issue 32)."""
        from tests.deliverables.factories import DeliverableFactory
        from tests.objectives.factories import PlanFactory

        earlier = PlanFactory(financial_year="2020/21")
        DeliverableFactory(objective__theme__plan=earlier, objective__theme__title="Long ago")
        url = reverse("admin:deliverables_deliverable_changelist")
        response = admin_client.get(url)
        assert response.context["cl"].result_count == 63
        page = response.content.decode()
        assert "Long ago" not in page and "All plans" in page
        response = admin_client.get(url + f"?plan={earlier.pk}")
        assert response.context["cl"].result_count == 1 and "Long ago" in response.content.decode()
        assert admin_client.get(url + "?plan=all").context["cl"].result_count == 64
        # Anything else is every plan's, not an error.
        assert admin_client.get(url + "?plan=junk").context["cl"].result_count == 64

    def test_deliverable_change_page_renders(self, admin_client, plan_2021):
        deliverable = Deliverable.objects.get(objective__number=6, number=4)
        response = admin_client.get(
            reverse("admin:deliverables_deliverable_change", args=[deliverable.pk])
        )
        assert response.status_code == 200
        assert "Owners, in the plan&#x27;s order" in response.content.decode()


@pytest.mark.django_db
class TestEditingThePlan:
    def test_moving_an_objective_to_another_theme_is_one_field_and_kept_in_history(
        self, admin_client, plan_2021
    ):
        objective = Objective.objects.get(plan=plan_2021, number=1)
        theme_1 = plan_2021.themes.get(number=1)
        response = admin_client.post(
            reverse("admin:objectives_objective_change", args=[objective.pk]),
            {
                "plan": plan_2021.pk,
                "theme": theme_1.pk,
                "number": 1,
                "title": objective.title,
                "key_indicators-TOTAL_FORMS": "0",
                "key_indicators-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        objective.refresh_from_db()
        assert objective.theme == theme_1
        latest = objective.history.latest()
        assert latest.history_user.username == "planadmin"
        assert latest.diff_against(latest.prev_record).changed_fields == ["theme"]

    def test_a_bad_delivery_label_is_a_form_error_not_a_500(self, admin_client, plan_2021):
        deliverable = Deliverable.objects.get(objective__number=6, number=4)
        data = {
            "objective": deliverable.objective_id,
            "number": 4,
            "description": deliverable.description,
            "delivery": "Q3-1",
            "owner_links-TOTAL_FORMS": "0",
            "owner_links-INITIAL_FORMS": "0",
            "group_links-TOTAL_FORMS": "0",
            "group_links-INITIAL_FORMS": "0",
        }
        response = admin_client.post(
            reverse("admin:deliverables_deliverable_change", args=[deliverable.pk]), data
        )
        assert response.status_code == 200
        assert "ends before it starts" in response.content.decode()
        deliverable.refresh_from_db()
        assert deliverable.delivery == "Q1-4"

    def test_changing_the_delivery_label_updates_the_quarters(self, admin_client, plan_2021):
        deliverable = Deliverable.objects.get(objective__number=6, number=4)
        links = list(deliverable.owner_links.all())
        data = {
            "objective": deliverable.objective_id,
            "number": 4,
            "description": deliverable.description,
            "delivery": "From Q2",
            "owner_links-TOTAL_FORMS": str(len(links)),
            "owner_links-INITIAL_FORMS": str(len(links)),
            "group_links-TOTAL_FORMS": "0",
            "group_links-INITIAL_FORMS": "0",
        }
        for i, link in enumerate(links):
            data |= {
                f"owner_links-{i}-id": link.pk,
                f"owner_links-{i}-deliverable": deliverable.pk,
                f"owner_links-{i}-owner": link.owner_id,
                f"owner_links-{i}-position": link.position,
            }
        response = admin_client.post(
            reverse("admin:deliverables_deliverable_change", args=[deliverable.pk]), data
        )
        assert response.status_code == 302
        deliverable.refresh_from_db()
        assert (deliverable.start_quarter, deliverable.end_quarter) == (2, None)
        history = admin_client.get(
            reverse("admin:deliverables_deliverable_history", args=[deliverable.pk])
        )
        assert history.status_code == 200 and "planadmin" in history.content.decode()


@pytest.mark.django_db
def test_a_plan_administrator_switches_sign_off_and_names_executives(admin_client, plan_2021):
    """Off for the loaded plan; the plan's and the Owner's admin pages carry the switches."""
    from deliverables.models import Owner

    assert plan_2021.requires_sign_off is False
    page = admin_client.get(
        reverse("admin:objectives_plan_change", args=[plan_2021.pk])
    ).content.decode()
    assert 'name="requires_sign_off"' in page
    owner = Owner.objects.get(code="CDO")
    page = admin_client.get(
        reverse("admin:deliverables_owner_change", args=[owner.pk])
    ).content.decode()
    assert 'name="executive"' in page


@pytest.mark.django_db
def test_a_plan_administrator_makes_a_key_indicator_a_measure(client, plan_2021):
    from accounts.roles import PLAN_ADMINISTRATORS
    from objectives.models import KeyIndicator, Measure
    from tests.factories import UserFactory

    admin = UserFactory(role=PLAN_ADMINISTRATORS, is_staff=True)
    client.force_login(admin)
    indicator = KeyIndicator.objects.get(text="Reduction in missed doses")
    response = client.post(
        reverse("admin:objectives_measure_add"),
        {
            "indicator": indicator.pk,
            "name": "Missed doses",
            "unit": "%",
            "direction": "decrease",
            "target": "2.5",
            "frequency": "monthly",
            "data_owner": admin.pk,
            "values-TOTAL_FORMS": "1",
            "values-INITIAL_FORMS": "0",
            "values-0-period": "2021-04-01",
            "values-0-value": "3.1",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    measure = Measure.objects.get(indicator=indicator)
    assert measure.description == "Reduction in missed doses"  # the plan's text, unchanged
    assert measure.history.count() == 1 and measure.values.get().value == Decimal("3.1")
    page = client.get(reverse("admin:objectives_measure_change", args=[measure.pk]))
    assert page.status_code == 200
    # A period that is not the first of a month is refused with a reason, and nothing saved.
    response = client.post(
        reverse("admin:objectives_measurevalue_add"),
        {"measure": measure.pk, "period": "2021-05-15", "value": "3"},
    )
    assert "Give the first day of the month" in response.content.decode()
    assert measure.values.count() == 1
