"""PDPA tools: the subject-access export and retention (anonymisation).

Both work on "everything held about one person", found the same generic way:
start at the InsuredPerson and follow every *reverse* relation (a ForeignKey or
OneToOneField that points at the row, with a related_name other than "+") down
to ``MAX_DEPTH``. InsuredPerson → cases → plans → interventions, → assessments,
→ consents, → support plan → activities, and so on. A model added later with a
ForeignKey to Case (or to anything under it) is therefore exported and
anonymised without touching this module. Relations declared with
``related_name="+"`` are deliberately not followed: the project uses "+" for
links that are not *about* the person (who recorded a row, a shared employer).

What is exported of each row is ``EXPORT_FIELDS[label]`` when the model is
listed there, otherwise every concrete field but ``NEVER_EXPORT``: complete by
default, so nothing new is silently left out of an answer to a subject-access
request. tests/people/test_pdpa.py lists the models reached and fails when one
is neither in EXPORT_FIELDS nor in REVIEWED_ALL_FIELDS, so its author decides.

This module imports no app above people (cases, plans, placement...): it
reaches them through the relations and the app registry only, so the
one-way import rule holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation

from kembali.accounts.roles import is_national_admin, is_supervisor
from kembali.audit.models import AccessEvent, AuditEvent
from kembali.audit.services import access_record, audit_record, audit_redact
from kembali.core.digits import is_digits
from kembali.core.pdf import html_to_pdf
from kembali.people.models import InsuredPerson
from kembali.people.services import person_name_copies_sync

MAX_DEPTH = 4

# Fields never exported from any model: secrets and internal bookkeeping.
NEVER_EXPORT = {"token_hash", "dedupe_key"}

# Per model (app_label.model_name): the fields to export, in order. A model not
# listed exports every concrete field but NEVER_EXPORT.
EXPORT_FIELDS: dict[str, list[str]] = {
    "people.insuredperson": [
        "id",
        "nric",
        "socso_number",
        "full_name",
        "date_of_birth",
        "sex",
        "phone",
        "email",
        "address",
        "postcode",
        "district",
        "state",
        "preferred_language",
        "dependants",
        "anonymised_at",
        "created_at",
        "updated_at",
    ],
    "cases.case": [
        "id",
        "number",
        "office",
        "status",
        "stage_changed_at",
        "case_manager",
        "placement_officer",
        "referral_date",
        "referral_reference",
        "referral_source",
        "referred_by",
        "injury",
        "pre_injury_employment",
        "eligible",
        "in_jpess",
        "rtw_level",
        "rtw_date",
        "closure_reason",
        "closed_at",
        "created_at",
        "updated_at",
    ],
    # The coach's own phone number is the coach's data, not the person's.
    "placement.jobcoach": [
        "id",
        "coach_user",
        "coach_name",
        "provider",
        "assigned_by",
        "assigned_on",
        "ended_on",
    ],
}
# Models reached by the walk whose every field was reviewed and is exported.
REVIEWED_ALL_FIELDS = {
    "people.employment",
    "people.injury",
    "people.benefitstatus",
    "people.boardrecommendation",
    "cases.transition",
    "cases.eligibilitydecision",
    "cases.assignment",
    "cases.assessment",
    "cases.consent",
    "cases.casenote",
    "cases.casecontact",
    "cases.casetask",
    "cases.rtwoutcome",
    "plans.rehabplan",
    "plans.intervention",
    "plans.providerreferral",
    "placement.jpessreferral",
    "placement.placementassessment",
    "placement.outcomemeasure",
    "placement.supportplan",
    "placement.supportactivity",
    "placement.vacancyreferral",
    "placement.supportsession",
    # Follow-ups and the self-employment track (H3).
    "placement.followup",
    "placement.selfemploymentplan",
    "placement.selfemploymentsupport",
    "placement.incomemilestone",
}

# Anonymisation: besides every TextField (free text by nature) and every
# uploaded file, these short text fields may hold names or other identifying
# words and are blanked too.
FREE_TEXT_CHARFIELDS: dict[str, set[str]] = {
    "cases.case": {"referred_by"},
    "cases.casecontact": {"party_name"},
    "cases.casetask": {"title"},
}
ANONYMISE_ACTION = "anonymise"


# --- Walking the relations.


def _reverse_relations(model):
    for rel in model._meta.related_objects:
        if rel.hidden or rel.many_to_many:
            continue
        yield rel


def _children(obj) -> list[tuple[Any, list[models.Model]]]:
    """[(relation, rows)] for each reverse relation of obj that has rows."""
    found = []
    for rel in _reverse_relations(type(obj)):
        accessor = rel.get_accessor_name()
        if rel.one_to_one:
            try:
                rows = [getattr(obj, accessor)]
            except rel.related_model.DoesNotExist:
                rows = []
        else:
            rows = list(getattr(obj, accessor).all().order_by("pk"))
        if rows:
            found.append((rel, rows))
    return found


def related_rows(person: InsuredPerson) -> list[models.Model]:
    """Every row held about the person (the person first), each once."""
    seen: set[tuple[str, Any]] = set()
    rows: list[models.Model] = []

    def visit(obj, depth):
        key = (obj._meta.label_lower, obj.pk)
        if key in seen:
            return
        seen.add(key)
        rows.append(obj)
        if depth < MAX_DEPTH:
            for _rel, children in _children(obj):
                for child in children:
                    visit(child, depth + 1)

    visit(person, 0)
    return rows


# --- The export.


@dataclass
class ExportField:
    name: str
    label: str
    value: Any  # JSON-ready
    display: str
    is_choice: bool = False


@dataclass
class ExportNode:
    label: str  # app_label.model_name
    name: str  # the model's verbose name
    pk: Any
    title: str
    fields: list[ExportField]
    children: list[tuple[str, list[ExportNode]]] = field(default_factory=list)


def _json_value(value):
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def _export_fields(obj) -> list[ExportField]:
    meta = obj._meta
    names = EXPORT_FIELDS.get(meta.label_lower)
    if names is None:
        names = [f.name for f in meta.concrete_fields if f.name not in NEVER_EXPORT]
        names += [f.name for f in meta.many_to_many]
    out = []
    for name in names:
        model_field = meta.get_field(name)
        if model_field.many_to_many:
            value = [str(o) for o in getattr(obj, name).all()]
            display = ", ".join(value)
        else:
            raw = getattr(obj, name)
            value = _json_value(raw)
            if model_field.choices and raw not in (None, ""):
                display = str(getattr(obj, f"get_{name}_display")())
            elif raw is None or raw == "":
                display = "—"
            elif isinstance(raw, bool):
                display = str(translation.gettext("Yes") if raw else translation.gettext("No"))
            else:
                display = str(value)
        out.append(
            ExportField(
                name, str(model_field.verbose_name), value, display, bool(model_field.choices)
            )
        )
    return out


def _export_tree(person: InsuredPerson) -> ExportNode:
    """The person and everything under them, breadth first: a row reachable by two
    paths (a provider referral from its case and from its intervention) is shown
    once, under the nearer parent."""

    def make_node(obj) -> ExportNode:
        return ExportNode(
            label=obj._meta.label_lower,
            name=str(obj._meta.verbose_name),
            pk=obj.pk,
            title=str(obj),
            fields=_export_fields(obj),
        )

    root = make_node(person)
    seen = {(root.label, root.pk)}
    queue = [(person, root, 0)]
    while queue:
        obj, node, depth = queue.pop(0)
        if depth >= MAX_DEPTH:
            continue
        for rel, rows in _children(obj):
            fresh = [r for r in rows if (r._meta.label_lower, r.pk) not in seen]
            if not fresh:
                continue
            nodes = []
            for row in fresh:
                seen.add((row._meta.label_lower, row.pk))
                child = make_node(row)
                nodes.append(child)
                queue.append((row, child, depth + 1))
            node.children.append((str(rel.related_model._meta.verbose_name_plural), nodes))
    return root


def _walk_nodes(root: ExportNode):
    yield root
    for _name, nodes in root.children:
        for child in nodes:
            yield from _walk_nodes(child)


def _events_about(root: ExportNode):
    """The audit and access events about any row of the export, oldest first."""
    by_type: dict[str, list[str]] = {}
    for n in _walk_nodes(root):
        by_type.setdefault(n.label, []).append(str(n.pk))
    condition = Q()
    for object_type, ids in by_type.items():
        condition |= Q(object_type=object_type, object_id__in=ids)
    audit = AuditEvent.objects.filter(condition).select_related("actor").order_by("at", "id")
    access = AccessEvent.objects.filter(condition).select_related("actor").order_by("at", "id")
    return audit, access


def _actor(user) -> str:
    return user.username if user is not None else ""


def _node_json(node: ExportNode) -> dict:
    data: dict[str, Any] = {"model": node.label, "id": node.pk}
    for f in node.fields:
        data[f.name] = f.value
        # A choice's label beside its code ("status": "closed", "status_display": "Closed").
        if f.is_choice and f.value not in (None, ""):
            data[f"{f.name}_display"] = f.display
    for name, nodes in node.children:
        data.setdefault("related", {})[name] = [_node_json(n) for n in nodes]
    return data


@dataclass
class PersonExport:
    person: InsuredPerson
    tree: ExportNode
    audit_events: list
    access_events: list
    generated_at: dt.datetime
    generated_by: str

    def as_json(self) -> dict:
        return {
            "generated_at": self.generated_at.isoformat(),
            "generated_by": self.generated_by,
            "person": _node_json(self.tree),
            "audit_events": [
                {
                    "at": e.at.isoformat(),
                    "actor": _actor(e.actor),
                    "action": e.action,
                    "object_type": e.object_type,
                    "object_id": e.object_id,
                    "changes": e.changes,
                    "reason": e.reason,
                }
                for e in self.audit_events
            ],
            "access_events": [
                {
                    "at": e.at.isoformat(),
                    "actor": _actor(e.actor),
                    "what": e.what,
                    "object_type": e.object_type,
                    "object_id": e.object_id,
                    "from": e.ip_address,
                }
                for e in self.access_events
            ],
        }


def person_export(*, actor, person: InsuredPerson, request=None) -> PersonExport:
    """Everything held about the person, and a record that `actor` exported it.

    The access event is written first, so the export lists itself: the person
    sees who asked for their data, including this time."""
    access_record(actor=actor, what="person.export", obj=person, request=request)
    tree = _export_tree(person)
    audit, access = _events_about(tree)
    return PersonExport(
        person=person,
        tree=tree,
        audit_events=list(audit),
        access_events=list(access),
        generated_at=timezone.now(),
        generated_by=_actor(actor) if actor is not None and actor.is_authenticated else "",
    )


def person_export_pdf(export: PersonExport) -> bytes:
    """The export as an A4 PDF, in the person's own language."""
    language = export.person.preferred_language or "ms"
    with translation.override(language if language in ("ms", "en") else "ms"):
        html = render_to_string(
            "people/export_pdf.html",
            {
                "export": export,
                "person": export.person,
                "tree": export.tree,
                "audit_events": export.audit_events,
                "access_events": export.access_events,
            },
        )
    return html_to_pdf(html)


