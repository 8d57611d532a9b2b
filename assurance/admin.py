from django.contrib import admin

# Inlines with inputs are stacked, not tabular: Django's tabular inlines give their inputs no
# labels, which fails WCAG 2.2 (checked by the browser tests with axe).
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from assurance.models import AssuranceGroup, SentReminder
from deliverables.models import Owner
from objectives.roles import sync_user_role_groups


@admin.register(AssuranceGroup)
class AssuranceGroupAdmin(SimpleHistoryAdmin):
    list_display = ["label", "full_name", "in_plan_key", "deliverable_count"]
    list_filter = ["in_plan_key"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["secretaries"]

    def save_related(self, request, form, formsets, change):
        before = set(form.instance.secretaries.all()) if change else set()
        super().save_related(request, form, formsets, change)
        for user in before | set(form.instance.secretaries.all()):
            sync_user_role_groups(user)

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


# People: roles are edited where the person is, so links and role groups stay in step.
class OwnerLinkInline(admin.StackedInline):
    model = Owner.users.through
    verbose_name = "executive owner link"
    verbose_name_plural = "Owner codes this person updates for (executive or delegate)"
    autocomplete_fields = ["owner"]
    extra = 0


class SecretaryLinkInline(admin.StackedInline):
    model = AssuranceGroup.secretaries.through
    verbose_name = "secretary link"
    verbose_name_plural = "Assurance groups this person is secretary of"
    autocomplete_fields = ["assurancegroup"]
    extra = 0


admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin):
    inlines = [OwnerLinkInline, SecretaryLinkInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        sync_user_role_groups(form.instance)


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
