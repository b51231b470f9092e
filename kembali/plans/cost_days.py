"""The interventions' costs summed per day, office and sex (InterventionCostDay), for
the reports: a national year of costs is then some tens of thousands of sums instead
of a million interventions (kembali.reports.kpis._cost_querysets).

An intervention counts when its plan is the one in force and it is not cancelled;
it counts its cost, in whole sen, on its planned start, under its case's office and
sex (its own copies: Intervention.office, person_sex). Everything that changes what
counts keeps the sums:

- plans.services, through `costs_kept`: an approval moves the plan in force, and on
  the plan in force an intervention's status may move to or from cancelled;
- the generator adds the sums of the interventions it writes (`cost_days_add`);
- plans migration 0003 filled them in for the interventions before it.

Marking an intervention overdue (cases.services_monitoring) changes no sum: overdue
is not cancelled. Sums are added to, never rewritten (INSERT ... ON CONFLICT DO
UPDATE SET sen = sen + excluded.sen), so two approvals at once in one office and day
both count, on PostgreSQL as on SQLite.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.db import connections, router
from django.db.models import QuerySet

from kembali.plans.models import Intervention, InterventionCostDay, InterventionStatus

Key = tuple[dt.date, int, str]  # (planned start, office id, sex or "")
# Adds to a day's sum, or starts it (SQLite 3.24+ and PostgreSQL alike).
_ADD = """
INSERT INTO plans_interventioncostday (day, office_id, person_sex, sen) VALUES (%s, %s, %s, %s)
ON CONFLICT (day, office_id, person_sex)
DO UPDATE SET sen = plans_interventioncostday.sen + excluded.sen
"""


def in_sen(cost) -> int:
    """A cost in ringgit (Decimal, 2 places) as whole sen, exactly."""
    return int(Decimal(cost).scaleb(2).to_integral_value())


def counted_sums(rows: Iterable[tuple]) -> dict[Key, int]:
    """The sums, in sen, of (planned start, office id, sex, status, cost, plan in force)
    rows: what those interventions add to InterventionCostDay."""
    sums: dict[Key, int] = defaultdict(int)
    for start, office_id, sex, status, cost, in_force in rows:
        if in_force and status != InterventionStatus.CANCELLED:
            sums[(start, office_id, sex or "")] += in_sen(cost)
    return sums


def sums_of(interventions: QuerySet[Intervention]) -> dict[Key, int]:
    return counted_sums(
        interventions.filter(plan_in_force=True)
        .exclude(status=InterventionStatus.CANCELLED)
        .order_by()
        .values_list("planned_start", "office_id", "person_sex", "status", "cost", "plan_in_force")
    )


def cost_days_add(sums: dict[Key, int], *, using: str | None = None) -> None:
    """Add these sums (in sen; negative takes away) to the kept ones."""
    rows = [(day, office, sex, amount) for (day, office, sex), amount in sums.items() if amount]
    if not rows:
        return
    alias = using or router.db_for_write(InterventionCostDay)
    with connections[alias].cursor() as cursor:
        cursor.executemany(_ADD, rows)


@contextmanager
def costs_kept(interventions: QuerySet[Intervention]) -> Iterator[None]:
    """Around a change of these interventions (or of whether their plan is in force):
    their sums before and after, the difference added to InterventionCostDay. Enter it
    in the transaction of the change, after the plan's lock."""
    before = sums_of(interventions)
    yield
    after = sums_of(interventions)
    difference = {key: after.get(key, 0) - before.get(key, 0) for key in before.keys() | after}
    cost_days_add(difference, using=interventions.db)