def person_by_ref(ref: str) -> InsuredPerson | None:
    """The person by NRIC (12 digits, dashes allowed) or by id."""
    digits = str(ref).replace("-", "").strip()
    if len(digits) == 12 and is_digits(digits):
        return InsuredPerson.objects.filter(nric=digits).first()
    if is_digits(digits):
        return InsuredPerson.objects.filter(pk=int(digits)).first()
    return None


def may_export(user, person: InsuredPerson) -> bool:
    """National administrators; supervisors of an office where the person has a case."""
    if is_national_admin(user):
        return True
    if is_supervisor(user) and user.office_id is not None:
        return person.cases.filter(office_id=user.office_id).exists()
    return False


def access_person_for_export(user, ref: str) -> InsuredPerson:
    """The person if this user may export their data, else Http404: missing and
    not yours answer the same."""
    person = person_by_ref(ref)
    if person is None or not may_export(user, person):
        raise Http404("No such person.")
    return person


# --- Retention: anonymisation.


def _case_model():
    return apps.get_model("cases", "Case")


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def people_due_for_anonymisation(*, years: int, today: dt.date | None = None):
    """People not yet anonymised with at least one case, every one of which
    closed more than `years` years ago."""
    today = today or timezone.localdate()
    cutoff = timezone.make_aware(dt.datetime.combine(_years_before(today, years), dt.time.min))
    Case = _case_model()
    cases = Case.objects.filter(person=OuterRef("pk"))
    recent_or_open = cases.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=cutoff))
    return (
        InsuredPerson.objects.filter(anonymised_at__isnull=True)
        .filter(Exists(cases))
        .exclude(Exists(recent_or_open))
        .order_by("pk")
    )


