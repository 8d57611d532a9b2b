from django.contrib import admin

# Inlines with inputs are stacked, not tabular: Django's tabular inlines give their inputs no
# labels, which fails WCAG 2.2 (checked by the browser tests with axe).
from django.db.models import Count
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from objectives.models import KeyIndicator, Measure, MeasureValue, Objective, Plan, Quarter, Theme


class QuarterInline(admin.StackedInline):
    model = Quarter
    fields = ["number", "label", "state", "deadline"]
    readonly_fields = ["number", "label", "state"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        # A plan always has exactly its four quarters, created with it.
        return False


class ThemeInline(admin.StackedInline):
    model = Theme
    fields = ["number", "title"]
    extra = 0
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["financial_year", "title", "start_date", "requires_sign_off", "theme_count"]
    search_fields = ["title", "financial_year"]
    inlines = [QuarterInline, ThemeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(theme_count=Count("themes"))

    @admin.display(description="Themes", ordering="theme_count")
    def theme_count(self, plan):
        return plan.theme_count

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.ensure_quarters()


class ObjectiveInline(admin.TabularInline):
    """Read-only on the theme page: an objective moves theme by changing its own theme field.
    (Tabular is fine here: Django's tabular inlines lack labels only on editable inputs.)"""

    model = Objective
    fields = ["number", "title"]
    readonly_fields = ["number", "title"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "plan", "objective_count"]
    list_display_links = ["number", "title"]
    list_filter = ["plan"]
    list_select_related = ["plan"]
    search_fields = ["title"]
    inlines = [ObjectiveInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(objective_count=Count("objectives"))

    @admin.display(description="Objectives", ordering="objective_count")
    def objective_count(self, theme):
        return theme.objective_count


class KeyIndicatorInline(admin.StackedInline):
    model = KeyIndicator
    fields = ["order", "perspective", "text", "is_incomplete"]
    extra = 0


@admin.register(Objective)
class ObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "theme", "plan"]
    list_display_links = ["number", "title"]
    list_filter = ["plan", "theme"]
    list_select_related = ["theme", "plan"]
    search_fields = ["title"]
    fields = ["plan", "theme", "number", "title"]
    inlines = [KeyIndicatorInline]


@admin.register(KeyIndicator)
class KeyIndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["objective_number", "perspective", "text", "is_incomplete"]
    list_filter = ["perspective", "is_incomplete", "objective__plan", "objective__theme"]
    list_select_related = ["objective"]
    search_fields = ["text", "objective__title"]
    ordering = ["objective__plan_id", "objective__number", "order"]

    @admin.display(description="Objective", ordering="objective__number")
    def objective_number(self, indicator):
        return indicator.objective.number


@admin.register(Quarter)
class QuarterAdmin(SimpleHistoryAdmin):
    """Deadlines are set here; opening and closing happen on the Reporting cycle page, where
    closing also fixes the quarter's board report."""

    list_display = ["label", "plan", "state", "deadline"]
    list_editable = ["deadline"]
    list_filter = ["plan", "state"]
    list_select_related = ["plan"]
    fields = ["plan", "number", "state", "deadline"]
    readonly_fields = ["plan", "number", "state"]

    def has_add_permission(self, request):
        return False


class MeasureValueInline(admin.StackedInline):
    """The latest values, for corrections; the full series is on the measure's page."""

    model = MeasureValue
    fields = ["period", "value", "starts_segment", "note"]
    extra = 0
    ordering = ["-period"]


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["name", "objective_number", "direction", "target", "frequency", "data_owner"]
    list_filter = ["indicator__objective__plan", "direction", "frequency"]
    list_select_related = ["indicator__objective", "data_owner"]
    search_fields = ["name", "indicator__text"]
    autocomplete_fields = ["indicator", "data_owner"]
    fields = [
        "indicator",
        "name",
        "unit",
        "direction",
        "target",
        "frequency",
        "data_owner",
        "baseline_points",
    ]
    inlines = [MeasureValueInline]

    @admin.display(description="Objective", ordering="indicator__objective__number")
    def objective_number(self, measure):
        return measure.indicator.objective.number

    def view_on_site(self, measure):
        return reverse("objectives:measure_detail", args=[measure.pk])


@admin.register(MeasureValue)
class MeasureValueAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "period", "value", "starts_segment", "entered_by"]
    list_filter = ["measure"]
    list_select_related = ["measure", "entered_by"]
    date_hierarchy = "period"
    fields = ["measure", "period", "value", "starts_segment", "note"]

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)
