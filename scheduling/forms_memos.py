"""Forms of the memo pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal import inputs

from .models import Memo


class MemoForm(forms.Form):
    """Write or edit a memo; an edit carries the version it started from."""

    text = forms.CharField(label=_("Memo"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 5, "autofocus": True}))
    day = inputs.DateField(label=_("Date"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           help_text=_("Optional: the day the memo is about"))
    pinned = forms.BooleanField(label=_("Pin to the top"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, memo: Memo | None = None, **kwargs):
        if memo is not None and memo.pk:
            kwargs.setdefault("initial", {"text": memo.text, "day": memo.day,
                                          "pinned": memo.pinned, "version": memo.version})
        super().__init__(*args, **kwargs)
        self.memo = memo

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write something."))
        return text

    def clean(self):
        cleaned = super().clean()
        if self.memo is not None and self.memo.pk and cleaned.get("version") is None:
            raise forms.ValidationError(_("Reload the memo and edit it again."))
        return cleaned