def placeholder_nric(person_id: int) -> str:
    """12 characters, unique per person, never a real NRIC (those are all digits)."""
    return f"X{person_id:011d}"


def _truncate_birth(value):
    if isinstance(value, dt.date):
        return dt.date(value.year, 7, 1)
    if isinstance(value, str) and len(value) >= 4 and value[:4].isdigit():
        return f"{value[:4]}-07-01"
    return value


def _anonymise_row(obj) -> None:
    label = obj._meta.label_lower
    changed = []
    for f in obj._meta.concrete_fields:
        value = getattr(obj, f.attname)
        if isinstance(f, models.FileField):
            if value:
                getattr(obj, f.name).delete(save=False)
                setattr(obj, f.attname, "")
                changed.append(f.attname)
        elif isinstance(f, models.TextField) or f.name in FREE_TEXT_CHARFIELDS.get(label, ()):
            if value:
                setattr(obj, f.attname, "")
                changed.append(f.attname)
        elif isinstance(value, dict) and "date_of_birth" in value:
            # Facts kept for explaining a decision: the birth year is enough.
            birth = _truncate_birth(value["date_of_birth"])
            setattr(obj, f.attname, {**value, "date_of_birth": birth})
            changed.append(f.attname)
    if changed:
        # .update, not .save: auto_now fields keep their dates (reports count them).
        type(obj).objects.filter(pk=obj.pk).update(**{name: getattr(obj, name) for name in changed})


