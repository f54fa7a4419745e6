from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.contrib.auth.forms import UserCreationForm as BaseUserCreationForm
from django.utils.translation import gettext_lazy as _

from background.enqueue import enqueue_on_commit
from versioning.forms import VersionedModelForm

from .models import Department, User


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Wrong username or password. After five failed attempts the account is "
            "locked for 15 minutes from this computer."
        ),
        "inactive": _("This account is disabled. Please ask an administrator."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update({"autofocus": True,
                                                     "autocomplete": "username"})


class ChangePasswordForm(PasswordChangeForm):
    pass


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


class StaffCreationForm(BaseUserCreationForm):
    class Meta(BaseUserCreationForm.Meta):
        model = User
        fields = ["username", "full_name", "department", "mobile"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].required = True


class StaffChangeForm(BaseUserChangeForm):
    class Meta(BaseUserChangeForm.Meta):
        model = User
        fields = "__all__"
        # Django's own label says 日期 for what is a date and time.
        labels = {"date_joined": _("date joined")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "department" in self.fields:
            self.fields["department"].required = True


class ResetPasswordForm(PasswordResetForm):
    """Asks for the e-mail address; the link is sent by the background worker."""

    def send_reset(self, *, base_url: str) -> None:
        for user in self.get_users(self.cleaned_data["email"]):
            enqueue_on_commit("staff.send_password_reset_email", user.pk, base_url)


class DepartmentForm(VersionedModelForm):
    class Meta:
        model = Department
        fields = "__all__"
