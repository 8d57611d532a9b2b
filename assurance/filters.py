"""The plan-wide filters: the deliverables' own, plus the assurance group.

The group filter lives here, not in `deliverables.filters`, because the deliverables app never
names the assurance app (docs/adr/0005-reading-pages-live-in-assurance.md).
"""

import django_filters

from assurance.models import AssuranceGroup
from deliverables.filters import DeliverableFilter


class PlanFilter(DeliverableFilter):
    assurance_group = django_filters.ModelChoiceFilter(
        queryset=AssuranceGroup.objects.all(),
        field_name="assurance_groups",
        label="Assurance group",
    )

    DESCRIBED = ("theme", "objective", "owner", "assurance_group", "status", "trend")

    class Meta(DeliverableFilter.Meta):
        pass

    # The form shows the group after the owner, as before the split.
    FIELD_ORDER = ["plan", "quarter", "q", "theme", "objective", "owner", "assurance_group"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.form.fields
        order = self.FIELD_ORDER + [name for name in fields if name not in self.FIELD_ORDER]
        self.form.fields = {name: fields[name] for name in order}