def person_anonymise(*, actor, person: InsuredPerson, reason: str = "") -> None:
    """Remove what identifies the person, keep what the reports count: sex, birth
    year, state, and every status, date, code and amount of their cases.

    Called inside a transaction (people_anonymise_closed opens one per batch)."""
    rows = related_rows(person)
    for row in rows[1:]:
        _anonymise_row(row)
    # Earlier audit events still hold the old names and values: erase those too.
    audit_redact(objects=rows)
    InsuredPerson.objects.filter(pk=person.pk).update(
        full_name=f"Anonymised person {person.pk}",
        nric=placeholder_nric(person.pk),
        socso_number="",
        phone="",
        email="",
        address="",
        postcode="",
        district="",
        date_of_birth=_truncate_birth(person.date_of_birth),
        anonymised_at=timezone.now(),
    )
    person.refresh_from_db()
    person_name_copies_sync(person)  # the cases' copy of the name, for their search
    # No values in changes: the old ones are what is being erased.
    audit_record(actor=actor, action=ANONYMISE_ACTION, obj=person, changes={}, reason=reason)


def people_anonymise_closed(
    *, actor=None, years: int, batch_size: int = 200, dry_run: bool = False, today=None
) -> int:
    """Anonymise everyone due under the retention rule; returns how many.

    One transaction per batch, so a long run holds no lock for long and a
    failure loses one batch at most. Safe to run twice: the anonymised are
    skipped."""
    due = people_due_for_anonymisation(years=years, today=today)
    if dry_run:
        return due.count()
    reason = f"Retention: every case closed more than {years} years ago."
    done = 0
    while True:
        with transaction.atomic():
            ids = list(due.values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            people = InsuredPerson.objects.select_for_update().filter(pk__in=ids).order_by("pk")
            for person in people:
                person_anonymise(actor=actor, person=person, reason=reason)
                done += 1
    return done
