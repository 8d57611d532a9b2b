from django.contrib import admin

# Inlines with inputs are stacked, not tabular: Django's tabular inlines give their inputs no
# labels, which fails WCAG 2.2 (checked by the browser tests with axe).
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from assurance.models import AssuranceGroup, DeliverableAssuranceGroup, SentReminder
from deliverables.admin import DeliverableAdmin


@admin.register(AssuranceGroup)
class AssuranceGroupAdmin(SimpleHistoryAdmin):
    list_display = ["label", "full_name", "in_plan_key", "deliverable_count"]
    list_filter = ["in_plan_key"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["secretaries"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(deliverable_count=Count("deliverables"))

    @admin.display(description="Code or name", ordering=AssuranceGroup.label_sql())
    def label(self, group):
        return group.label

    @admin.display(description="Full name", ordering="name")
    def full_name(self, group):
        return group.full_name

    @admin.display(description="Deliverables", ordering="deliverable_count")
    def deliverable_count(self, group):
        return group.deliverable_count


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    """What `send_reminders` has sent, so nobody is chased twice (read only)."""

    list_display = ["sent_on", "kind", "email", "quarter", "deliverable_count", "subject"]
    list_filter = ["kind", "quarter__plan", "sent_on"]
    list_select_related = ["quarter__plan", "recipient"]
    search_fields = ["email", "subject", "recipient__username"]
    date_hierarchy = "sent_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AssuranceGroupLinkInline(admin.StackedInline):
    model = DeliverableAssuranceGroup
    fields = ["position", "assurance_group"]
    autocomplete_fields = ["assurance_group"]
    extra = 0
    verbose_name_plural = "Assurance groups, in the plan's order"


# The plan is edited in one form: the deliverables app's admin, with this app's group links.
DeliverableAdmin.inlines = [*DeliverableAdmin.inlines, AssuranceGroupLinkInline]
DeliverableAdmin.list_filter = [
    *DeliverableAdmin.list_filter[:-1],
    "assurance_groups",
    DeliverableAdmin.list_filter[-1],
]
