"""Synthetic monthly values for a handful of the 2021/22 plan's key indicators (`seed_demo`).

Deterministic (a fixed random seed), realistic in scale, and shaped so that together they show
every Making Data Count icon: each variation icon and each assurance icon at least once
(tests/demo/test_demo_measures.py checks that). Invented numbers: not the trust's data.
"""

import datetime
import random
from decimal import Decimal

from objectives.models import KeyIndicator, Measure

MONTHS = 30  # for 2021/22: April 2019 to September 2021, the end of the demo's Q2
LAST_MONTH_2021 = datetime.date(2021, 9, 1)

# objective number, the indicator's text (its start), then the measure; `ending` shapes the last
# months: ("shift", change, months), ("trend", step, months) or None.
MEASURES = [
    (
        3,
        "Reduction in missed doses",
        {
            "name": "Missed doses (% of scheduled doses)",
            "unit": "%",
            "direction": "decrease",
            "target": "2.5",
            "level": 3.2,
            "noise": 0.2,
            "ending": ("shift", -0.7, 8),
            "owner": "cdo",
        },
    ),
    (
        3,
        "Reduction in Trust-acquired pressure ulcers",
        {
            "name": "Trust-acquired pressure ulcers",
            "unit": "per month",
            "direction": "decrease",
            "target": "40",
            "level": 52,
            "noise": 4,
            "ending": ("shift", 22, 1),
            "owner": "cdo",
        },
    ),
    (
        11,
        "Friends and family test",
        {
            "name": "Friends and family test: would recommend",
            "unit": "%",
            "direction": "increase",
            "target": "90",
            "level": 94,
            "noise": 0.6,
            "ending": ("trend", 0.25, 7),
            "owner": "cdo",
        },
    ),
    (
        12,
        "Improved staff retention",
        {
            "name": "Staff retention (12 months)",
            "unit": "%",
            "direction": "increase",
            "target": "86",
            "level": 86.5,
            "noise": 0.5,
            "ending": ("shift", -2.6, 1),
            "owner": "cfo",
        },
    ),
    (
        12,
        "Reduced staff sickness",
        {
            "name": "Staff sickness absence",
            "unit": "%",
            "direction": "decrease",
            "target": "3.5",
            "level": 5.1,
            "noise": 0.25,
            "ending": None,
            "owner": "cfo",
        },
    ),
    (
        8,
        "Reduction in agency expenditure",
        {
            "name": "Agency expenditure",
            "unit": "£k",
            "direction": "decrease",
            "target": None,
            "level": 4200,
            "noise": 260,
            "ending": None,
            "owner": "cfo",
        },
    ),
    (
        11,
        "Patient feedback",
        {
            "name": "Patient feedback received",
            "unit": "responses",
            "direction": "neutral",
            "target": None,
            "level": 1800,
            "noise": 90,
            "ending": ("shift", 260, 8),
            "owner": "cdo",
        },
    ),
    (
        11,
        "Improved operational performance",
        {
            "name": "Emergency admissions",
            "unit": "per month",
            "direction": "neutral",
            "target": None,
            "level": 11800,
            "noise": 300,
            "ending": ("trend", -220, 7),
            "owner": "cdo",
        },
    ),
]


def months(count, last_month):
    """`count` months, first days, ending with `last_month`."""
    last = last_month.year * 12 + last_month.month - 1
    for index in range(last - count + 1, last + 1):
        yield datetime.date(index // 12, index % 12 + 1, 1)


def series(spec, rng):
    values = [spec["level"] + rng.gauss(0, spec["noise"]) for _ in range(MONTHS)]
    if spec["ending"]:
        kind, change, length = spec["ending"]
        start = MONTHS - length
        for i in range(start, MONTHS):
            if kind == "shift":
                values[i] += change
            else:  # a steady trend, each month beyond the last
                values[i] = spec["level"] + change * (i - start + 1)
    places = 0 if spec["noise"] >= 50 else 1 if spec["noise"] >= 2 else 2
    return [round(Decimal(str(v)), places) for v in values]


def create_demo_measures(plan, users, last_month=LAST_MONTH_2021) -> int:
    """The measures and their values for `plan`, the last in `last_month`; existing ones are
    kept as they are."""
    rng = random.Random(2021)
    created = 0
    for objective, text, spec in MEASURES:
        values = series(spec, rng)  # drawn whatever exists, so each series stays the same
        indicator = KeyIndicator.objects.filter(
            objective__plan=plan, objective__number=objective, text__startswith=text
        ).first()
        if indicator is None or Measure.objects.filter(indicator__line=indicator.line).exists():
            continue
        measure = Measure.objects.create(
            indicator=indicator,
            name=spec["name"],
            unit=spec["unit"],
            direction=spec["direction"],
            target=Decimal(spec["target"]) if spec["target"] else None,
            data_owner=users.get(spec["owner"]),
        )
        periods = months(MONTHS, last_month)
        measure.record_values(list(zip(periods, values, strict=True)), users.get("admin"))
        created += 1
    return created


def continue_demo_measures(plan, users, last_month) -> int:
    """The demo's measures, continued by a roll-over into `plan`, go on to `last_month` as one
    series: each later month drawn around the level of its last year. Deterministic."""
    continued = 0
    for measure in Measure.objects.in_plan(plan).order_by("pk"):
        values = list(measure.values.order_by("period"))
        if not values or values[-1].period >= last_month:
            continue
        rng = random.Random(f"{measure.name} {last_month:%Y-%m}")
        recent = [float(v.value) for v in values[-12:]]
        level = sum(recent) / len(recent)
        noise = (max(recent) - min(recent)) / 4 or abs(level) * 0.02 or 1
        places = max(-Decimal(str(v.value)).as_tuple().exponent for v in values[-12:])
        periods = list(months(_months_between(values[-1].period, last_month), last_month))
        rows = [
            (period, round(Decimal(str(level + rng.gauss(0, noise))), places)) for period in periods
        ]
        measure.record_values(rows, users.get("admin"))
        continued += 1
    return continued


def _months_between(after, last):
    return (last.year - after.year) * 12 + last.month - after.month
