"""`kembali mark_overdue [--date YYYY-MM-DD]`: run the daily overdue check now.

Runs in this process (not through the queue) and queues nothing: the daily run
stays as scheduled. Safe to run again: nothing is marked or sent twice."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kembali.cases.services_monitoring import overdue_mark


class Command(BaseCommand):
    help = "Mark overdue interventions, find late plans and tasks, and notify, now."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to check as (YYYY-MM-DD); today by default")

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError("Give the date as YYYY-MM-DD.") from error
        report = overdue_mark(today=today)
        if options["verbosity"] == 0:
            return
        self.stdout.write(
            f"Overdue on {report.today:%Y-%m-%d}: {report.interventions_overdue} interventions "
            f"({report.interventions_marked} newly marked), {report.plans_overdue} plans, "
            f"{report.tasks_overdue} tasks; {report.notifications_sent} notifications sent."
        )
