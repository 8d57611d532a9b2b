import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.assurance.factories import AssuranceGroupFactory  # noqa: F401 - re-exported
from tests.deliverables.factories import DeliverableFactory, OwnerFactory  # noqa: F401
from tests.objectives.factories import PlanFactory  # noqa: F401


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def plan_2021(db):
    """The real 2021/22 plan, loaded from fixtures/ as `make run` loads it."""
    call_command("load_plan", verbosity=0)
    from objectives.models import Plan

    return Plan.objects.get(financial_year="2021/22")


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser(
        "planadmin", "planadmin@example.nhs.uk", "a-strong-test-password"
    )


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("someone", password="a-strong-test-password")


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client
