"""The ministry report pack: who may ask for it, the request, the build, and the one
table layout the PDF and the XLSX are both made from.

The figures are never computed here: they are ``kembali.reports.kpis.ministry_pack``,
the same function the dashboard shows, rendered as they are (so the dashboard, the PDF
and the XLSX agree). What the pack covers depends on who asks:

- a national administrator: every office, every figure;
- a supervisor: their own office only;
- a ministry analyst: every office, with small cells suppressed.

Built at once or in the background: a period of up to SYNC_MAX_DAYS days is built
while the user waits (right after the request is recorded, a few seconds: one month
of figures and two small files); a longer period is always handed to the background task
(kembali.reports.tasks.build_report_pack), because the figures span more data and the
request must not hold a web worker. Either way the same ``pack_build`` runs, so the
export goes through the same statuses and the page shows it the same way.

``pack_build`` is safe to run twice for one export: the figures and files are made
outside any lock, then the export row is locked (select_for_update) and the files are
written only if it is not ready yet, so a second run writes nothing."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kembali.accounts.models import Office, Role
from kembali.audit.services import audit_record
from kembali.reports.kpis import MinistryPack, ReportFilters, ministry_pack
from kembali.reports.models import ReportExport
from kembali.reports.suppression import NA

logger = logging.getLogger(__name__)

SYNC_MAX_DAYS = 31
RECENT_EXPORTS = 10
ERROR_MAX_CHARS = 2000


# --- Who may ask, and for what.


def may_request_pack(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.role in (Role.NATIONAL_ADMIN, Role.MINISTRY_ANALYST):
        return True
    return user.role == Role.SUPERVISOR and user.office_id is not None


def pack_scope(user) -> tuple[int | None, bool]:
    """(the office the pack is restricted to, whether small cells are suppressed)."""
    if user.role == Role.SUPERVISOR:
        return user.office_id, False
    return None, user.role == Role.MINISTRY_ANALYST


def period_check(start: dt.date, end: dt.date, *, today: dt.date | None = None) -> None:
    """Raise ValidationError({field: message}) for a period that cannot be reported."""
    today = today or timezone.localdate()
    errors = {}
    if start > today:
        errors["start"] = _("The start of the period must be today or earlier.")
    if end > today:
        errors["end"] = _("The end of the period must be today or earlier.")
    if start > end and "end" not in errors:
        errors["end"] = _("The end of the period must be the same as or after its start.")
    if errors:
        raise ValidationError(errors)


def builds_at_once(start: dt.date, end: dt.date) -> bool:
    return (end - start).days + 1 <= SYNC_MAX_DAYS


# --- The request and the build.


def pack_request(*, actor, start: dt.date, end: dt.date, language: str = "en") -> ReportExport:
    """Record the request (one transaction, audited), then build the pack: at once for
    a short period, by the background task (queued when the request commits) otherwise.
    Returns the export as it stands afterwards."""
    if not may_request_pack(actor):
        raise Http404
    period_check(start, end)
    office_id, suppressed = pack_scope(actor)
    at_once = builds_at_once(start, end)
    with transaction.atomic():
        export = ReportExport.objects.create(
            requested_by=actor,
            filters={
                "start": start.isoformat(),
                "end": end.isoformat(),
                "office_id": office_id,
                "language": language if language in ("en", "ms") else "en",
            },
            suppressed=suppressed,
        )
        audit_record(
            actor=actor,
            action="create",
            obj=export,
            changes={
                "period": [None, f"{start.isoformat()}..{end.isoformat()}"],
                "office": [None, office_id],
                "suppressed": [None, suppressed],
            },
        )
        if not at_once:
            from kembali.reports.tasks import build_report_pack

            transaction.on_commit(lambda: build_report_pack.enqueue(export.pk))
    if at_once:
        return pack_build(export_id=export.pk)
    return export


def export_filters(export: ReportExport) -> ReportFilters:
    return ReportFilters(
        start=dt.date.fromisoformat(export.filters["start"]),
        end=dt.date.fromisoformat(export.filters["end"]),
        office_id=export.filters.get("office_id"),
    )


def _set_status(
    export_id: int, status: str, *, files: tuple[bytes, bytes] | None = None, **fields
) -> tuple[ReportExport, bool]:
    """Lock the export and move it to `status` unless it is ready already. Returns
    (the export, whether it changed)."""
    with transaction.atomic():
        export = (
            ReportExport.objects.select_for_update()
            .select_related("requested_by")
            .get(pk=export_id)
        )
        if export.status == ReportExport.Status.READY:
            return export, False
        old = export.status
        export.status = status
        for name, value in fields.items():
            setattr(export, name, value)
        if files is not None:
            stem = f"kembali-report-pack-{export.filters['start']}-{export.filters['end']}"
            export.pdf_file.save(f"{stem}.pdf", ContentFile(files[0]), save=False)
            export.xlsx_file.save(f"{stem}.xlsx", ContentFile(files[1]), save=False)
        export.save()
        audit_record(
            actor=None,
            action="update",
            obj=export,
            changes={"status": [old, status]},
            reason=export.error if status == ReportExport.Status.FAILED else "",
            office=export.requested_by.office,
        )
        return export, True


def pack_build(*, export_id: int) -> ReportExport:
    """Make the figures, the PDF and the XLSX of one export and store them. A failure
    is stored on the export (status failed, the error) for the page to show."""
    from kembali.reports.pack_pdf import pack_pdf
    from kembali.reports.pack_xlsx import pack_xlsx

    export, changed = _set_status(
        export_id, ReportExport.Status.RUNNING, started_at=timezone.now(), error=""
    )
    if not changed:
        return export
    try:
        with translation.override(export.filters.get("language", "en")):
            document = pack_document(
                ministry_pack(export_filters(export), suppress=export.suppressed), export=export
            )
            files = (pack_pdf(document), pack_xlsx(document))
    except Exception as error:
        logger.exception("Report pack %s failed", export_id)
        message = f"{type(error).__name__}: {error}"[:ERROR_MAX_CHARS]
        export, _changed = _set_status(
            export_id, ReportExport.Status.FAILED, error=message, finished_at=timezone.now()
        )
        return export
    export, _changed = _set_status(
        export_id, ReportExport.Status.READY, files=files, finished_at=timezone.now()
    )
    return export


# --- Reads.


def exports_of(user):
    """The user's own latest exports, newest first."""
    return ReportExport.objects.filter(requested_by=user).order_by("-created_at", "-id")[
        :RECENT_EXPORTS
    ]


