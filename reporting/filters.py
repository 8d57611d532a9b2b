"""The plan-wide filters: the deliverables' own, plus the assurance group.

The group filter lives here, not in `deliverables.filters`, because the deliverables app never
names the assurance app (docs/adr/0005-reading-pages-live-in-assurance.md).
"""

import django_filters
from crispy_forms.layout import Layout
from django.db.models import Exists, OuterRef

from assurance.models import AssuranceGroup, AssuranceReview
from deliverables.filters import DeliverableFilter
from deliverables.search import text_match


class PlanFilter(DeliverableFilter):
    assurance_group = django_filters.ModelChoiceFilter(
        queryset=AssuranceGroup.objects.all(),
        field_name="assurance_groups",
        label="Assurance group",
        empty_label="Any group",
    )

    DESCRIBED = ("theme", "objective", "owner", "assurance_group", "status", "trend")

    class Meta(DeliverableFilter.Meta):
        pass

    # The form shows the group after the owner, as before the split.
    FIELD_ORDER = ["plan", "quarter", "q", "theme", "objective", "owner", "assurance_group"]

    def filter_text(self, queryset, name, value):
        """The deliverables' own places, and what assurance groups wrote about them."""
        reviews = AssuranceReview.objects.filter(deliverable=OuterRef("pk")).filter(
            text_match(value, "comments") | text_match(value, "actions_requested")
        )
        also = [("reviews", "an assurance review", Exists(reviews))]
        return queryset.search(value, also=also)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.form.fields
        order = self.FIELD_ORDER + [name for name in fields if name not in self.FIELD_ORDER]
        self.form.fields = {name: fields[name] for name in order}

    def fix_group(self):
        """My groups: the group is the page's choice (its own `group` field), so the form does
        not offer it; it still filters, from the view's parameters."""
        shown = [name for name in self.form.fields if name != "assurance_group"]
        self.form.helper.layout = Layout(*shown)
        return self
