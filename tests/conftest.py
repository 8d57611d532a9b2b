import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from accounts.roles import PLAN_ADMINISTRATORS, VIEWERS
from objectives.models import Quarter
from tests.assurance.factories import AssuranceGroupFactory  # noqa: F401 - re-exported
from tests.deliverables.factories import DeliverableFactory, OwnerFactory, StatusUpdateFactory  # noqa: F401
from tests.factories import UserFactory
from tests.objectives.factories import (
    ObjectiveFactory,
    PlanFactory,  # noqa: F401
    ThemeFactory,
)


@pytest.fixture(scope="session", autouse=True)
def _plain_http():
    """The test client and the live server speak plain HTTP. Set before the (session-wide) live
    server builds its middleware, which reads this once; tests/test_security.py checks the
    production default in a fresh process."""
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(scope="session", autouse=True)
def _no_collected_static(tmp_path_factory):
    """Whitenoise indexes every file under STATIC_ROOT each time a test client builds its
    middleware: after `make bench` or `collectstatic` that tripled the suite's time. Tests find
    static files through the finders (the live server) and never need the collected copy."""
    from django.conf import settings

    settings.STATIC_ROOT = tmp_path_factory.mktemp("static_root")


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Password hashing is deliberately slow; tests need it fast, not strong.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def signing_pair(tmp_path_factory):
    from reporting.record import signing

    return signing.make_demo_pair(tmp_path_factory.mktemp("signing"), "Test Trust")


@pytest.fixture
def signed(settings, signing_pair):
    """The board record's PDFs signed with a test key; the certificate's path."""
    key, cert = signing_pair
    settings.BOARD_RECORD_SIGNING_KEY, settings.BOARD_RECORD_SIGNING_CERT = str(key), str(cert)
    return cert


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

    from accounts.roles import VIEWERS

    someone = get_user_model().objects.create_user("someone", password="a-strong-test-password")
    someone.groups.add(Group.objects.get(name=VIEWERS))
    return someone


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


# Shared by the deliverables, assurance and security tests.
@pytest.fixture
def plan(db):
    plan = PlanFactory()
    plan.quarters.filter(number=1).update(state=Quarter.State.CLOSED)
    plan.quarters.filter(number=2).update(
        state=Quarter.State.OPEN, deadline=datetime.date(2021, 10, 15)
    )
    return plan


@pytest.fixture
def q1(plan):
    return plan.quarters.get(number=1)


@pytest.fixture
def q2(plan):
    return plan.quarters.get(number=2)


@pytest.fixture
def cdo(db):
    return OwnerFactory(code="CDO")


@pytest.fixture
def cfo(db):
    return OwnerFactory(code="CFO")


@pytest.fixture
def dhg(db):
    return AssuranceGroupFactory(code="DHG")


@pytest.fixture
def cdo_deliverable(plan, cdo, dhg):
    return DeliverableFactory(objective__theme__plan=plan, owners=[cdo], assurance_groups=[dhg])


@pytest.fixture
def cfo_deliverable(plan, cfo):
    return DeliverableFactory(objective__theme__plan=plan, owners=[cfo])


@pytest.fixture
def people(db, cdo, cfo, dhg):
    """One user per role, by name. The CDO and CFO are their Owners' executives; the
    delegate writes the CDO's updates on their behalf."""
    people = {
        "admin": UserFactory(username="admin", role=PLAN_ADMINISTRATORS, is_staff=True),
        "cdo": UserFactory(username="cdo", owners=[cdo]),
        "delegate": UserFactory(username="cdo-delegate", owners=[cdo]),
        "cfo": UserFactory(username="cfo", owners=[cfo]),
        "secretary": UserFactory(username="secretary", assurance_groups=[dhg]),
        "viewer": UserFactory(username="viewer", role=VIEWERS),
        "nobody": UserFactory(username="nobody"),
    }
    cdo.executive, cfo.executive = people["cdo"], people["cfo"]
    cdo.save()
    cfo.save()
    return people


@pytest.fixture
def hand_built(plan, q1, q2, cdo, cfo, dhg):
    """Theme A (Q2 is the open quarter):
    a1 Q1-4 green in Q1, amber in Q2        -> due, amber, deteriorated
    a2 Q1-4 red in Q1, green in Q2          -> due, green, improved
    a3 Q1-4 green in Q1, no Q2 update       -> due, update missing
    a4 Q1 only, amber in Q1, no Q2 update   -> due, missing, overdue
    a5 Q1-4 complete in Q1                  -> not due (completed earlier), complete to date
    a6 Q3-4                                 -> not due (window not started)
    Theme B:
    b1 Q1-4 green in Q1, green in Q2        -> due, green, sustained
    b2 Q2 only, complete in Q2              -> due, complete, no comparison
    """
    theme_a = ThemeFactory(plan=plan, number=1, title="A")
    theme_b = ThemeFactory(plan=plan, number=2, title="B")
    obj_a = ObjectiveFactory(theme=theme_a, number=1)
    obj_b = ObjectiveFactory(theme=theme_b, number=2)

    def make(objective, number, owners, delivery="Q1-4", start=1, end=4, groups=()):
        return DeliverableFactory(
            objective=objective,
            number=number,
            delivery=delivery,
            start_quarter=start,
            end_quarter=end,
            owners=owners,
            assurance_groups=list(groups),
        )

    def update(deliverable, quarter, status, **extra):
        StatusUpdateFactory(deliverable=deliverable, quarter=quarter, status=status, **extra)

    a1 = make(obj_a, 1, [cdo], groups=[dhg])
    update(a1, q1, "green")
    update(a1, q2, "amber", reason_for_change="x")
    a2 = make(obj_a, 2, [cdo, cfo])
    update(a2, q1, "red")
    update(a2, q2, "green", reason_for_change="x")
    a3 = make(obj_a, 3, [cfo], groups=[dhg])
    update(a3, q1, "green")
    a4 = make(obj_a, 4, [cdo], delivery="Q1", end=1)
    update(a4, q1, "amber")
    a5 = make(obj_a, 5, [cfo])
    update(a5, q1, "complete")
    make(obj_a, 6, [cfo], delivery="Q3-4", start=3)
    b1 = make(obj_b, 1, [cfo])
    update(b1, q1, "green")
    update(b1, q2, "green")
    b2 = make(obj_b, 2, [cdo], delivery="Q2", start=2, end=2)
    update(b2, q2, "complete")
    return theme_a, theme_b
