from django.core.management.base import BaseCommand, CommandError

from workcalendar.services import NoOfficialData, official_year_load


class Command(BaseCommand):
    help = "Store a year's public holidays and make-up workdays from the official arrangement."

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="+", type=int)

    def handle(self, *args, years, **options):
        for year in years:
            try:
                holidays, workdays = official_year_load(year=year)
            except NoOfficialData as exc:
                raise CommandError(
                    f"No official arrangement for {year} is known yet: enter its holidays "
                    "and make-up workdays in administration (Business calendar).") from exc
            self.stdout.write(f"{year}: {holidays} holidays, {workdays} make-up workdays")
