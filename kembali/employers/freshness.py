"""How the matching index learns that vacancies changed, and which ones, within seconds.

``VacancyIndexVersion`` is one row (pk 1) holding a counter; ``VacancyIndexChange``
logs which vacancy each version stands for. Every vacancy write bumps the counter
and logs the vacancy in the same transaction as the change:

- ``Vacancy.save()`` anywhere (services, the API, forms) through the post_save
  receiver below, with the vacancy's id; a delete through post_delete;
- the skills a vacancy asks for (``placement.vacancy_skills.vacancy_skills_set``) and
  the CSV import call ``vacancies_changed(vacancy_ids=...)`` themselves;
- bulk writes without ids (the data generator, the benches) call
  ``vacancies_changed()``: a change to "many", after which an index rebuilds whole.

The matching index (kembali.placement.matching.index) reads the marker on every
request (one primary-key read). When it moved, the index reads the log rows since
the version it was built at and re-reads only those vacancies; see its docstring.

Why the log is complete for any version a reader sees: the bump's UPDATE locks the
marker row until the writing transaction ends, so versions are handed out in commit
order, and a version's log rows commit with it. A reader that sees version V sees
every log row up to V. The lock serialises vacancy writes: cheap at the rate
vacancies are written (a handful a minute, imports once per batch).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from kembali.employers.models import Vacancy, VacancyIndexChange, VacancyIndexVersion

# The log keeps this many versions; an index built longer ago than that rebuilds.
KEEP_VERSIONS = 50_000
# Prune the log once every this many versions.
PRUNE_EVERY = 1_000


def marker_bump(
    *,
    marker: type[models.Model],
    log: type[models.Model],
    id_field: str,
    ids: Iterable[int] | None,
) -> int | None:
    """Bump a freshness marker (one row, pk 1, ``version`` and ``changed_at``) and log
    ``ids`` (None: everything) at the new version, in the caller's transaction.
    Returns the new version (None when ``ids`` is empty: nothing changed). Three
    queries; a fourth every PRUNE_EVERY versions."""
    keys = [None] if ids is None else sorted(set(ids))
    if not keys:
        return None
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        updated = marker.objects.filter(pk=1).update(version=F("version") + 1, changed_at=now)
        if not updated:  # a database created without the data migration
            _row, created = marker.objects.select_for_update().get_or_create(
                pk=1, defaults={"version": 1, "changed_at": now}
            )
            if not created:
                marker.objects.filter(pk=1).update(version=F("version") + 1, changed_at=now)
        version = marker.objects.filter(pk=1).values_list("version", flat=True).get()
        log.objects.bulk_create(
            [log(version=version, changed_at=now, **{id_field: key}) for key in keys]
        )
        if version % PRUNE_EVERY == 0:
            log.objects.filter(version__lte=version - KEEP_VERSIONS).delete()
    return version


def vacancies_changed(*, vacancy_ids: Iterable[int] | None = None) -> int | None:
    """Bump the marker and log which vacancies changed (None: many; the index then
    rebuilds). Call it in the transaction that wrote them."""
    return marker_bump(
        marker=VacancyIndexVersion, log=VacancyIndexChange, id_field="vacancy_id", ids=vacancy_ids
    )


def vacancy_index_version() -> int:
    """The marker's current number: compare it with the one an index was built at."""
    return VacancyIndexVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


@receiver(post_save, sender=Vacancy, dispatch_uid="employers.vacancy_saved")
def _vacancy_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:  # fixtures load rows before the marker row exists
        vacancies_changed(vacancy_ids=[instance.pk])


@receiver(post_delete, sender=Vacancy, dispatch_uid="employers.vacancy_deleted")
def _vacancy_deleted(sender, instance, **kwargs) -> None:
    vacancies_changed(vacancy_ids=[instance.pk])
