import datetime

import pytest
from django import forms
from django.template import Context, Template

from nhsuk.widgets import DateInput, RadioSelectWithHints


class EveryKindForm(forms.Form):
    name = forms.CharField(label="Your name", help_text="As on your badge")
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    site = forms.ChoiceField(label="Site", choices=[("", "Choose"), ("qe", "QE"), ("gh", "GH")])
    status = forms.ChoiceField(
        label="Status",
        choices=[("green", "On track"), ("red", "Off track")],
        widget=RadioSelectWithHints(hints={"green": "On track to deliver in the window"}),
    )
    groups = forms.MultipleChoiceField(
        label="Groups", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )
    agree = forms.BooleanField(label="I agree")
    when = forms.DateField(label="Expected date", widget=DateInput)


def render(form):
    return Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))


class TestNhsukPack:
    def test_each_kind_renders_as_its_nhsuk_component(self):
        html = render(EveryKindForm())
        assert '<label class="nhsuk-label" for="id_name">Your name</label>' in html
        assert '<div class="nhsuk-hint" id="id_name-hint">As on your badge</div>' in html
        assert 'class="nhsuk-input"' in html and 'aria-describedby="id_name-hint"' in html
        assert 'class="nhsuk-textarea"' in html and "Notes (optional)" in html
        assert 'class="nhsuk-select"' in html
        assert 'class="nhsuk-radios" data-module="nhsuk-radios"' in html
        assert 'class="nhsuk-hint nhsuk-radios__hint" id="id_status_0-item-hint"' in html
        assert "On track to deliver in the window" in html
        assert 'class="nhsuk-checkboxes" data-module="nhsuk-checkboxes"' in html
        assert 'class="nhsuk-checkboxes__input"' in html
        assert 'class="nhsuk-date-input"' in html
        assert html.count("nhsuk-date-input__item") == 3
        assert 'name="when_year"' in html and "nhsuk-input--width-4" in html

    def test_errors_show_in_the_summary_and_beside_each_field(self):
        form = EveryKindForm(data={"when_day": "31", "when_month": "2", "when_year": "2022"})
        assert not form.is_valid()
        html = render(form)
        assert 'class="nhsuk-error-summary"' in html
        assert '<a href="#id_name">This field is required.</a>' in html
        # Links go to the first input of a group: a radio or the day box.
        assert 'href="#id_status_0"' in html and 'href="#id_when_0"' in html
        assert "nhsuk-form-group--error" in html
        assert 'class="nhsuk-input nhsuk-input--error"' in html
        assert 'id="id_name-error"' in html and "Error:</span> This field is required." in html
        assert 'aria-describedby="id_name-hint id_name-error"' in html

    def test_date_input_round_trips(self):
        form = EveryKindForm(
            data={
                "name": "x",
                "site": "qe",
                "status": "green",
                "groups": ["a"],
                "agree": "on",
                "when_day": "1",
                "when_month": "10",
                "when_year": "2021",
            }
        )
        assert form.is_valid(), form.errors
        assert form.cleaned_data["when"] == datetime.date(2021, 10, 1)
        html = render(EveryKindForm(initial={"when": datetime.date(2021, 10, 1)}))
        assert 'name="when_month" type="text" inputmode="numeric"\n          value="10"' in html

    @pytest.mark.parametrize("parts", [("31", "2", "2022"), ("", "2", "2022"), ("a", "b", "c")])
    def test_impossible_or_partial_dates_are_errors_not_blanks(self, parts):
        day, month, year = parts
        form = EveryKindForm(data={"when_day": day, "when_month": month, "when_year": year})
        form.is_valid()
        assert "when" in form.errors
