from django.contrib import admin
from django.db.models import Count

# Inlines with inputs are stacked, not tabular: Django's tabular inlines give their inputs no
# labels, which fails WCAG 2.2 (checked by the browser tests with axe).
from simple_history.admin import SimpleHistoryAdmin

from deliverables.models import (
    Deliverable,
    DeliverableOwner,
    Owner,
    StatusUpdate,
)
from objectives.admin import ObjectiveAdmin
from objectives.models import Objective, Plan, Theme


@admin.register(Owner)
class OwnerAdmin(SimpleHistoryAdmin):
    list_display = ["code", "full_title", "executive", "in_plan_key", "deliverable_count"]
    list_filter = ["in_plan_key"]
    search_fields = ["code", "title"]
    autocomplete_fields = ["users", "executive"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(deliverable_count=Count("deliverables"))

    @admin.display(description="Full title", ordering="title")
    def full_title(self, owner):
        return owner.full_title

    @admin.display(description="Deliverables", ordering="deliverable_count")
    def deliverable_count(self, owner):
        return owner.deliverable_count


ALL_PLANS = "all"


def chosen_plan_id(request) -> str:
    """The plan the deliverables list shows: the one chosen (`?plan=`), else the current one
    (Plan.objects.current); ALL_PLANS when asked for every year's, or when there is no plan.
    Worked out once a request (every filter asks)."""
    if not hasattr(request, "_deliverables_plan"):
        chosen = request.GET.get("plan")
        if chosen:
            chosen = chosen if chosen == ALL_PLANS or chosen.isdigit() else ALL_PLANS
        else:
            current = Plan.objects.current()
            chosen = str(current.pk) if current else ALL_PLANS
        request._deliverables_plan = chosen
    return request._deliverables_plan


class PlanYearFilter(admin.SimpleListFilter):
    """The plan, the current one unless another (or all) is chosen: after ten years a trust
    has ten plans' deliverables, and the list, its counts and its other filters read the year
    being worked on, not all of them (issue 32: the list took 3.3 times as long on ten years of
    history)."""

    title = "plan"
    parameter_name = "plan"

    def lookups(self, request, model_admin):
        plans = Plan.objects.latest_first().values_list("pk", "financial_year")
        return [(str(pk), year) for pk, year in plans] + [(ALL_PLANS, "All plans")]

    def value(self):
        return chosen_plan_id(self.request)

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == ALL_PLANS:
            return queryset
        return queryset.filter(objective__plan_id=self.value())

    def __init__(self, request, params, model, model_admin):
        self.request = request
        super().__init__(request, params, model, model_admin)


class _InChosenPlanFilter(admin.SimpleListFilter):
    """A filter whose choices are the chosen plan's own (`chosen_plan_id`)."""

    model, field = None, ""

    def lookups(self, request, model_admin):
        plan = chosen_plan_id(request)
        found = (
            self.model.objects.all()
            if plan == ALL_PLANS
            else self.model.objects.filter(plan_id=plan)
        )
        return [(str(item.pk), str(item)) for item in found.select_related("plan")]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(**{self.field: self.value()})
        return queryset


class ThemeFilter(_InChosenPlanFilter):
    title, parameter_name, model, field = "theme", "theme", Theme, "objective__theme_id"


class ObjectiveFilter(_InChosenPlanFilter):
    title, parameter_name, model, field = "objective", "objective", Objective, "objective_id"


class DeliveryWindowFilter(admin.SimpleListFilter):
    title = "delivery window"
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        plan = chosen_plan_id(request)
        deliverables = model_admin.get_queryset(request)
        if plan != ALL_PLANS:
            deliverables = deliverables.filter(objective__plan_id=plan)
        labels = deliverables.order_by("delivery").values_list("delivery", flat=True).distinct()
        return [(label, label) for label in labels]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(delivery=self.value())
        return queryset


class OwnerLinkInline(admin.StackedInline):
    model = DeliverableOwner
    fields = ["position", "owner"]
    autocomplete_fields = ["owner"]
    extra = 0
    min_num = 1
    verbose_name_plural = "Owners, in the plan's order"


@admin.register(Deliverable)
class DeliverableAdmin(SimpleHistoryAdmin):
    list_display = [
        "reference",
        "plan_year",
        "short_description",
        "delivery",
        "owner_codes",
        "group_labels",
        "theme_number",
    ]
    list_display_links = ["reference", "short_description"]
    list_filter = [
        PlanYearFilter,
        ThemeFilter,
        ObjectiveFilter,
        "owners",
        DeliveryWindowFilter,
    ]
    list_select_related = ["objective__theme", "objective__plan"]
    search_fields = ["description", "objective__title"]
    search_help_text = "Search by reference (6.4, or 6 for a whole objective) or by words."
    autocomplete_fields = ["objective"]
    fields = ["objective", "number", "description", "delivery", "start_quarter", "end_quarter"]
    readonly_fields = ["start_quarter", "end_quarter"]
    # The assurance app adds its group links and filter (assurance/admin.py).
    inlines = [OwnerLinkInline]
    list_per_page = 100

    def get_queryset(self, request):
        return super().get_queryset(request).with_plan_details()

    def get_search_results(self, request, queryset, search_term):
        # References ("6.4") are numbers on two tables, which admin's own search cannot match.
        return queryset.search(search_term), False

    @admin.display(description="Reference", ordering="objective__number")
    def reference(self, deliverable):
        return deliverable.reference

    @admin.display(description="Plan", ordering="objective__plan__start_date")
    def plan_year(self, deliverable):
        return deliverable.objective.plan.financial_year

    @admin.display(description="Deliverable")
    def short_description(self, deliverable):
        return deliverable.short_description

    @admin.display(description="Owners")
    def owner_codes(self, deliverable):
        return ", ".join(owner.code for owner in deliverable.ordered_owners)

    @admin.display(description="Assurance groups")
    def group_labels(self, deliverable):
        return ", ".join(group.label for group in deliverable.ordered_assurance_groups)

    @admin.display(description="Theme", ordering="objective__theme__number")
    def theme_number(self, deliverable):
        return deliverable.objective.theme.number


@admin.register(StatusUpdate)
class StatusUpdateAdmin(SimpleHistoryAdmin):
    """Read-only here: updates are written on the site, where the rules, versions and the
    closed-quarter record apply (a plan administrator corrects them there)."""

    list_display = [
        "reference",
        "quarter",
        "status",
        "updated_by",
        "updated_at",
        "sign_off",
        "corrected_after_close",
    ]
    list_filter = [
        "quarter__plan",
        "quarter__number",
        "status",
        "sign_off",
        "corrected_after_close",
    ]
    list_select_related = ["deliverable__objective", "quarter__plan", "updated_by"]
    search_fields = ["narrative", "deliverable__description"]
    ordering = [
        "quarter__plan_id",
        "deliverable__objective__number",
        "deliverable__number",
        "quarter__number",
    ]

    @admin.display(description="Reference", ordering="deliverable__objective__number")
    def reference(self, update):
        return update.deliverable.reference

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The objectives' list counts their deliverables: added here, by the app that owns them
# (objectives never names the apps built on it, ADR 16).
admin.site.unregister(Objective)


@admin.register(Objective)
class ObjectiveWithDeliverablesAdmin(ObjectiveAdmin):
    list_display = [*ObjectiveAdmin.list_display, "deliverable_count"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(deliverable_count=Count("deliverables"))

    @admin.display(description="Deliverables", ordering="deliverable_count")
    def deliverable_count(self, objective):
        return objective.deliverable_count
