"""`kembali schedule_daily`: queue the daily overdue check unless a run is waiting.

`make run` calls it once at start; after that each run queues the next one."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from kembali.cases.tasks import pending_run, schedule_next_run


class Command(BaseCommand):
    help = "Queue the daily overdue check for the next 06:00 (Kuala Lumpur) if none is queued."

    def handle(self, *args, **options):
        result = schedule_next_run()
        if options["verbosity"] == 0:
            return
        if result is None:
            waiting = pending_run()
            when = timezone.localtime(waiting.run_after) if waiting else None
            self.stdout.write(
                f"The daily overdue check is already queued for {when:%Y-%m-%d %H:%M}."
            )
        else:
            when = timezone.localtime(result.task.run_after)
            self.stdout.write(f"Queued the daily overdue check for {when:%Y-%m-%d %H:%M}.")
