"""The deliverables list's filters. Everything lives in the URL, so a view can be bookmarked.

The quarter a filter speaks of ("status in Q2", "update missing") is chosen with `quarter`
(1–4, within `plan`); without it, the plan's open quarter, else its Q1.
"""

from urllib.parse import urlencode

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property, lazy

from common import revision
from deliverables.models import Deliverable, Owner
from deliverables.positions import AWAITING
from deliverables.status import Status
from nhsuk.forms import FilterForm
from objectives.models import Objective, Plan, Quarter, Theme
from objectives.quarters import parse_financial_year, parse_number

TRENDS = [("improved", "Improved"), ("sustained", "Sustained"), ("deteriorated", "Deteriorated")]


class OnlyWhenTicked(django_filters.BooleanFilter):
    """A tick box: ticked narrows the list, unticked means "any" (never "not")."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxInput)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return super().filter(qs, True) if value else qs


# Above this many objectives in a plan, the objective menu lists only the chosen theme's.
OBJECTIVE_MENU_LIMIT = 100


class DeliverableFilter(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(
        queryset=Plan.objects.latest_first(),
        field_name="objective__plan",
        label="Plan",
        empty_label=None,
        to_field_name="financial_year",
    )
    quarter = django_filters.ChoiceFilter(
        choices=[(str(n), f"Q{n}") for n in (1, 2, 3, 4)],
        method="filter_nothing",
        label="Quarter",
        empty_label=None,
    )
    q = django_filters.CharFilter(method="filter_text", label="Reference or words")
    # Each "no choice" option says what it means ("Any theme"), not Django's "---------".
    theme = django_filters.ModelChoiceFilter(
        queryset=Theme.objects.all(),
        field_name="objective__theme",
        label="Theme",
        empty_label="Any theme",
    )
    objective = django_filters.ModelChoiceFilter(
        queryset=Objective.objects.all(), label="Objective", empty_label="Any objective"
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=Owner.objects.all(),
        field_name="owners",
        to_field_name="code",
        label="Owner",
        empty_label="Any owner",
    )
    status = django_filters.ChoiceFilter(
        choices=Status.choices,
        method="filter_status",
        label="Status in the quarter",
        empty_label="Any status",
    )
    trend = django_filters.ChoiceFilter(
        choices=TRENDS,
        field_name="trend",
        label="Change since the quarter before",
        empty_label="Any change",
    )
    due = OnlyWhenTicked(field_name="is_due", label="Due an update in the quarter")
    missing = OnlyWhenTicked(method="filter_missing", label="Update missing")
    overdue = OnlyWhenTicked(field_name="is_overdue", label="Overdue (past its window)")
    completed = OnlyWhenTicked(field_name="is_complete", label="Complete by the quarter")

    # The filters a file name mentions, in this order; then the tick boxes ticked.
    DESCRIBED = ("theme", "objective", "owner", "status", "trend")
    TICKED = ("due", "missing", "overdue", "completed")

    class Meta:
        model = Deliverable
        fields = []
        form = FilterForm  # rendered by crispy, in NHS.UK markup

    @cached_property
    def chooser(self):
        """The plan-and-quarter chooser at the top of a page that speaks of one quarter."""
        from deliverables.forms import PlanQuarterForm

        return PlanQuarterForm(self)

    @property
    def chooser_key(self) -> str:
        """Everything a chooser shows: the plans and the chosen plan's quarters offered
        (`plan_choices`, kept) and the choice. Each chooser is drawn once for that, in the
        "fragments" cache (`{% cache %}`): every page that speaks of a quarter draws one,
        and building it cost two queries and a form (issue 32)."""
        choices, plan = plan_choices(), self.plan_obj
        offered = choices["quarters"].get(plan.pk) if plan else None
        quarter = self.quarter_obj.number if self.quarter_obj else None
        return repr((choices["plans"], plan and plan.financial_year, offered, quarter))

    @cached_property
    def plan_chooser(self):
        """The plan chooser of a page that shows every quarter (the RAG grid)."""
        from deliverables.forms import PlanQuarterForm

        return PlanQuarterForm(self, with_quarter=False)

    def __init__(self, data=None, *args, **kwargs):
        self.data_in = data or {}
        self.plan_obj = self._chosen_plan()
        self.quarter_obj = self._chosen_quarter()
        # The plan and quarter in use are always explicit, so links and exports built from
        # `self.data` say exactly what the page shows, whatever is open later.
        data = data.copy() if hasattr(data, "copy") else dict(data or {})
        if self.plan_obj is not None:
            data["plan"] = self.plan_obj.financial_year
            data["quarter"] = str(self.quarter_obj.number)
        super().__init__(data, *args, **kwargs)
        if self.plan_obj is not None:
            # Choices follow the chosen plan, so a theme of another year is not offered. Set
            # before anything reads `self.form`, which builds its fields from these once.
            self.filters["theme"].queryset = Theme.objects.filter(plan=self.plan_obj)
            self.filters["objective"].queryset = Objective.objects.filter(plan=self.plan_obj)

    @property
    def form(self):
        """The filter form, built when first asked for: the dashboard and the board report
        read the chosen plan and quarter only (`chooser`), and building every field of it
        was a tenth of the dashboard's time."""
        if not hasattr(self, "_form"):
            form = super().form
            form.hide_optional = True
            form.fields["plan"].label_from_instance = lambda plan: plan.financial_year
            self._shape(form)
        return self._form

    def _shape(self, form):
        """What a filter page changes of its form once built (the menus, the order)."""
        if self.plan_obj is not None:
            self._short_objective_menu()

    def _short_objective_menu(self):
        """A plan of hundreds of objectives offers, in the menu, only the chosen theme's (and
        the one chosen): any of the plan's is still accepted from a link. The seed plan's 20
        are all offered. Worked out only when the menu is shown (two queries, whatever the
        plan's size), so pages that read the filter without showing it pay nothing."""
        field = self.form.fields["objective"]
        objectives = field.queryset.order_by("number")
        theme = parse_number(self.data.get("theme"))
        chosen = parse_number(self.data.get("objective"))
        state = {}

        def is_long():
            if "long" not in state:
                state["long"] = objectives.count() > OBJECTIVE_MENU_LIMIT
            return state["long"]

        def menu():
            # Rendering asks for the choices more than once: one query all the same.
            if "menu" not in state:
                offered = objectives
                if is_long():
                    offered = objectives.filter(models.Q(theme_id=theme) | models.Q(pk=chosen))
                state["menu"] = [("", "Any objective")] + [(o.pk, str(o)) for o in offered]
            return state["menu"]

        field.widget.choices = menu
        field.help_text = lazy(
            lambda: "Choose a theme first to pick one of its objectives." if is_long() else "",
            str,
        )()

    def _chosen_plan(self):
        year = str(self.data_in.get("plan") or "")
        # Only a well-formed year reaches the database (PostgreSQL refuses, for one, NUL bytes;
        # found by tests/test_fuzz.py); anything else falls back to the latest plan.
        plan = Plan.objects.filter(financial_year=year).first() if _is_year(year) else None
        return plan or Plan.objects.current()

    def _chosen_quarter(self):
        if self.plan_obj is None:
            return None
        quarters = {q.number: q for q in self.plan_obj.quarters.all()}
        number = parse_number(self.data_in.get("quarter"))
        if number in quarters:
            return quarters[number]
        open_quarter = next((q for q in quarters.values() if q.is_open), None)
        return open_quarter or quarters.get(1)

    def filter_queryset(self, queryset):
        if self.quarter_obj is None:
            return queryset.none()
        queryset = queryset.in_plan(self.plan_obj).with_status_in(self.quarter_obj)
        return super().filter_queryset(queryset).natural_order()

    def query_string(self) -> str:
        """The filters in use, plan and quarter included, for links and downloads."""
        params = self.data.copy() if hasattr(self.data, "copy") else dict(self.data)
        params.pop("page", None)
        if hasattr(params, "urlencode"):
            return params.urlencode()
        return urlencode(params, doseq=True)

    def filter_nothing(self, queryset, name, value):
        return queryset  # `quarter` chooses what the other filters speak of; see __init__

    def filter_text(self, queryset, name, value):
        return queryset.search(value)

    def filter_status(self, queryset, name, value):
        return queryset.filter(is_due=True, status_now=value)

    def filter_missing(self, queryset, name, value):
        # A method replaces OnlyWhenTicked.filter, so "unticked means any" is checked here too.
        return queryset.filter(position__in=AWAITING) if value else queryset

    def description(self) -> str:
        """A short, file-name-safe summary of the filters in use."""
        parts = []
        self.is_valid()  # cleaned_data then holds every filter that could be used
        data = getattr(self.form, "cleaned_data", {})
        for name in self.DESCRIBED:
            value = data.get(name)
            if value:
                label = getattr(value, "label", None) or getattr(value, "number", None) or value
                parts.append(f"{name.replace('_', '-')}-{label}")
        for name in self.TICKED:
            if data.get(name):
                parts.append(name)
        if data.get("q"):
            parts.append("search")
        return "_".join(str(part) for part in parts) or "all"


def plan_choices() -> dict:
    """What the plan-and-quarter choosers offer: every plan's year, latest first, and each
    plan's quarters with their labels ("Q2 (open)"). Kept under the objectives domain,
    whose rows they are, so a page reads none of them."""

    def read():
        quarters = {}
        for quarter in Quarter.objects.order_by("plan_id", "number"):
            label = f"{quarter.short_label} (open)" if quarter.is_open else quarter.short_label
            quarters.setdefault(quarter.plan_id, []).append((quarter.number, label))
        return {
            "plans": tuple(Plan.objects.latest_first().values_list("financial_year", flat=True)),
            "quarters": {pk: tuple(offered) for pk, offered in quarters.items()},
        }

    return revision.remembered("plan-choices", [], read, domain=revision.OBJECTIVES)


def _is_year(text: str) -> bool:
    try:
        parse_financial_year(text, bounded=False)  # a plan that exists, whatever its year
    except ValidationError:
        return False
    return True
