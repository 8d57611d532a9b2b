import datetime

import pytest

from objectives.models import Quarter
from objectives.roles import PLAN_ADMINISTRATORS, VIEWERS
from tests.assurance.factories import AssuranceGroupFactory
from tests.deliverables.factories import DeliverableFactory, OwnerFactory
from tests.factories import UserFactory
from tests.objectives.factories import PlanFactory


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
    """One user per role, by name."""
    return {
        "admin": UserFactory(username="admin", role=PLAN_ADMINISTRATORS, is_staff=True),
        "cdo": UserFactory(username="cdo", owners=[cdo]),
        "delegate": UserFactory(username="cdo-delegate", owners=[cdo]),
        "cfo": UserFactory(username="cfo", owners=[cfo]),
        "secretary": UserFactory(username="secretary", assurance_groups=[dhg]),
        "viewer": UserFactory(username="viewer", role=VIEWERS),
        "nobody": UserFactory(username="nobody"),
    }
