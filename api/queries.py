"""What the deliverables endpoint accepts, checked strictly (issue 29): the site's list forgives
a mistyped filter (it falls back and says so), but a reporting tool that gets another plan's or
quarter's rows for a typo reports them as fact. Here a value that is not exactly right answers
400 naming the field; one that is right is handed, as the site's own ids, to the list's FilterSet
(`reporting.filters.PlanFilter`), so both still select by the one set of rules.

Themes and objectives are given by the numbers the rows show, owners by code, assurance groups by
the code (or, where the plan gives none, the name) the rows show."""

from django import forms
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from assurance.models import AssuranceGroup
from deliverables.filters import TRENDS
from deliverables.models import Owner
from deliverables.status import Status
from objectives.models import Objective, Plan, Theme
from reporting import glance

BOOLEAN_WORDS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
FLAGS = ("due", "missing", "overdue", "completed")
# The largest id a database row can have (a 64-bit signed integer).
MAX_ID = 2**63 - 1


class StrictBoolean(forms.CharField):
    """true or false (1 or 0, yes or no); None when not given; anything else is an error
    (a tick box's rules made "0" mean true)."""

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return None
        word = value.strip().lower()
        if word not in BOOLEAN_WORDS:
            raise forms.ValidationError("Give true or false (or 1 or 0).")
        return BOOLEAN_WORDS[word]


class DeliverableQuery(forms.Form):
    plan = forms.CharField(required=False, max_length=20)
    quarter = forms.IntegerField(required=False, min_value=1, max_value=4)
    theme = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    objective = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    owner = forms.CharField(required=False, max_length=50)
    assurance_group = forms.CharField(required=False, max_length=200)
    status = forms.CharField(required=False, max_length=20)
    trend = forms.CharField(required=False, max_length=20)
    level = forms.CharField(required=False, max_length=20)
    q = forms.CharField(required=False, max_length=200)
    due = StrictBoolean(required=False)
    missing = StrictBoolean(required=False)
    overdue = StrictBoolean(required=False)
    completed = StrictBoolean(required=False)

    def clean_plan(self):
        year = self.cleaned_data["plan"].strip()
        if not year:
            return None
        plan = Plan.objects.filter(financial_year=year).first()
        if plan is None:
            known = ", ".join(Plan.objects.latest_first().values_list("financial_year", flat=True))
            raise forms.ValidationError(f"No plan {year!r}. The plans are: {known or 'none'}.")
        return plan

    def clean_status(self):
        return _choice(self.cleaned_data["status"], [s.value for s in Status])

    def clean_trend(self):
        return _choice(self.cleaned_data["trend"], [key for key, _ in TRENDS])

    def clean_level(self):
        return _choice(self.cleaned_data["level"], [str(key) for key in glance.COLUMNS])

    def clean_owner(self):
        code = self.cleaned_data["owner"].strip()
        if code and not Owner.objects.filter(code__iexact=code).exists():
            raise forms.ValidationError(f"No owner {code!r}: give an owner's code, as rows show.")
        return Owner.objects.filter(code__iexact=code).values_list("code", flat=True).first() or ""

    def clean_assurance_group(self):
        label = self.cleaned_data["assurance_group"].strip()
        if not label:
            return None
        group = AssuranceGroup.objects.filter(
            Q(code__iexact=label) | Q(code="", name__iexact=label)
        ).first()
        if group is None:
            raise forms.ValidationError(
                f"No assurance group {label!r}: give its code (DHG), or its name where it has "
                "no code, as rows show."
            )
        return group

    def clean(self):
        data = super().clean()
        plan = data.get("plan") or Plan.objects.current()
        if plan is None:
            return data
        if data.get("theme"):
            theme = Theme.objects.filter(plan=plan, number=data["theme"]).first()
            if theme is None:
                self.add_error("theme", f"{plan.financial_year} has no theme {data['theme']}.")
            data["theme_obj"] = theme
        if data.get("objective"):
            objective = Objective.objects.filter(plan=plan, number=data["objective"]).first()
            if objective is None:
                self.add_error(
                    "objective", f"{plan.financial_year} has no objective {data['objective']}."
                )
            data["objective_obj"] = objective
        return data

    def filter_data(self) -> dict:
        """The list FilterSet's data: the site's own values (the plan's year, ids, codes)."""
        data = self.cleaned_data
        found = {
            "plan": data["plan"].financial_year if data.get("plan") else None,
            "quarter": data.get("quarter"),
            "theme": getattr(data.get("theme_obj"), "pk", None),
            "objective": getattr(data.get("objective_obj"), "pk", None),
            "owner": data.get("owner"),
            "assurance_group": getattr(data.get("assurance_group"), "pk", None),
            "status": data.get("status"),
            "trend": data.get("trend"),
            "level": data.get("level"),
            "q": data.get("q"),
            **{flag: "1" if data.get(flag) else None for flag in FLAGS},
        }
        return {name: str(value) for name, value in found.items() if value not in (None, "")}


