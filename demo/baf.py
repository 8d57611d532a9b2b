"""The demo's Board Assurance Framework: seven illustrative principal risks over UHB's themes
(marked as illustrative everywhere they show), tied to the demo plan's own deliverables,
committee reviews and key indicators, so some of their gaps are raised by the demo's own Red
updates and Limited reviews. Written through the services people's clicks use: scores by the
risk's owner (the CDO and CFO are demo accounts; an administrator for the others), views by
the lead committee's secretary."""

import datetime

from assurance.baf.models import (
    PrincipalRisk,
    RiskAssurance,
    RiskCommitteeView,
    RiskControl,
    RiskScore,
)
from assurance.baf.services import score_save, view_save
from assurance.models import AssuranceGroup
from common.history import recorded_save
from deliverables.models import Deliverable, Owner
from objectives.models import Measure, Objective

REASON = "Illustrative principal risk for the demo"

# number, title, cause, event, effect, objectives, owner, lead committee, appetite category and
# level, initial / target / tolerable (likelihood, consequence), controls, assurances, and the
# score each quarter (likelihood, consequence) with its view: the last quarter's score is
# left for the owner where the owner is a demo account (the CDO has one to record in the open
# quarter).
RISKS = [
    {
        "number": 1,
        "title": "A cyber attack disrupts clinical systems across the Trust's sites",
        "cause": "Legacy systems and a growing attack surface as services move to shared "
        "platforms.",
        "event": "A successful ransomware or denial-of-service attack.",
        "effect": "Loss of clinical systems, delayed care, harm to patients and loss of data.",
        "objectives": [6, 7],
        "owner": "CDO",
        "committee": "DHG",
        "appetite": ("compliance", "averse"),
        "scores": ((4, 5), (2, 5), (3, 4)),
        "controls": [("6.3", "partial"), ("7.1", "effective"), ("7.2", "not_assessed")],
        "processes": [("Cyber incident response plan", "Head of IT Security", "partial")],
        "reviews": [("6.3", "DHG"), ("7.1", "DHG")],
        "audits": [("Data security and protection toolkit", "07-15", "limited")],
        "quarters": {1: ((4, 5), "limited"), 2: ((4, 5), "limited")},
    },
    {
        "number": 2,
        "title": "The Trust cannot recruit and keep the staff it needs",
        "cause": "National shortages in key professions; pay and cost of living pressures.",
        "event": "Vacancy and turnover rates stay above plan.",
        "effect": "Unsafe staffing, reliance on agency staff, delayed services.",
        "objectives": [12, 13, 14],
        "owner": "CWIO",
        "committee": "TWG",
        "appetite": ("workforce", "open"),
        "scores": ((4, 4), (3, 3), (3, 4)),
        "controls": [("12.4", "partial"), ("12.6", "partial"), ("13.2", "partial")],
        "reviews": [("12.6", "TWG"), ("13.1", "TWG")],
        "measures": [("Staff retention (12 months)", 2), ("Staff sickness absence", 1)],
        "quarters": {1: ((4, 4), "reasonable"), 2: ((4, 4), "limited"), 3: ((4, 4), None)},
    },
    {
        "number": 3,
        "title": "The Trust does not deliver its financial plan",
        "cause": "Inflation, unfunded pressures and a shortfall in recurrent efficiency.",
        "event": "The year-end position is worse than plan.",
        "effect": "Loss of financial freedoms and cuts that harm services.",
        "objectives": [8],
        "owner": "CFO",
        "committee": "CEAG",
        "appetite": ("finance", "cautious"),
        "scores": ((4, 4), (2, 4), (3, 4)),
        "controls": [("8.1", "effective"), ("8.2", "partial")],
        "processes": [("Standing financial instructions", "Director of Finance", "effective")],
        "reviews": [("8.2", "CEAG")],
        "measures": [("Agency expenditure", 2)],
        "externals": [("NHS England", "Financial governance review", "09-10", "reasonable")],
        "quarters": {1: ((3, 4), "reasonable"), 2: ((3, 4), "reasonable")},
    },
    {
        "number": 4,
        "title": "Care falls short of the Trust's quality and safety standards",
        "cause": "Variation in practice between sites; pressure on wards and staffing.",
        "event": "Avoidable harm, or a regulator finds care inadequate.",
        "effect": "Harm to patients, loss of public confidence, regulatory action.",
        "objectives": [2, 3, 4],
        "owner": "CMO",
        "committee": "CQG",
        "appetite": ("quality", "minimal"),
        "scores": ((3, 5), (2, 4), (2, 4)),
        "controls": [("3.2", "effective"), ("3.3", "partial"), ("3.4", "partial")],
        "reviews": [("3.4", "CQG"), ("3.3", "CQMG")],
        "measures": [
            ("Missed doses (% of scheduled doses)", 1),
            ("Trust-acquired pressure ulcers", 2),
        ],
        "externals": [("CQC", "Maternity services inspection", "06-12", "reasonable")],
        "quarters": {1: ((3, 4), "reasonable"), 2: ((3, 4), "reasonable"), 3: ((3, 4), None)},
    },
    {
        "number": 5,
        "title": "The new enterprise systems (ERP) fail to go live safely",
        "cause": "Complex data migration across legacy finance, HR and procurement systems.",
        "event": "Go-live is delayed, or goes live with defects.",
        "effect": "Staff not paid correctly, suppliers not paid, loss of financial control.",
        "objectives": [1],
        "owner": "CFO",
        "committee": "CEAG",
        "appetite": ("finance", "cautious"),
        "scores": ((4, 4), (2, 3), (3, 3)),
        "controls": [("1.2", "partial")],
        "reviews": [("1.2", "CEAG")],
        "quarters": {1: ((3, 4), "limited"), 2: ((4, 4), "reasonable")},
    },
    {
        "number": 6,
        "title": "The Trust loses research capacity and income",
        "cause": "Competition for funding and research staff; the pandemic's backlog.",
        "event": "Fewer studies open and recruit.",
        "effect": "Patients lose access to new treatments; income and reputation fall.",
        "objectives": [18, 19],
        "owner": "CIO",
        "committee": "SRIG",
        "appetite": ("innovation", "seek"),
        "scores": ((3, 3), (2, 3), (4, 3)),
        "controls": [("18.2", "effective"), ("18.3", "partial"), ("19.4", "effective")],
        "reviews": [("18.3", "SRIG")],
        "audits": [("Research governance", "05-20", "substantial")],
        "quarters": {1: ((3, 3), "substantial"), 2: ((3, 3), "reasonable"), 3: ((3, 3), None)},
    },
    {
        "number": 7,
        "title": "A major incident or pandemic overwhelms the Trust's services",
        "cause": "New infectious diseases, extreme weather, or a failure of infrastructure.",
        "event": "Demand exceeds capacity across sites for a sustained period.",
        "effect": "Planned care stops, patients come to harm, staff are exhausted.",
        "objectives": [20],
        "owner": "CLO",
        "committee": "SEPSG",
        "appetite": ("quality", "minimal"),
        "scores": ((3, 5), (2, 4), (2, 5)),
        "controls": [("20.1", "effective"), ("20.2", "effective")],
        "processes": [("Business continuity plans", "Head of EPRR", "effective")],
        "reviews": [("20.1", "SEPSG")],
        "externals": [("NHS England", "EPRR core standards assurance", "10-20", "substantial")],
        "quarters": {1: ((2, 5), "reasonable"), 2: ((2, 5), "substantial"), 3: ((2, 5), None)},
    },
]

