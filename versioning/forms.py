from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction

from .services import StaleVersionError, version_claim


class VersionedModelForm(forms.ModelForm):
    """Carries the record's version in a hidden field and refuses stale edits.

    Validation runs inside the view's transaction (admin's change view is atomic; other
    views must be too): the row stays locked from the check to the save.
    """

    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["edit_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            expected = cleaned.get("edit_version")
            if expected is None:
                raise ValidationError(StaleVersionError.message, code="stale")
            if not transaction.get_connection().in_atomic_block:
                raise RuntimeError("versioned edits must be validated inside a transaction")
            try:
                self.instance.version = version_claim(instance=self.instance,
                                                      expected=expected)
            except StaleVersionError as exc:
                raise ValidationError(exc.message, code="stale") from exc
        return cleaned
