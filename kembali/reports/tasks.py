"""Background tasks of reports (django-tasks, run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from kembali.reports.pack import pack_build


@task()
def build_report_pack(export_id: int) -> str:
    """Build the ministry report pack of one export and store its files. Takes the
    export's id and reloads it; safe to run twice (the second run writes nothing)."""
    return pack_build(export_id=export_id).status
