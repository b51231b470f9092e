"""`kembali demo --cases 3000`: demo logins and a demo data set, loaded once.

It migrates nothing itself (`make run` migrates first) and does nothing the
second time, so `make run` can be run again and again."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import override

from kembali.core.generate.builder import GenerationError
from kembali.core.generate.demo import demo_load


class Command(BaseCommand):
    help = "Create one demo login per role and load the demo data set if there are no cases."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=3000, help="demo cases (3000)")

    def handle(self, *args, **options):
        with override("en"):
            try:
                result = demo_load(cases=options["cases"])
            except GenerationError as error:
                raise CommandError(str(error)) from error
        if options["verbosity"] == 0:
            return
        if result is None:
            self.stdout.write("Demo data is already loaded: nothing to do.")
        else:
            self.stdout.write(
                f"Loaded the demo data: {result.cases:,} cases, {result.employers:,} employers "
                f"and {result.vacancies:,} vacancies in {result.seconds:.1f} s."
            )
