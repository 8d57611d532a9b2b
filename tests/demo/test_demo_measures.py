"""`seed_demo` gives a handful of key indicators values that show every Making Data Count icon."""

import datetime

import pytest
from django.core.management import call_command

from assurance.baf.models import RiskAssurance
from objectives.measures import spc
from objectives.models import Measure, MeasureValue

# The demo as on 8 October 2021, in 2021/22's Q2 (seed_demo rolls over into today's year).
IN_Q2_2021 = datetime.date(2021, 10, 8)

pytestmark = pytest.mark.django_db


def test_the_demo_measures_show_every_icon_the_same_way_every_time(plan_2021):
    call_command("seed_demo", force=True, verbosity=0, today=IN_Q2_2021)
    measures = list(Measure.objects.with_values())
    analyses = [m.analysis() for m in measures]
    assert {a.variation for a in analyses} == set(spc.Variation)
    assert {a.assurance for a in analyses} == {*spc.Assurance, None}
    assert all(len(a.points) == 30 for a in analyses)
    assert all(m.data_owner is not None for m in measures)
    # Deterministic: run again on a fresh copy and the values are the same.
    before = sorted(MeasureValue.objects.values_list("measure__name", "period", "value"))
    MeasureValue.objects.all().delete()
    # The demo's BAF cites some of them as assurance: a cited measure is kept (PROTECT) until
    # the BAF lets it go.
    RiskAssurance.objects.filter(measure__isnull=False).delete()
    Measure.objects.all().delete()
    call_command("seed_demo", force=True, verbosity=0, today=IN_Q2_2021)
    assert sorted(MeasureValue.objects.values_list("measure__name", "period", "value")) == before


def test_running_seed_demo_again_keeps_the_measures_as_they_are(plan_2021):
    call_command("seed_demo", force=True, verbosity=0, today=IN_Q2_2021)
    measure = Measure.objects.first()
    measure.values.filter(period__year=2021).update(value=1)
    call_command("seed_demo", force=True, verbosity=0, today=IN_Q2_2021)
    assert Measure.objects.count() == 8
    assert set(measure.values.filter(period__year=2021).values_list("value", flat=True)) == {1}
