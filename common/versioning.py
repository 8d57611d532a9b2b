"""Optimistic locking for every record people edit in a browser (ADR 4): the record carries a
version, the form carries the version the person loaded, and a save over a newer one is
refused with what is stored now, so nothing anyone typed is lost."""

from django import forms
from django.db import IntegrityError, transaction


class UpdateConflict(Exception):
    """Someone saved a newer version of the update since this one was loaded."""

    def __init__(self, current):
        super().__init__("The update was changed by someone else.")
        self.current = current


def save_versioned(record, expected_version: int, *, stored) -> None:
    """Save `record` only if the stored row is still at the version the user loaded, moving it
    on by one; a new record only if nobody saved one first. Otherwise raise UpdateConflict with
    `stored()`, the row as it is now. Optimistic locking for every record people edit in a
    browser (ADR 4); call it inside a transaction, after validation, so a refusal writes
    nothing."""
    model = type(record)
    if record.pk is None:
        record.version = 1
        try:
            # A savepoint: a concurrent first save makes this insert fail, which is a conflict.
            with transaction.atomic():
                record.save()
        except IntegrityError:
            raise UpdateConflict(stored()) from None
        return
    claimed = model.objects.filter(pk=record.pk, version=expected_version).update(
        version=expected_version + 1
    )
    if not claimed:
        raise UpdateConflict(stored())
    record.version = expected_version + 1
    record.save()


class VersionedFormMixin(forms.Form):
    """Carries the version of the record the user loaded, so a save over someone else's newer
    one is refused (`save_versioned`)."""

    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=2_147_483_647, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version if self.instance.pk else 0

    @property
    def expected_version(self) -> int:
        return self.cleaned_data.get("version") or 0

    def with_newer(self, data, current):
        """This form's input again, against `current`, the newer version someone else saved:
        nothing the user typed is lost, and saving again is a knowing overwrite."""
        data = data.copy()
        data[self.add_prefix("version")] = str(current.version)
        # A fresh instance: validating writes the input into it, and `current` must keep
        # showing what the other person saved.
        return type(self)(
            data, instance=type(current).objects.get(pk=current.pk), prefix=self.prefix
        )