def access_export(user, pk: int) -> ReportExport:
    """The export if the user asked for it (or is a national administrator), else 404:
    someone else's export answers like a missing one."""
    qs = ReportExport.objects.select_related("requested_by")
    if not (user and user.is_authenticated and user.is_active):
        raise Http404
    if user.role != Role.NATIONAL_ADMIN:
        if not may_request_pack(user):
            raise Http404
        qs = qs.filter(requested_by=user)
    try:
        return qs.get(pk=pk)
    except ReportExport.DoesNotExist:
        raise Http404 from None


# --- The document: one layout for the PDF and the XLSX.


@dataclass(frozen=True)
class Cell:
    value: object  # as ministry_pack gave it: int, float, Decimal, None (suppressed), NA
    kind: str  # the measure's kind: count, percent, money, ratio
    text: str  # how it reads in the PDF


@dataclass(frozen=True)
class PackDocument:
    title: str
    period_start: dt.date
    period_end: dt.date
    scope: str
    generated_at: dt.datetime
    suppressed: bool
    measures: list  # kpis.Measure, in order
    by_sex: list[tuple[str, list[Cell]]]  # (measure label, [male, female, total])
    sex_headings: list[str]
    state_rows: list[tuple[str, list[Cell]]]  # (state name, one cell per measure)
    notes: list[str]


