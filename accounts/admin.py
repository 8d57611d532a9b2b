from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import User

from assurance.models import AssuranceGroup
from deliverables.models import Owner


class PersonForm(UserChangeForm):
    """The person page also sets what puts them in a role: the Owner codes they update for and
    the assurance groups they are secretary of. Saved through the relations (`.set()`), so the
    role groups follow by the one mechanism in `accounts.roles`."""

    owners = forms.ModelMultipleChoiceField(
        Owner.objects.all(),
        required=False,
        label="Owner codes this person updates for (executive or delegate)",
        help_text="Hold Ctrl (Cmd on a Mac) to choose more than one.",
    )
    secretary_of = forms.ModelMultipleChoiceField(
        AssuranceGroup.objects.all(),
        required=False,
        label="Assurance groups this person is secretary of",
        help_text="Hold Ctrl (Cmd on a Mac) to choose more than one.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["owners"].initial = self.instance.owners.all()
            self.fields["secretary_of"].initial = self.instance.assurance_groups.all()

    def save_links(self):
        # From the Owner's and the group's side: their history records the change of people
        # (django-simple-history follows the forward side of a many-to-many only).
        person = self.instance
        for chosen, current, people in (
            (self.cleaned_data["owners"], person.owners.all(), lambda owner: owner.users),
            (
                self.cleaned_data["secretary_of"],
                person.assurance_groups.all(),
                lambda group: group.secretaries,
            ),
        ):
            chosen, current = set(chosen), set(current)
            for item in chosen - current:
                people(item).add(person)
            for item in current - chosen:
                people(item).remove(person)


admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin):
    form = PersonForm
    fieldsets = [
        *UserAdmin.fieldsets,
        ("Roles through links", {"fields": ["owners", "secretary_of"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        # Plan administrators may view people here, not change them (they use the People
        # pages): read-only, the links show through the methods below, since the form's own
        # fields do not exist on the model and Django's read-only rendering failed on them.
        if obj is not None and not self.has_change_permission(request, obj):
            return [
                *UserAdmin.fieldsets,
                ("Roles through links", {"fields": ["owner_codes", "secretary_of_groups"]}),
            ]
        return super().get_fieldsets(request, obj)

    @admin.display(description="Owner codes this person updates for")
    def owner_codes(self, person):
        return ", ".join(person.owners.order_by("code").values_list("code", flat=True)) or "—"

    @admin.display(description="Assurance groups this person is secretary of")
    def secretary_of_groups(self, person):
        return ", ".join(sorted(g.label for g in person.assurance_groups.all())) or "—"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.save_links()
