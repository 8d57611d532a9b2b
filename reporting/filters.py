"""The plan-wide filters: the deliverables' own, plus the assurance group.

The group filter lives here, not in `deliverables.filters`, because the deliverables app never
names the assurance app (docs/adr/0005-reading-pages-live-in-assurance.md).
"""

import django_filters
from crispy_forms.layout import Layout
from django.db.models import Exists, OuterRef

from assurance.models import AssuranceGroup, AssuranceReview
from deliverables.filters import DeliverableFilter, OnlyWhenTicked
from deliverables.search import text_match
from reporting import glance


class PlanFilter(DeliverableFilter):
    assurance_group = django_filters.ModelChoiceFilter(
        queryset=AssuranceGroup.objects.all(),
        field_name="assurance_groups",
        label="Assurance group",
        empty_label="Any group",
    )

    level = django_filters.ChoiceFilter(
        choices=[(str(key), glance.LABELS[key]) for key in glance.COLUMNS],
        method="filter_level",
        label="Committee's assurance in the quarter",
        empty_label="Any level",
        help_text="With a group chosen, that group's level; otherwise the lowest any group gave.",
    )

    # The dashboard's "All N assurance gaps" (reporting.glance): exactly the glance's gaps.
    gap = OnlyWhenTicked(method="filter_gap", label="Assurance gap")

    DESCRIBED = ("theme", "objective", "owner", "assurance_group", "level", "status", "trend")
    TICKED = (*DeliverableFilter.TICKED, "gap")

    class Meta(DeliverableFilter.Meta):
        pass

    # The form shows the group after the owner, as before the split.
    FIELD_ORDER = [
        "plan",
        "quarter",
        "q",
        "theme",
        "objective",
        "owner",
        "assurance_group",
        "level",
    ]

    def filter_text(self, queryset, name, value):
        """The deliverables' own places, and what assurance groups wrote about them."""
        reviews = AssuranceReview.objects.filter(deliverable=OuterRef("pk")).filter(
            text_match(value, "comments") | text_match(value, "actions_requested")
        )
        also = [("reviews", "an assurance review", Exists(reviews))]
        return queryset.search(value, also=also)

    def filter_level(self, queryset, name, value):
        """The assurance at a glance's rule (reporting.glance): the chosen group's level, or
        the lowest any group gave this quarter."""
        group = self.form.cleaned_data.get("assurance_group")
        return queryset.filter(glance.level_condition(self.quarter_obj, value, group))

    def filter_gap(self, queryset, name, value):
        # A method replaces OnlyWhenTicked.filter, so "unticked means any" is checked here too.
        return queryset.filter(glance.gap_condition(self.quarter_obj)) if value else queryset

    def _shape(self, form):
        super()._shape(form)
        fields = form.fields
        order = self.FIELD_ORDER + [name for name in fields if name not in self.FIELD_ORDER]
        form.fields = {name: fields[name] for name in order}

    def fix_group(self):
        """My groups: the group is the page's choice (its own `group` field), so the form does
        not offer it; it still filters, from the view's parameters."""
        shown = [name for name in self.form.fields if name != "assurance_group"]
        self.form.helper.layout = Layout(*shown)
        return self
