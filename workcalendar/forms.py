"""Confirming a calendar year in administration."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CalendarDay, CalendarYear
from .services import NoOfficialData, official_year_available


class CalendarYearConfirmForm(forms.ModelForm):
    """A year and where its arrangement comes from; checked before anything is stored."""

    class Meta:
        model = CalendarYear
        fields = ["year", "source"]
        help_texts = {"source": _(
            "Official arrangement: load the State Council's holidays and make-up workdays "
            "for the year (when the calendar package already knows them). Entered by a "
            "manager: confirm the days entered under Calendar days.")}
        widgets = {"source": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "source" in self.fields:  # only when adding: a confirmed year is read-only
            self.fields["source"].choices = CalendarDay.Source.choices  # no empty choice
            self.fields["source"].initial = CalendarDay.Source.MANUAL

    def clean(self):
        data = super().clean()
        year, source = data.get("year"), data.get("source")
        if year is None or not source:
            return data
        if source == CalendarDay.Source.OFFICIAL:
            try:
                official_year_available(year=year)
            except NoOfficialData:
                self.add_error("source", _(
                    "The official arrangement for %(year)s is not known to the system yet: "
                    "enter its holidays and make-up workdays under Calendar days and "
                    "confirm them as entered by a manager.") % {"year": year})
        elif not CalendarDay.objects.filter(date__year=year,
                                            kind=CalendarDay.Kind.HOLIDAY).exists():
            self.add_error("source", _(
                "No public holidays are entered for %(year)s yet: enter the year's holidays "
                "and make-up workdays first, then confirm it.") % {"year": year})
        return data
