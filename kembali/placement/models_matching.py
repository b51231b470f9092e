"""The candidates' freshness marker for the matching index (kembali.placement.matching).

The same design as the vacancies' (kembali.employers.models.VacancyIndexVersion and
VacancyIndexChange): one row whose version every write that can change a candidate
bumps in its own transaction, and a log of which case each version stands for."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CandidateIndexVersion(models.Model):
    """One row (pk 1) whose ``version`` goes up whenever a candidate may have changed.
    The matching index reads it (one primary-key read) on every match request."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("candidate index version")

    def __str__(self) -> str:
        return f"candidates v{self.version}"


class CandidateIndexChange(models.Model):
    """Which case each candidate marker version stands for (None: many cases at once,
    the index rebuilds). See VacancyIndexChange."""

    version = models.BigIntegerField(db_index=True)
    # No foreign key: the row outlives a deleted case.
    case_id = models.BigIntegerField(null=True, blank=True)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("candidate index change")

    def __str__(self) -> str:
        return f"candidates v{self.version}: {self.case_id or 'all'}"