def cell_text(value, kind: str, *, suppressed: bool) -> str:
    if value is None:
        if not suppressed:
            return "–"
        return _("fewer than 5") if kind == "count" else _("not shown")
    if value == NA:
        return NA
    if kind == "count":
        return f"{int(value):,}"
    if kind == "percent":
        return f"{float(value):.1f}"
    if kind == "money":
        return f"{value:,.2f}"
    if kind == "ratio":
        return f"{float(value):.2f}"
    return str(value)


def pack_notes(*, suppressed: bool) -> list[str]:
    notes = [
        _(
            "Persons placed in new jobs: JPESS cases that returned to work in the period "
            "with a new employer (levels 4 to 6 of the RTW hierarchy)."
        ),
        _("Women among persons placed: the share of women among those placed, in per cent."),
        _("Self-employed: cases that returned to work in the period as self-employed (level 7)."),
        _("New employers engaged: employers first engaged in the period."),
        _(
            "Trainings and employers trained: disability equality trainings held in the "
            "period and the employers that attended them."
        ),
        _(
            "Persons receiving RTW services: people with an eligible case open at some time "
            "in the period; of them receiving JPESS: the share whose case is in JPESS."
        ),
        _(
            "Intervention costs: the costs of the interventions on the plans in force, of "
            "provider referrals not tied to an intervention and of self-employment support, "
            "in ringgit."
        ),
        _(
            "The state is the state of the case's RTW office; employers and trainings count "
            "in the state where they are. A person counts once in the total even with cases "
            "in two states, so the states may add up to more than the total."
        ),
        _("By sex: employers and trainings are not about people, so they have no split (–)."),
    ]
    if suppressed:
        notes.append(
            _(
                "Small cells: a count of 1 to 4 people is shown as “fewer than 5”; where "
                "that one cell could be worked out from a total, the next smallest cell is "
                "hidden too, and percentages built on such cells are not shown."
            )
        )
    else:
        notes.append(_("A dash (–) marks a figure with nothing to count, such as a share of 0."))
    return notes


def pack_document(pack: MinistryPack, *, export: ReportExport | None = None) -> PackDocument:
    """The pack laid out as the PDF and the XLSX show it, in the active language."""
    office_id = pack.filters.office_id
    if office_id is not None:
        office = Office.objects.filter(pk=office_id).first()
        scope = office.name if office else _("One office")
    else:
        scope = _("All RTW offices")
    if pack.suppressed:
        scope = _("%(scope)s; small cells suppressed") % {"scope": scope}

    def cells(values: list, kind: str) -> list[Cell]:
        return [
            Cell(value=v, kind=kind, text=cell_text(v, kind, suppressed=pack.suppressed))
            for v in values
        ]

    by_sex = [
        (
            str(measure.label),
            cells(
                [pack.by_sex[measure.code][k] for k in ("male", "female", "total")], measure.kind
            ),
        )
        for measure in pack.measures
    ]
    state_rows = [
        (
            str(name),
            [
                Cell(
                    value=row[m.code],
                    kind=m.kind,
                    text=cell_text(row[m.code], m.kind, suppressed=pack.suppressed),
                )
                for m in pack.measures
            ],
        )
        for name, row in pack.by_state
    ]
    generated = export.finished_at if export and export.finished_at else timezone.now()
    return PackDocument(
        title=_("Return to Work programme: report to the Ministry"),
        period_start=pack.filters.start,
        period_end=pack.filters.end,
        scope=scope,
        generated_at=timezone.localtime(generated),
        suppressed=pack.suppressed,
        measures=list(pack.measures),
        by_sex=by_sex,
        sex_headings=[_("Men"), _("Women"), _("Total")],
        state_rows=state_rows,
        notes=pack_notes(suppressed=pack.suppressed),
    )
