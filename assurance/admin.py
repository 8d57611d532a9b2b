from django.contrib import admin
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from assurance.models import AssuranceGroup


@admin.register(AssuranceGroup)
class AssuranceGroupAdmin(SimpleHistoryAdmin):
    list_display = ["label", "full_name", "in_plan_key", "deliverable_count"]
    list_filter = ["in_plan_key"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["secretaries"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(deliverable_count=Count("deliverables"))

    @admin.display(description="Code or name", ordering="code")
    def label(self, group):
        return group.label

    @admin.display(description="Full name", ordering="name")
    def full_name(self, group):
        return group.full_name

    @admin.display(description="Deliverables", ordering="deliverable_count")
    def deliverable_count(self, group):
        return group.deliverable_count
