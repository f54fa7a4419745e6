from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from workcalendar.models import CalendarDay
from workcalendar.services import NoOfficialData, calendar_year_confirm, official_year_load


class Command(BaseCommand):
    help = ("Store a year's public holidays and make-up workdays from the official arrangement "
            "and confirm the year (the open tickets' due times are then worked out again).")

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="+", type=int)

    def handle(self, *args, years, **options):
        for year in years:
            try:
                with transaction.atomic():
                    holidays, workdays = official_year_load(year=year)
                    calendar_year_confirm(year=year, by=None,
                                          source=CalendarDay.Source.OFFICIAL)
            except NoOfficialData as exc:
                raise CommandError(
                    f"No official arrangement for {year} is known yet: enter its holidays "
                    "and make-up workdays in administration (Business calendar).") from exc
            self.stdout.write(f"{year}: {holidays} holidays, {workdays} make-up workdays")
