"""Report exports: a ministry report pack someone asked for, built in the background."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kembali.core.uploads import RandomName, protected_storage


class ReportExport(models.Model):
    """One request for the ministry report pack: who asked, for what, and the files.

    The figures are the requester's at the time of the request: `filters` holds the
    period and the office the pack is restricted to (a supervisor's), `suppressed`
    whether small cells are hidden (a ministry analyst's). The files live in the
    protected storage and leave only through kembali.reports.views_pack."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="report_exports",
        verbose_name=_("requested by"),
    )
    # {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD", "office_id": int | null}
    filters = models.JSONField(_("filters"), default=dict)
    suppressed = models.BooleanField(_("small cells suppressed"), default=False)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    pdf_file = models.FileField(
        _("PDF"),
        upload_to=RandomName("reports"),
        storage=protected_storage,
        blank=True,
        max_length=200,
    )
    xlsx_file = models.FileField(
        _("XLSX workbook"),
        upload_to=RandomName("reports"),
        storage=protected_storage,
        blank=True,
        max_length=200,
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "-created_at"])]
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")

    def __str__(self) -> str:
        period = f"{self.filters.get('start', '?')}..{self.filters.get('end', '?')}"
        return f"Report pack {period} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY
