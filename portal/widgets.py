"""Search pickers: a ``<select>`` that holds only the chosen options, turned by Tom Select
(``static/js/search_pickers.js``, on every page) into a search box that asks a JSON endpoint
for more.

With thousands of staff or owners, a select listing every choice is unusable and costly to
render. These widgets render the chosen values only (one query, through the field's own
queryset, so a value outside it is never shown), and the script adds what the user picks
from the search results. Without the script the select still submits what was chosen.
The form field keeps the full allowed queryset: a forged id is refused by its validation.

The endpoint answers ``GET <url>?q=<text>`` with ``{"results": [{"id": …, "label": …}]}``.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _


class _SearchPickerMixin:
    """What the single and the multiple picker share."""

    def __init__(self, attrs=None, choices=(), *, search_url: str, placeholder=None):
        """``search_url`` is the URL name of the JSON endpoint (reversed when rendered)."""
        super().__init__(attrs, choices)
        self.search_url = search_url
        self.placeholder = placeholder
        # The objects the field's validation read for the submitted values (see
        # ``RemembersChosen``): labelled from these, the chosen need no second query.
        self.chosen_objects: dict[str, object] = {}

    def use_required_attribute(self, initial) -> bool:
        # The script hides the select: a required one would block the submit with no visible
        # message. The form checks it on the server.
        return False

    def optgroups(self, name, value, attrs=None):
        """The blank option (single pickers) and the chosen options only: never the whole
        queryset."""
        options = []
        chosen = self._chosen(value)
        blank = self._blank_label()
        if blank is not None:
            options.append(self.create_option(name, "", blank, not chosen, 0, attrs=attrs))
        for option_value, label in chosen:
            options.append(self.create_option(name, option_value, label, True, len(options),
                                              attrs=attrs))
        return [(None, options, 0)]

    def _blank_label(self):
        if self.allow_multiple_selected:
            return None
        field = getattr(self.choices, "field", None)
        if field is not None:
            return field.empty_label
        return next((label for key, label in self.choices if key in ("", None)), None)

    def _chosen(self, value) -> list:
        """``(value, label)`` of the chosen values that the choices hold, in their order."""
        wanted = [str(v) for v in value if v not in ("", None)]
        if not wanted:
            return []
        field = getattr(self.choices, "field", None)
        if field is None:  # plain choices, already in memory
            return [(key, label) for key, label in self.choices if str(key) in wanted]
        if self.chosen_objects and all(raw in self.chosen_objects for raw in wanted):
            return [self.choices.choice(self.chosen_objects[raw])
                    for raw in dict.fromkeys(wanted)]
        queryset = self.choices.queryset
        key = field.to_field_name or queryset.model._meta.pk.name
        model_field = queryset.model._meta.get_field(key)
        valid = []
        for raw in wanted:
            try:
                valid.append(model_field.to_python(raw))
            except ValidationError:
                continue  # not even an id (the form says so); nothing to look up
        if not valid:
            return []
        found = {str(field.prepare_value(obj)): obj
                 for obj in queryset.filter(**{f"{key}__in": valid})}
        return [self.choices.choice(found[raw]) for raw in dict.fromkeys(wanted)
                if raw in found]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # What ``static/js/search_pickers.js`` needs, on the select itself: where to search and
        # every text it shows, in the page's language (the script holds none of its own).
        context["widget"]["attrs"].update({
            "data-search-picker": True,
            "data-search-url": reverse(self.search_url),
            "data-placeholder": self.placeholder or _("Type to search…"),
            "data-type-to-search": _("Type to search…"),
            "data-loading-text": _("Searching…"),
            "data-empty-text": _("No matches."),
            "data-error-text": _("The search did not work. Try again."),
            "data-remove-label": _("Remove %(label)s"),
        })
        return context

    def _select(self, context) -> SafeString:
        """The ``<select>`` with the chosen options, as Django's widget templates write it
        (built here: a template per option cost more than the rest of a page)."""
        widget = context["widget"]
        options = []
        for _group, choices, _index in widget["optgroups"]:
            options.extend(
                format_html('<option value="{}"{}>{}</option>', str(option["value"]),
                            flatatt(option["attrs"]), option["label"])
                for option in choices)
        return format_html('<select name="{}"{}>{}</select>', widget["name"],
                           flatatt(widget["attrs"]), SafeString("".join(options)))

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        return self._select(context)


class RemembersChosen:
    """For a model choice field with a search picker: the objects its validation read are
    handed to the widget, which labels the chosen options from them."""

    def clean(self, value):
        result = super().clean(value)
        if isinstance(self.widget, _SearchPickerMixin):
            found = result if isinstance(result, (list, tuple, QuerySet)) else (
                [result] if result is not None else [])
            self.widget.chosen_objects = {str(self.prepare_value(obj)): obj for obj in found}
        return result


class SearchSelect(_SearchPickerMixin, forms.Select):
    """One choice (a ``ModelChoiceField``) picked by searching."""


class SearchSelectMultiple(_SearchPickerMixin, forms.SelectMultiple):
    """Several choices (a ``ModelMultipleChoiceField``) picked by searching."""
