"""`kembali generate --cases N --seed S`: realistic synthetic data, deterministic
for a seed, in batches so that a million cases fit in memory."""

import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from kembali.cases.models import Case
from kembali.core.dbstats import statistics_refresh
from kembali.core.generate.builder import GenerationError, Generator, generated_data_reset


def tqdm_progress(quiet: bool):
    def make(total: int, description: str):
        return tqdm(
            total=total,
            desc=description,
            unit="",
            file=sys.stderr,
            disable=quiet,
            dynamic_ncols=True,
            mininterval=0.5,
        )

    return make


class Command(BaseCommand):
    help = (
        "Generate synthetic insured persons, employers, cases at every stage and vacancies. "
        "The same --seed gives the same rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=1000, help="cases to make (1000)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
        parser.add_argument(
            "--vacancies", type=int, default=None, help="vacancies to make (2 per 10 cases)"
        )
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="the date the data is generated as of, YYYY-MM-DD (today)",
        )
        parser.add_argument("--batch-size", type=int, default=5000)
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--append", action="store_true", help="add to the cases there are")
        group.add_argument(
            "--reset",
            action="store_true",
            help="first delete the generated domain rows (never reference data or audit)",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        if options["cases"] < 0 or (options["vacancies"] or 0) < 0:
            raise CommandError("--cases and --vacancies cannot be negative.")
        if Case.objects.exists():
            if options["reset"]:
                generated_data_reset()
            elif not options["append"]:
                raise CommandError(
                    "Cases exist already: add --append to add more, or --reset to replace "
                    "the generated data."
                )
        generator = Generator(
            cases=options["cases"],
            seed=options["seed"],
            vacancies=options["vacancies"],
            today=options["today"],
            batch_size=options["batch_size"],
            progress=tqdm_progress(options["quiet"]),
        )
        try:
            result = generator.run()
        except GenerationError as error:
            raise CommandError(str(error)) from error
        # A bulk load leaves the planner's statistics behind (SQLite has none at all),
        # and PostgreSQL's visibility map empty (kembali.core.dbstats).
        analysed = statistics_refresh(vacuum=True)
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Generated {result.cases:,} cases, {result.employers:,} employers and "
                f"{result.vacancies:,} vacancies in {result.seconds:.1f} s; planner "
                f"statistics refreshed in {analysed:.1f} s."
            )
