"""How the matching index learns that vacancies changed, within seconds.

``VacancyIndexVersion`` is one row (pk 1) holding a counter. Every vacancy write
bumps it in the same transaction as the change:

- ``Vacancy.save()`` and ``delete()`` anywhere (services, the admin) through the
  post_save / post_delete receivers below;
- bulk writes (``bulk_create``, ``QuerySet.update``, the CSV import), which send no
  signals, call ``vacancies_changed()`` themselves, once per batch.

The matching index (kembali.placement.matching.index) polls ``vacancy_index_version()``,
a single primary-key read, every few seconds and rebuilds its arrays when the number
differs from the one it was built at. Because the bump is part of the writing
transaction, a reader never sees the new number before the rows it stands for.
The counter row is locked by each bump until commit, which serialises vacancy writes:
cheap at the rate vacancies are written (a handful a minute, imports once per batch).
"""

from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from kembali.employers.models import Vacancy, VacancyIndexVersion


def vacancies_changed() -> None:
    """Bump the marker: call after a bulk write of vacancies that sends no signals."""
    updated = VacancyIndexVersion.objects.filter(pk=1).update(
        version=F("version") + 1, changed_at=timezone.now()
    )
    if not updated:  # a database created without the data migration (never in practice)
        VacancyIndexVersion.objects.get_or_create(
            pk=1, defaults={"version": 1, "changed_at": timezone.now()}
        )


def vacancy_index_version() -> int:
    """The marker's current number: compare it with the one an index was built at."""
    return VacancyIndexVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


@receiver(post_save, sender=Vacancy, dispatch_uid="employers.vacancy_saved")
def _vacancy_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:  # fixtures load rows before the marker row exists
        vacancies_changed()


@receiver(post_delete, sender=Vacancy, dispatch_uid="employers.vacancy_deleted")
def _vacancy_deleted(sender, instance, **kwargs) -> None:
    vacancies_changed()
