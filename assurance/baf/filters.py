"""The BAF register's filters: by lead committee (a secretary's own risks), owner, and what
needs the Board's eye. Everything in the URL; the plan and quarter come from the plan's own
chooser (deliverables.filters.DeliverableFilter)."""

import django_filters

from assurance.baf.models import PrincipalRisk
from assurance.models import AssuranceGroup
from deliverables.models import Owner
from nhsuk.forms import FilterForm


class PrincipalRiskFilter(django_filters.FilterSet):
    lead_committee = django_filters.ModelChoiceFilter(
        queryset=AssuranceGroup.objects.filter(principal_risks__isnull=False).distinct(),
        label="Lead committee",
        empty_label="Any committee",
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=Owner.objects.filter(principal_risks__isnull=False).distinct(),
        to_field_name="code",
        label="Risk owner",
        empty_label="Any owner",
    )

    class Meta:
        model = PrincipalRisk
        fields = []
        form = FilterForm
