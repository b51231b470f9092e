"""The audit trail: AuditEvent for every change, AccessEvent for every read of
identity or health data. Append-only: no page, API or admin action edits them.

Both tables are narrow and indexed by time and by office, actor, object and
case, each index ending in the time, so a search by any of them, newest first,
stays an index range scan at tens of millions of rows (bench/bench_audit.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit records cannot be changed.")

    def delete(self):
        raise PermissionError("Audit records cannot be deleted.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("Audit records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit records cannot be deleted.")


class AuditEvent(AppendOnlyModel):
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("who"),
        db_index=False,  # (actor, at) below serves it
    )
    office = models.ForeignKey(
        "accounts.Office",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("office"),
        db_index=False,  # (office, at) below serves it
    )
    action = models.CharField(_("action"), max_length=40)  # create, update, delete, transition
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)  # {field: [old, new]}
    reason = models.TextField(_("reason"), blank=True)
    # The case the change is about (its plans, consents, notes, placements too),
    # so one search by case number finds them all. A plain number, not a foreign
    # key: the trail must outlive the case and must not slow writes with a check.
    case_id = models.BigIntegerField(_("case"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"]),
            models.Index(fields=["office", "at"]),
            models.Index(fields=["actor", "at"]),
            models.Index(fields=["case_id", "at"]),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} {self.object_id}"


class AccessEvent(AppendOnlyModel):
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("who"),
        db_index=False,  # (actor, at) below serves it
    )
    office = models.ForeignKey(
        "accounts.Office",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("office"),
        db_index=False,  # (office, at) below serves it
    )
    what = models.CharField(_("what"), max_length=60)  # e.g. case.view, person.export
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40)
    ip_address = models.GenericIPAddressField(_("from"), null=True, blank=True)
    case_id = models.BigIntegerField(_("case"), null=True, blank=True)  # as in AuditEvent

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"]),
            models.Index(fields=["office", "at"]),
            models.Index(fields=["actor", "at"]),
            models.Index(fields=["case_id", "at"]),
        ]
        verbose_name = _("access event")
        verbose_name_plural = _("access events")

    def __str__(self) -> str:
        return f"{self.what} {self.object_type} {self.object_id}"