SCORE_RATIONALE = {
    "same": "Controls are holding; the open gaps are being worked through by their actions.",
    "up": "Gaps in control have widened this quarter: see the deliverables named below.",
    "down": "Controls have strengthened and independent assurance is positive.",
}
VIEW_COMMENTS = {
    "substantial": "The committee checked the sources cited and is assured.",
    "reasonable": "Assured on most controls; asked for the open actions at the next meeting.",
    "limited": "Not assured: delivery of the key controls is behind plan. Escalated to Board.",
}


def create_demo_baf(plan, admin) -> int:
    """The illustrative risks in `plan`'s BAF, once (none are added where it has any)."""
    if PrincipalRisk.objects.in_plan(plan).exists():
        return 0
    deliverables = {d.reference: d for d in Deliverable.objects.in_plan(plan).with_plan_details()}
    groups = {g.label: g for g in AssuranceGroup.objects.all()}
    measures = {m.name: m for m in Measure.objects.in_plan(plan)}
    for spec in RISKS:
        (il, ic), (tl, tc), (ol, oc) = spec["scores"]
        risk = PrincipalRisk(
            plan=plan,
            number=spec["number"],
            title=spec["title"],
            cause=spec["cause"],
            event=spec["event"],
            effect=spec["effect"],
            owner=Owner.objects.get(code=spec["owner"]),
            lead_committee=groups[spec["committee"]],
            appetite_category=spec["appetite"][0],
            appetite_level=spec["appetite"][1],
            initial_likelihood=il,
            initial_consequence=ic,
            target_likelihood=tl,
            target_consequence=tc,
            tolerance_likelihood=ol,
            tolerance_consequence=oc,
            rationale="Scored against the Trust's 5×5 risk matrix at the start of the year.",
            illustrative=True,
        )
        recorded_save(risk, admin, REASON)
        risk.objectives.set(Objective.objects.filter(plan=plan, number__in=spec["objectives"]))
        position = 0
        for reference, effectiveness in spec["controls"]:
            if reference in deliverables:  # a demo year may have rolled fewer over
                position += 1
                recorded_save(
                    RiskControl(
                        risk=risk,
                        deliverable=deliverables[reference],
                        effectiveness=effectiveness,
                        position=position,
                    ),
                    admin,
                    REASON,
                )
        for name, owner, effectiveness in spec.get("processes", []):
            position += 1
            recorded_save(
                RiskControl(
                    risk=risk,
                    name=name,
                    owner=owner,
                    effectiveness=effectiveness,
                    position=position,
                ),
                admin,
                REASON,
            )
        _assurances(risk, spec, deliverables, groups, measures, admin)
    return len(RISKS)


