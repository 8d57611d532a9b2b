import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.assurance.factories import AssuranceGroupFactory  # noqa: F401 - re-exported
from tests.deliverables.factories import DeliverableFactory, OwnerFactory  # noqa: F401
from tests.objectives.factories import PlanFactory  # noqa: F401


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Password hashing is deliberately slow; tests need it fast, not strong.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
    """A signed-in reader: a viewer."""
    from django.contrib.auth.models import Group

    from objectives.roles import VIEWERS

    someone = get_user_model().objects.create_user("someone", password="a-strong-test-password")
    someone.groups.add(Group.objects.get(name=VIEWERS))
    return someone


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client
