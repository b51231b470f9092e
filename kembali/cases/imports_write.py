"""Writing a batch of checked referrals for the CSV import: one INSERT ... executemany
per table, with the ids given out here.

The ORM's bulk_create builds every value through the field machinery; at 100,000
referrals, each making some fifteen rows (person, injury, job, benefits, case,
decision, transition and an audit event per object), that alone takes minutes.
kembali.core.generate.rows.TableWriter inserts prepared tuples through Django's
cursor instead, on SQLite and PostgreSQL alike.

Ids are reserved safely while others may write: on PostgreSQL from the table's own
sequence (nextval), on SQLite from the largest id, which is safe because the
transaction is IMMEDIATE (kembali.settings): it holds the database's write lock
from its first statement, so no one else can insert meanwhile.

The rows written are exactly those referral_create writes (kembali.cases.services),
and the case ends where it leaves it: eligible or not eligible, version 2, with its
decision and transition. The audit trail differs in shape, not in content: where
referral_create writes an event per object (person, injury, job, each benefit and
board recommendation, case, decision, transition: some seven a referral, the largest
table and index cost of the import), the import writes ONE event per case, "create"
on the case, whose changes hold the created values of the case and of everything
written with it, each with its id ({field: [None, value]}; the status as
[referred, eligible or not_eligible]). Its case_id is set, so a search by case
number finds it, and person_anonymise redacts it with the case.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from django.db import connection, models
from django.db.models import Max
from django.utils import timezone

from kembali.audit.models import AuditEvent
from kembali.cases.eligibility import EligibilityDecision as Decision
from kembali.cases.models import Case, EligibilityDecision, Status, Transition
from kembali.core.generate.rows import TableWriter
from kembali.people.models import (
    BenefitStatus,
    BoardRecommendation,
    Employment,
    Injury,
    InsuredPerson,
)


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` ids for new rows of `model`, never given to anyone else. Must run in
    the transaction that inserts them."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, model._meta.pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]
    top = model.objects.aggregate(top=Max("pk"))["top"] or 0
    return list(range(top + 1, top + 1 + count))


class _Table:
    """A TableWriter whose ids come from reserve_ids."""

    def __init__(self, model, fields: tuple[str, ...], *, ids: bool = True):
        self.model = model
        self.fields = fields
        self.ids = ids
        # with_ids: the id is the first value of each row; it comes from reserve_ids, as
        # TableWriter's own numbering assumes no one else inserts meanwhile.
        self.writer = TableWriter(model, fields, with_ids=ids)
        if connection.vendor == "sqlite":
            # Django's JSON adapter goes through the field machinery per value; the
            # values here are plain dicts and lists, and SQLite stores JSON as text.
            offset = 1 if ids else 0
            self.writer.adapting = [
                (i, _json_text if _is_json(model, fields, i - offset) else _last_one(adapt))
                for i, adapt in self.writer.adapting
            ]
        self.rows: list[tuple] = []

    def add(self, *values) -> None:
        self.rows.append(values)

    def write(self) -> list[int]:
        """Insert the rows added; returns their ids (in order) when ids are kept."""
        ids = reserve_ids(self.model, len(self.rows)) if self.ids else []
        rows = (
            [(pk, *row) for pk, row in zip(ids, self.rows, strict=True)] if self.ids else self.rows
        )
        self.writer.write(rows)
        return ids


def _last_one(adapt):
    """The adapter, remembering its last answer: a batch stamps every row with the same
    time, which is otherwise converted anew for each of tens of thousands of rows."""
    last = [object(), None]

    def adapted(value):
        if value is not last[0]:
            last[0], last[1] = value, adapt(value)
        return last[1]

    return adapted


class _JsonText(str):
    """JSON already written out."""


def _json_text(value) -> str:
    if isinstance(value, _JsonText):
        return value
    if not value and isinstance(value, dict):
        return "{}"
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _is_json(model, fields: tuple[str, ...], index: int) -> bool:
    return 0 <= index < len(fields) and isinstance(
        model._meta.get_field(fields[index]), models.JSONField
    )


_JSON_NATIVE = frozenset((type(None), bool, int, float, str))


def _plain(value):
    """A value as the audit trail's JSON holds it (as audit_record's _jsonable)."""
    return value if type(value) in _JSON_NATIVE else str(value)  # dates: ISO; decimals


def _values(pk: int, fields: tuple[str, ...], row: tuple, *, skip: int = 0) -> dict:
    """A created row's values for the audit trail: its id, then field by field
    (`skip` leaves out the first ones, such as the person every row points to)."""
    native = _JSON_NATIVE
    values = {"id": pk}
    for name, value in zip(fields[skip:], row[skip:], strict=True):
        values[name] = value if type(value) in native else str(value)
    return values


class BatchWriter:
    """Collects the rows of one batch, then writes them table by table."""

    def __init__(self, *, actor, now: dt.datetime | None = None):
        self.actor_id = actor.pk if actor is not None else None
        self.now = now or timezone.now()
        self.audits: list[tuple] = []
        self.decision_json: dict[int, tuple] = {}

    def audit(
        self,
        model,
        pk,
        repr_: str,
        office_id,
        *,
        action="create",
        reason="",
        changes=None,
        case_id: int | None = None,
    ):
        self.audits.append(
            (
                self.actor_id,
                office_id,
                action,
                model._meta.label_lower,
                str(pk),
                repr_[:200],
                changes or {},
                reason,
                case_id,
            )
        )

    def write(self, goods, *, employers: dict[str, int], numbers: list[str], decide: Callable):
        """Write the referrals `goods` (imports._Good, persons new or on file), with the
        case numbers given; `decide(good)` returns (facts, Decision) once the person's
        rows are written. Returns the cases' (number, status) in order."""
        persons = _Table(
            InsuredPerson,
            (
                "nric",
                "full_name",
                "date_of_birth",
                "sex",
                "state",
                "socso_number",
                "phone",
                "email",
                "address",
                "postcode",
                "district",
                "preferred_language",
                "dependants",
            ),
        )
        new = [g for g in goods if g.person is None]
        for g in new:
            d = g.person_data
            persons.add(
                d.nric,
                d.full_name,
                d.date_of_birth,
                d.sex,
                d.state_id,
                d.socso_number,
                d.phone,
                d.email,
                d.address,
                d.postcode,
                d.district,
                d.preferred_language,
                d.dependants or 0,
            )
        created: dict[int, dict] = {id(g): {} for g in goods}  # what each case's event holds
        for g, row, pk in zip(new, persons.rows, persons.write(), strict=True):
            g.person_id = pk
            created[id(g)]["person"] = _values(pk, persons.fields, row)
        for g in goods:
            if g.person is not None:
                g.person_id = g.person.pk
                # On file: its changes are audited by the people services.
                created[id(g)]["person"] = {"id": g.person.pk}

        injuries = _Table(
            Injury,
            ("person", "date", "kind", "work_related", "description", "body_part", "icd10"),
        )
        with_injury = [g for g in goods if g.referral.injury is not None]
        for g in with_injury:
            i = g.referral.injury
            injuries.add(
                g.person_id,
                i.date,
                i.kind,
                i.work_related,
                i.description,
                i.body_part,
                i.icd10.upper(),
            )
        for g, row, pk in zip(with_injury, injuries.rows, injuries.write(), strict=True):
            g.injury_id = pk
            created[id(g)]["injury"] = _values(pk, injuries.fields, row, skip=1)

        jobs = _Table(
            Employment,
            (
                "person",
                "employer",
                "employer_name",
                "isco_unit",
                "job_title",
                "monthly_wage",
                "start_date",
                "end_date",
            ),
        )
        with_job = [g for g in goods if g.referral.employment is not None]
        for g in with_job:
            e = g.referral.employment
            jobs.add(
                g.person_id,
                employers.get(e.employer_code) if e.employer_code else None,
                e.employer_name,
                e.isco_code,
                e.job_title,
                e.monthly_wage,
                e.start_date,
                e.end_date,
            )
        for g, row, pk in zip(with_job, jobs.rows, jobs.write(), strict=True):
            g.job_id = pk
            created[id(g)]["pre_injury_employment"] = _values(pk, jobs.fields, row, skip=1)

        # Benefits and board recommendations of people new to the system; for people
        # on file the caller has recorded them through the people services.
        benefits = _Table(BenefitStatus, ("person", "kind", "start_date", "end_date"))
        boards = _Table(
            BoardRecommendation, ("person", "board", "date", "recommended_rehabilitation")
        )
        benefit_of, board_of = [], []
        for g in new:
            for b in g.referral.benefits:
                benefits.add(g.person_id, b.kind, b.start_date, b.end_date)
                benefit_of.append((g, b))
            for b in g.referral.board_recommendations:
                boards.add(g.person_id, b.board, b.date, b.recommended_rehabilitation)
                board_of.append((g, b))
        for (g, _b), row, pk in zip(benefit_of, benefits.rows, benefits.write(), strict=True):
            created[id(g)].setdefault("benefits", []).append(
                _values(pk, benefits.fields, row, skip=1)
            )
        for (g, _b), row, pk in zip(board_of, boards.rows, boards.write(), strict=True):
            created[id(g)].setdefault("board_recommendations", []).append(
                _values(pk, boards.fields, row, skip=1)
            )

        cases = _Table(
            Case,
            (
                "number",
                "person",
                "office",
                "status",
                "stage_changed_at",
                "referral_date",
                "referral_reference",
                "referral_source",
                "referred_by",
                "injury",
                "pre_injury_employment",
                "eligible",
                "version",
                "person_sex",
                "referral_age",
                "person_name",
            ),
        )
        for g, number in zip(goods, numbers, strict=True):
            g.facts, g.decision = decide(g)
            g.number = number
            g.status = Status.ELIGIBLE if g.decision.eligible else Status.NOT_ELIGIBLE
            cases.add(
                number,
                g.person_id,
                g.office.pk,
                g.status,
                self.now,
                g.referral.referral_date,
                g.referral.referral_reference,
                Case.Source.IMPORT,
                g.referral.referred_by.strip(),
                getattr(g, "injury_id", None),
                getattr(g, "job_id", None),
                g.decision.eligible,
                # Created (1), then moved by the eligibility decision (2), as
                # referral_create leaves a case.
                2,
                # The reports' copies (Case.person_sex, Case.referral_age).
                g.person.sex if g.person is not None else g.person_data.sex,
                g.decision.age,
                # The search's copy (Case.person_name): the name as just written.
                (g.person or g.person_data).full_name,
            )
        case_ids = cases.write()

        decisions = _Table(
            EligibilityDecision,
            ("case", "eligible", "age", "matched_rules", "rules", "facts", "decided_at"),
        )
        transitions = _Table(
            Transition, ("case", "from_status", "to_status", "actor", "at", "reason"), ids=False
        )
        for g, case_id in zip(goods, case_ids, strict=True):
            decision: Decision = g.decision
            matched, rules, reason = self._decision_json(decision)
            decisions.add(
                case_id,
                decision.eligible,
                decision.age,
                matched,
                rules,
                {
                    k: (v.isoformat() if isinstance(v, dt.date) else v)
                    for k, v in vars(g.facts).items()  # asdict deep-copies: 10 % of the time
                },
                self.now,
            )
            transitions.add(case_id, Status.REFERRED, g.status, self.actor_id, self.now, reason)
        decision_ids = decisions.write()
        transitions.write()
        case_fields = {name: i for i, name in enumerate(cases.fields)}
        for g, row, case_id, decision_id in zip(
            goods, cases.rows, case_ids, decision_ids, strict=True
        ):
            changes = {
                name: [None, _plain(row[case_fields[name]])]
                for name in (
                    "number",
                    "office",
                    "referral_date",
                    "referral_reference",
                    "referral_source",
                    "referred_by",
                    "eligible",
                )
            }
            changes["status"] = [Status.REFERRED.value, str(g.status)]
            for name, value in created[id(g)].items():
                changes[name] = [None, value]
            changes["eligibility"] = [
                None,
                {
                    "id": decision_id,
                    "eligible": g.decision.eligible,
                    "matched_rules": list(g.decision.matched_rules),
                },
            ]
            self.audit(
                Case,
                case_id,
                g.number,
                g.office.pk,
                reason=self._decision_json(g.decision)[2],
                changes=changes,
                case_id=case_id,
            )
        return [(g.number, g.status) for g in goods]

    def _decision_json(self, decision: Decision) -> tuple:
        """The decision's rules as stored, and its reason, made once per distinct
        decision (the import shares decisions between rows with the same facts; the
        reason is rendered anew, translated, at every reading of decision.reason)."""
        found = self.decision_json.get(id(decision))
        if found is None or found[0] is not decision:
            matched = list(decision.matched_rules)
            rules = [
                {
                    "rule": r.rule,
                    "matched": r.matched,
                    "code": r.code,
                    "params": r.params,
                    "reason": r.reason,
                }
                for r in decision.rules
            ]
            if connection.vendor == "sqlite":
                matched, rules = _JsonText(_json_text(matched)), _JsonText(_json_text(rules))
            found = self.decision_json[id(decision)] = (decision, matched, rules, decision.reason)
        return found[1], found[2], found[3]

    def write_audits(self) -> None:
        table = _Table(
            AuditEvent,
            (
                "actor",
                "office",
                "action",
                "object_type",
                "object_id",
                "object_repr",
                "changes",
                "reason",
                "case_id",
            ),
            ids=False,
        )
        table.rows = self.audits
        table.write()
        self.audits = []
