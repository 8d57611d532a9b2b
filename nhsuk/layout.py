"""Layout objects of our form layer in NHS.UK markup."""

from crispy_forms.layout import BaseInput
from crispy_forms.layout import Fieldset as CrispyFieldset


class Fieldset(CrispyFieldset):
    """A group of questions under a legend that is a heading: `heading` is its level (h2 by
    default; h3 inside a section of a page) and `size` the legend's size (s, m, l)."""

    template = "nhsuk/layout/fieldset.html"

    def __init__(self, legend, *fields, heading: str = "h2", size: str = "m", **kwargs):
        super().__init__(legend, *fields, **kwargs)
        self.heading = heading
        self.size = size


class Submit(BaseInput):
    """The form's button: `nhsuk-button`, plus `css_class` (e.g. nhsuk-button--secondary)."""

    input_type = "submit"
    field_classes = ""
