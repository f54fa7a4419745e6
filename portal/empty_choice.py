"""The empty choice of every select, in the user's language.

Django offers "---------" as the empty choice of every model choice field, every model
field with choices and the admin's action menu; to a user it reads as a fault. Its two
sources are Django's defaults (``ModelChoiceField(empty_label=...)`` and the list
``BLANK_CHOICE_DASH`` that forms and the admin share), so the label is set there, once,
for the site's forms and the admin alike. Filter forms say "All" instead, by passing their
own ``empty_label``.
"""

from django.db.models import fields
from django.forms import models as form_models
from django.utils.translation import pgettext_lazy

EMPTY_CHOICE_LABEL = pgettext_lazy("empty choice", "Choose…")


def use_translated_empty_choice() -> None:
    fields.BLANK_CHOICE_DASH[:] = [("", EMPTY_CHOICE_LABEL)]
    form_models.ModelChoiceField.__init__.__kwdefaults__["empty_label"] = EMPTY_CHOICE_LABEL
