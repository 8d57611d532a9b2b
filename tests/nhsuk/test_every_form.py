"""Every form renders through crispy-forms with our `nhsuk` pack (issue 26): each form class of
ours carries a helper (`nhsuk.forms.NhsukFormMixin`), and no template draws a field by hand."""

import importlib
import inspect
import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.template import Context, Template

from nhsuk.forms import FilterForm, NhsukFormMixin
from nhsuk.layout import Fieldset

ROOT = Path(settings.BASE_DIR)
APPS = [app for app in settings.INSTALLED_APPS if "." not in app and (ROOT / app).is_dir()]
# Controls that are not a form's fields, each with why.
NOT_FIELDS = {
    # The new token, shown once in a read-only box to copy; nothing is submitted.
    ("accounts/templates/accounts/api_tokens.html", 'id="new-token"'),
}
HAND_DRAWN = re.compile(
    r'include\s+"nhsuk/field\.html"'  # the pack's field template, called by hand
    r"|\{\{\s*[\w.]*form\.\w+\s*\}\}"  # {{ form.comment }}
    r"|\{\{\s*field\s*\}\}"  # {{ field }} in a loop
    r"|<(?:select|textarea)\b"  # a control written out
    r'|<input\b(?![^>]*type="hidden")'
)


def _templates():
    for app in [*APPS, "templates"]:
        for path in sorted((ROOT / app).rglob("*.html")):
            if "nhsuk/templates/nhsuk" not in str(path):
                yield path


def _our_form_classes():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("forms.py")):
            module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ == module.__name__ and issubclass(cls, forms.BaseForm):
                    yield cls


def test_no_template_draws_a_field_by_hand():
    found = []
    for path in _templates():
        for line in path.read_text(encoding="utf-8").splitlines():
            for match in HAND_DRAWN.finditer(line):
                name = str(path.relative_to(ROOT))
                if not any(name == where and mark in line for where, mark in NOT_FIELDS):
                    found.append(f"{name}: {match.group(0)}")
    assert found == []


def test_every_form_of_ours_renders_through_the_pack():
    classes = list(_our_form_classes())
    assert len(classes) >= 15  # the scan finds them (so this test can fail)
    assert [cls.__name__ for cls in classes if not issubclass(cls, NhsukFormMixin)] == []


def test_the_filter_sets_use_the_pack_too():
    from deliverables.filters import DeliverableFilter
    from reporting.filters import PlanFilter

    assert DeliverableFilter._meta.form is FilterForm
    assert PlanFilter._meta.form is FilterForm


class ExampleForm(NhsukFormMixin, forms.Form):
    submit = "Save the example"
    name = forms.CharField(label="Name")
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea)

    def layout(self):
        return [Fieldset("About it", "name", "notes", heading="h3")]


def render(form):
    return Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))


class TestTheHelper:
    def test_a_form_with_one_button_is_drawn_whole(self):
        html = render(ExampleForm())
        assert re.search(r'<form\s+method="post" novalidate>', html)
        assert re.search(
            r'<button type="submit" name="submit" value="Save the example"\s+class="nhsuk-button"',
            html,
        )
        assert '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">' in html
        assert '<h3 class="nhsuk-fieldset__heading">About it</h3>' in html
        # The page shows the error summary at its top; crispy does not repeat it.
        html = render(ExampleForm({"name": ""}))
        assert "nhsuk-error-summary" not in html
        assert "nhsuk-form-group--error" in html

    def test_a_form_inside_the_pages_own_form_is_drawn_as_fields(self):
        class Inner(ExampleForm):
            submit = ""

        html = render(Inner())
        assert "<form" not in html and "<button" not in html and "csrf" not in html
        assert 'name="name"' in html

    def test_a_get_forms_button_adds_nothing_to_the_address(self):
        class Choose(ExampleForm):
            method = "get"
            submit = "Show"

        html = render(Choose())
        assert 'method="get"' in html
        assert re.search(r'<button type="submit"\s+class="nhsuk-button"', html)


@pytest.mark.django_db
def test_the_plan_and_quarter_chooser(client, plan_2021):
    from accounts.roles import VIEWERS
    from tests.factories import UserFactory

    client.force_login(UserFactory(role=VIEWERS))
    page = client.get("/dashboard/?plan=2021/22&quarter=2").content.decode()
    assert '<select name="plan" class="nhsuk-select" id="choose-plan">' in page
    assert '<option value="2" selected>Q2</option>' in page or 'value="2" selected' in page
    assert 'class="uhb-inline-form"' in page


def test_no_label_says_optional_twice():
    """The pack adds "(optional)" itself: a label that says it too said it twice (the measure
    page's note did)."""
    found = [
        f"{cls.__name__}.{name}"
        for cls in _our_form_classes()
        for name, field in cls.base_fields.items()
        if "optional" in str(field.label or "").lower()
    ]
    assert found == []