def _assurances(risk, spec, deliverables, groups, measures, admin):
    kind = RiskAssurance.Kind
    made = []
    for reference, group in spec.get("reviews", []):
        if reference in deliverables:
            made.append(
                RiskAssurance(
                    risk=risk,
                    kind=kind.REVIEW,
                    line=2,
                    deliverable=deliverables[reference],
                    assurance_group=groups[group],
                )
            )
    for name, line in spec.get("measures", []):
        if name in measures:
            made.append(
                RiskAssurance(risk=risk, kind=kind.MEASURE, line=line, measure=measures[name])
            )
    for title, day, opinion in spec.get("audits", []):
        made.append(
            RiskAssurance(
                risk=risk,
                kind=kind.AUDIT,
                line=3,
                title=title,
                date=_in_year(risk.plan, day),
                opinion=opinion,
            )
        )
    for body, title, day, opinion in spec.get("externals", []):
        made.append(
            RiskAssurance(
                risk=risk,
                kind=kind.EXTERNAL,
                line=3,
                body=body,
                title=title,
                date=_in_year(risk.plan, day),
                opinion=opinion,
            )
        )
    for position, assurance in enumerate(made, start=1):
        assurance.position = position
        recorded_save(assurance, admin, REASON)


def _in_year(plan, month_day: str) -> datetime.date:
    """ "07-15" in the plan's financial year: 15 July of its first year (January to March of
    the second)."""
    month, day = map(int, month_day.split("-"))
    return datetime.date(plan.first_year + (month < 4), month, day)


def record_demo_quarter(quarter, users) -> None:
    """Each risk's score and its lead committee's view for `quarter`, as their people record
    them before the quarter closes (what the demo leaves for the open quarter is left)."""
    for risk in PrincipalRisk.objects.in_plan(quarter.plan).select_related("owner"):
        spec = next((s for s in RISKS if s["number"] == risk.number), None)
        if spec is None or quarter.number not in spec["quarters"]:
            continue
        (likelihood, consequence), level = spec["quarters"][quarter.number]
        before = (
            RiskScore.objects.filter(risk=risk, quarter__number__lt=quarter.number)
            .order_by("-quarter__number")
            .first()
        )
        was = before.score if before else risk.initial_score
        now = likelihood * consequence
        trend = "same" if now == was else ("up" if now > was else "down")
        if not RiskScore.objects.filter(risk=risk, quarter=quarter).exists():
            scorer = next(
                (
                    u
                    for u in (users.get("cdo"), users.get("cfo"))
                    if u and risk.owner.users.filter(pk=u.pk).exists()
                ),
                users["admin"],
            )
            score_save(
                score=RiskScore(
                    risk=risk,
                    quarter=quarter,
                    likelihood=likelihood,
                    consequence=consequence,
                    rationale=SCORE_RATIONALE[trend],
                ),
                user=scorer,
                expected_version=0,
            )
        if level and not RiskCommitteeView.objects.filter(risk=risk, quarter=quarter).exists():
            secretary = users["dhg-secretary"] if spec["committee"] == "DHG" else users["admin"]
            view_save(
                view=RiskCommitteeView(
                    risk=risk,
                    quarter=quarter,
                    assurance_group=risk.lead_committee,
                    level=level,
                    comments=VIEW_COMMENTS[level],
                ),
                user=secretary,
                expected_version=0,
            )
