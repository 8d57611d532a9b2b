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


# The Board Assurance Framework: plan administrators keep the register here (issue 30); the
# quarterly scores and committee views are written on the BAF's own pages, by their people.
from assurance.baf.models import PrincipalRisk, RiskAssurance, RiskControl  # noqa: E402


class RiskControlInline(admin.StackedInline):
    model = RiskControl
    fields = ["position", "deliverable", "name", "owner", "effectiveness"]
    autocomplete_fields = ["deliverable"]
    extra = 0
    verbose_name_plural = "Controls: a deliverable of the plan, or a named policy or process"


class RiskAssuranceInline(admin.StackedInline):
    model = RiskAssurance
    fields = [
        "position",
        "kind",
        "line",
        "deliverable",
        "assurance_group",
        "measure",
        "title",
        "body",
        "date",
        "opinion",
    ]
    autocomplete_fields = ["deliverable"]
    extra = 0
    verbose_name_plural = "Assurances: committee reviews, key indicators, audits, external reviews"


@admin.register(PrincipalRisk)
class PrincipalRiskAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "title", "plan", "owner", "lead_committee", "illustrative"]
    list_filter = ["plan", "lead_committee", "owner", "illustrative"]
    list_select_related = ["plan", "owner", "lead_committee"]
    search_fields = ["title", "cause", "event", "effect"]
    filter_horizontal = ["objectives"]
    inlines = [RiskControlInline, RiskAssuranceInline]
    fieldsets = [
        (None, {"fields": ["plan", "number", "title", "illustrative"]}),
        ("The risk", {"fields": ["cause", "event", "effect", "objectives"]}),
        ("Who", {"fields": ["owner", "lead_committee"]}),
        ("Appetite", {"fields": ["appetite_category", "appetite_level"]}),
        (
            "Scores (likelihood × consequence, 1 to 5 each)",
            {
                "fields": [
                    ("initial_likelihood", "initial_consequence"),
                    ("target_likelihood", "target_consequence"),
                    ("tolerance_likelihood", "tolerance_consequence"),
                    "rationale",
                ]
            },
        ),
    ]

    @admin.display(description="Ref", ordering="number")
    def reference(self, risk):
        return risk.reference