def _choice(value: str, allowed: list[str]) -> str:
    """`value` as one of `allowed`, whatever its case ("Red" is red); an error lists them."""
    word = (value or "").strip().lower()
    if not word:
        return ""
    if word not in allowed:
        raise forms.ValidationError(f"Give one of: {', '.join(allowed)}.")
    return word


class QuarterQuery(forms.Form):
    """A plan and a quarter, as the deliverables endpoint takes them."""

    plan = forms.CharField(required=False, max_length=20)
    quarter = forms.IntegerField(required=False, min_value=1, max_value=4)
    clean_plan = DeliverableQuery.clean_plan

    def chosen_quarter(self):
        """The chosen quarter: of the given plan (default the current one), the given number
        (default its open quarter, else Q1); None before any plan is loaded."""
        plan = self.cleaned_data.get("plan") or Plan.objects.current()
        if plan is None:
            return None
        quarters = {q.number: q for q in plan.quarters.all()}
        number = self.cleaned_data.get("quarter")
        if number:
            return quarters.get(number)
        return next((q for q in quarters.values() if q.is_open), quarters.get(1))


PLAN_PARAMETER = OpenApiParameter(
    "plan",
    OpenApiTypes.STR,
    description="The plan, by its financial year (2021/22). Default: the current plan. An "
    "unknown year is a 400.",
)
QUARTER_PARAMETER = OpenApiParameter(
    "quarter",
    OpenApiTypes.INT,
    enum=[1, 2, 3, 4],
    description="The quarter of the plan, 1 to 4. Default: its open quarter, else Q1.",
)


# The deliverables endpoint's filters, for its schema (drf-spectacular cannot see a form).
DELIVERABLE_PARAMETERS = [
    PLAN_PARAMETER,
    QUARTER_PARAMETER,
    OpenApiParameter("theme", OpenApiTypes.INT, description="Theme number, as rows show."),
    OpenApiParameter("objective", OpenApiTypes.INT, description="Objective number."),
    OpenApiParameter("owner", OpenApiTypes.STR, description="Owner code (CDO)."),
    OpenApiParameter(
        "assurance_group",
        OpenApiTypes.STR,
        description="Assurance group: its code (DHG), or its name where it has no code.",
    ),
    OpenApiParameter(
        "status",
        OpenApiTypes.STR,
        enum=[s.value for s in Status],
        description="Status in the quarter (of those due).",
    ),
    OpenApiParameter(
        "trend",
        OpenApiTypes.STR,
        enum=[key for key, _ in TRENDS],
        description="Since last quarter.",
    ),
    OpenApiParameter(
        "level",
        OpenApiTypes.STR,
        enum=[str(key) for key in glance.COLUMNS],
        description="Committee assurance in the quarter: with `assurance_group`, that group's "
        "level; otherwise the lowest any group gave.",
    ),
    OpenApiParameter("q", OpenApiTypes.STR, description="A reference (6.4) or words."),
    *[
        OpenApiParameter(
            flag,
            OpenApiTypes.STR,
            enum=["true", "false", "1", "0"],
            description=description,
        )
        for flag, description in (
            ("due", "Only those due an update in the quarter."),
            ("missing", "Only those whose update is missing."),
            ("overdue", "Only those past their window and not finished."),
            ("completed", "Only those complete by the quarter."),
        )
    ],
]
