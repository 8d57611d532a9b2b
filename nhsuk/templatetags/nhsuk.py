from django import forms, template

register = template.Library()


@register.filter
def describedby(field):
    """The ids a field's input is described by: its hint and its error message."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.filter
def choice_hint(field, value):
    hints = getattr(field.field.widget, "hints", {})
    return hints.get(value, "") or hints.get(str(value), "")


@register.filter
def choice_conditionals(field, value):
    """The bound fields revealed under one option of a radios field."""
    names = getattr(field.field.widget, "conditionals", {}).get(str(value), [])
    return [field.form[name] for name in names]


@register.filter
def is_revealed_field(field):
    """True for a field that is rendered under an option of another field, not on its own."""
    for other in field.form.fields.values():
        for names in getattr(other.widget, "conditionals", {}).values():
            if field.name in names:
                return True
    return False


@register.filter
def shows_optional(field):
    """Say "(optional)" only for a field that is never required: one that some answers require
    (`field.sometimes_required`) says when in its hint instead."""
    return not (
        field.field.required
        or getattr(field.form, "hide_optional", False)
        or getattr(field.field, "sometimes_required", False)
    )


@register.filter
def error_anchor(field):
    """Where the error summary links to: the first input a user must correct."""
    if getattr(field.field.widget, "nhsuk_date", False):
        return f"{field.auto_id}_0"
    widget = field.field.widget
    if (
        getattr(widget, "allow_multiple_selected", False)
        or getattr(widget, "input_type", "") in {"radio", "checkbox"}
        and hasattr(widget, "choices")
    ):
        return f"{field.auto_id}_0"
    return field.auto_id


@register.filter
def widget_kind(field):
    """One word for the NHS.UK component a field renders as."""
    widget = field.field.widget
    if getattr(widget, "nhsuk_date", False):
        return "date"
    input_type = getattr(widget, "input_type", None)
    if input_type == "radio":
        return "radios"
    if input_type == "checkbox" and getattr(widget, "allow_multiple_selected", False):
        return "checkboxes"
    if input_type == "checkbox":
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if getattr(widget, "is_hidden", False):
        return "hidden"
    return "input"


_COMPONENT_CLASSES = {
    "input": "nhsuk-input",
    "textarea": "nhsuk-textarea",
    "select": "nhsuk-select",
    "checkbox": "nhsuk-checkboxes__input",
    "date": "nhsuk-input nhsuk-date-input__input",
}
_ERROR_CLASSES = {
    "input": "nhsuk-input--error",
    "textarea": "nhsuk-textarea--error",
    "select": "nhsuk-select--error",
    "date": "nhsuk-input--error",
}


@register.simple_tag
def nhsuk_widget(field, kind):
    """The field's widget with the NHS.UK classes, error state and aria-describedby."""
    classes = [_COMPONENT_CLASSES[kind]]
    if field.errors and kind in _ERROR_CLASSES:
        classes.append(_ERROR_CLASSES[kind])
    extra = field.field.widget.attrs.get("class")
    if extra:
        classes.append(extra)
    attrs = {"class": " ".join(classes)}
    if ids := describedby(field):
        attrs["aria-describedby"] = ids
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)
