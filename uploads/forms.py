from django import forms

from .choices import FileKind
from .services import validate_upload


class CheckedFileField(forms.FileField):
    """A form field that runs the upload checks (size, real type) during validation."""

    def __init__(self, *, kind: FileKind, **kwargs):
        self.kind = kind
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload is not initial:
            validate_upload(upload=upload, kind=self.kind)
        return upload
