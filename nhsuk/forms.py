"""Every form renders through crispy-forms with our `nhsuk` template pack (ADR 16): a form
carries a `FormHelper` made here, so a page writes `{% crispy form %}` and never loops over
fields by hand.

- A form with one button says so (`submit`), and crispy draws the whole `<form>`: the CSRF
  token, `novalidate`, the encoding for a file, the button.
- A form whose page draws its own `<form>` (htmx attributes, several buttons, a `next` to carry,
  an action elsewhere) leaves `submit` empty: crispy draws its fields only.
- `layout()` gives fieldsets (`nhsuk.layout.Fieldset`) where the questions fall in groups.

The pages show the error summary at the top of the page (NHS.UK pattern), so crispy does not
repeat it above the fields.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms

from nhsuk.layout import Submit


class NhsukFormMixin:
    submit: str = ""  # the one button's words; empty where the page draws its own <form>
    submit_class: str = ""  # e.g. "nhsuk-button--secondary"
    method: str = "post"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self.make_helper()

    def make_helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_method = self.method
        helper.form_tag = bool(self.submit)
        helper.disable_csrf = not self.submit or self.method != "post"
        helper.form_show_errors = False
        if self.submit:
            # A GET form's button has no name, so it adds nothing to the address.
            name = "submit" if self.method == "post" else ""
            helper.add_input(Submit(name, self.submit, css_class=self.submit_class or None))
        layout = self.layout()
        if layout is not None:
            helper.layout = Layout(*layout)
        return helper

    def layout(self):
        """The fields in groups (a list of layout objects), or None for every field in order."""
        return None


class FilterForm(NhsukFormMixin, forms.Form):
    """A django-filter FilterSet's form (its `Meta.form`): asked by GET, fields only, inside the
    page's own `<form>`, which keeps its other filters."""

    method = "get"
