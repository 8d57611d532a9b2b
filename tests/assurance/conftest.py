# The deliverables tests' fixtures (plan, quarters, people, hand_built ...) serve here too.
from tests.deliverables.conftest import (  # noqa: F401
    cdo,
    cdo_deliverable,
    cfo,
    cfo_deliverable,
    dhg,
    hand_built,
    people,
    plan,
    q1,
    q2,
)
