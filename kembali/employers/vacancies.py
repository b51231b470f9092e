"""Vacancies: the one check and the writes behind the form, the API and the CSV import.

``vacancy_input_errors`` is the only place the rules of a vacancy live; the form,
the API and the import all turn their input into a ``VacancyInput`` and call it,
so they refuse the same things with the same words. Writes bump the vacancy index
version (kembali.employers.freshness) through the model's save signal."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kembali.audit.services import audit_record, diff_fields
from kembali.employers.models import (
    DEMAND_FIELDS,
    DemandLevel,
    Employer,
    StrengthLevel,
    Vacancy,
)
from kembali.reference.models import IscoGroup, State

MAX_LIFT_KG = 100
MAX_HOURS_PER_WEEK = 84
MAX_WAGE = Decimal("9999999.99")
# Peninsular Malaysia, Sabah, Sarawak and Labuan with a margin: a point outside is a typo.
LATITUDE_RANGE = (0.5, 7.8)
LONGITUDE_RANGE = (99.0, 120.0)
LEVEL_FIELDS = tuple(f for f in DEMAND_FIELDS if f != "strength_level")


@dataclass
class VacancyInput:
    """A vacancy as plain values, whatever it came from. Codes, not objects:
    the ISCO-08 unit group code and the 2-digit state code."""

    employer_id: int | None
    isco_code: str
    title: str
    state_code: str
    monthly_wage: Decimal | None
    opened_on: dt.date | None
    closes_on: dt.date | None = None
    reference: str | None = None
    description: str = ""
    district: str = ""
    latitude: float | None = None
    longitude: float | None = None
    hours_per_week: int = 45
    shift_work: bool = False
    strength_level: int = StrengthLevel.LIGHT
    max_lift_kg: int = 0
    standing_walking: int = DemandLevel.LOW
    sitting: int = DemandLevel.LOW
    fine_hand_use: int = DemandLevel.LOW
    vision: int = DemandLevel.LOW
    hearing: int = DemandLevel.LOW
    speech: int = DemandLevel.LOW
    driving: int = DemandLevel.NONE
    cognitive_load: int = DemandLevel.LOW
    wheelchair_access: bool = False
    accessible_toilet: bool = False
    flexible_hours: bool = False
    remote_work: bool = False
    assistive_technology: bool = False
    openings: int = 1
    status: str = Vacancy.Status.OPEN

    @classmethod
    def from_vacancy(cls, vacancy: Vacancy) -> VacancyInput:
        values = {
            f.name: getattr(vacancy, f.name)
            for f in dataclasses.fields(cls)
            if f.name not in ("employer_id", "isco_code", "state_code")
        }
        return cls(
            employer_id=vacancy.employer_id,
            isco_code=vacancy.isco_unit_id,
            state_code=vacancy.state_id,
            **values,
        )

    def model_values(self) -> dict[str, Any]:
        """The values as Vacancy fields (foreign keys by id)."""
        values = dataclasses.asdict(self)
        values["isco_unit_id"] = values.pop("isco_code")
        values["state_id"] = values.pop("state_code")
        values["reference"] = values["reference"] or None
        if values["monthly_wage"] is not None:
            # As the database keeps it, so an unchanged wage is not a change.
            values["monthly_wage"] = Decimal(values["monthly_wage"]).quantize(Decimal("0.01"))
        values["title"] = (values["title"] or "").strip()
        return values


INPUT_FIELDS = tuple(f.name for f in dataclasses.fields(VacancyInput))


class ReferenceSets:
    """The valid state codes and ISCO-08 unit groups, read once (an import checks
    thousands of rows against them)."""

    @cached_property
    def states(self) -> frozenset[str]:
        return frozenset(State.objects.values_list("code", flat=True))

    @cached_property
    def units(self) -> frozenset[str]:
        return frozenset(
            IscoGroup.objects.filter(level=IscoGroup.Level.UNIT).values_list("code", flat=True)
        )


def vacancy_input_errors(
    data: VacancyInput, refs: ReferenceSets | None = None
) -> list[tuple[str, str]]:
    """Every rule the vacancy breaks, as (input field, message); empty when valid."""
    refs = refs or ReferenceSets()
    errors: list[tuple[str, str]] = []

    def bad(name: str, message: str) -> None:
        errors.append((name, message))

    if data.employer_id is None:
        bad("employer_id", _("Choose the employer."))
    title = (data.title or "").strip()
    if not title:
        bad("title", _("Enter the job title."))
    elif len(title) > 150:
        bad("title", _("The job title can be at most 150 characters."))
    if data.reference is not None and len(data.reference) > 40:
        bad("reference", _("The reference can be at most 40 characters."))
    if not data.isco_code:
        bad("isco_code", _("Enter the occupation's ISCO-08 unit group code."))
    elif data.isco_code not in refs.units:
        bad(
            "isco_code",
            _(
                "%(code)s is not an ISCO-08 unit group: enter the 4-digit code of the "
                "occupation, like 4110 for general office clerks."
            )
            % {"code": data.isco_code},
        )
    if data.state_code not in refs.states:
        bad("state_code", _("Choose the state where the job is, 01 Johor to 16 Putrajaya."))
    if data.monthly_wage is None:
        bad("monthly_wage", _("Enter the monthly wage in RM."))
    elif data.monthly_wage <= 0:
        bad("monthly_wage", _("The monthly wage must be more than RM 0."))
    elif data.monthly_wage > MAX_WAGE:
        bad("monthly_wage", _("The monthly wage is too large: enter it in RM per month."))
    if not 1 <= data.hours_per_week <= MAX_HOURS_PER_WEEK:
        bad(
            "hours_per_week",
            _("Hours per week must be between 1 and %(max)s.") % {"max": MAX_HOURS_PER_WEEK},
        )
    if data.strength_level not in StrengthLevel.values:
        bad("strength_level", _("Strength must be 1 (sedentary) to 5 (very heavy)."))
    if not 0 <= data.max_lift_kg <= MAX_LIFT_KG:
        bad(
            "max_lift_kg",
            _("The heaviest lift must be between 0 and %(max)s kg.") % {"max": MAX_LIFT_KG},
        )
    for name in LEVEL_FIELDS:
        if getattr(data, name) not in DemandLevel.values:
            bad(name, _("Choose a level from 0 (not needed) to 3 (high)."))
    if (data.latitude is None) != (data.longitude is None):
        bad("latitude", _("Enter both the latitude and the longitude, or neither."))
    elif data.latitude is not None:
        if not LATITUDE_RANGE[0] <= data.latitude <= LATITUDE_RANGE[1]:
            bad("latitude", _("The latitude is not in Malaysia (between 0.5 and 7.8)."))
        if not LONGITUDE_RANGE[0] <= data.longitude <= LONGITUDE_RANGE[1]:
            bad("longitude", _("The longitude is not in Malaysia (between 99 and 120)."))
    if data.openings < 1:
        bad("openings", _("There must be at least 1 opening."))
    if data.opened_on is None:
        bad("opened_on", _("Enter the date the vacancy opened."))
    elif data.closes_on is not None and data.closes_on <= data.opened_on:
        bad("closes_on", _("The closing date must be after the opening date."))
    if data.status not in Vacancy.Status.values:
        bad("status", _("The status must be open, filled or closed."))
    return errors


class VacancyInvalid(Exception):
    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("; ".join(m for _f, m in errors))
        self.errors = errors


class VacancyStale(Exception):
    """The vacancy changed since the caller read it."""

    def __init__(self, current_version: int):
        super().__init__(
            _(
                "Someone changed this vacancy after you opened it (it is now at version "
                "%(version)s): reload it, check their change, and make yours again."
            )
            % {"version": current_version}
        )
        self.current_version = current_version


def _check(data: VacancyInput, *, exclude_pk=None) -> None:
    errors = vacancy_input_errors(data)
    if data.employer_id is not None and not Employer.objects.filter(pk=data.employer_id).exists():
        errors.append(("employer_id", _("No employer has this id.")))
    if data.reference:
        taken = Vacancy.objects.filter(reference=data.reference)
        if exclude_pk is not None:
            taken = taken.exclude(pk=exclude_pk)
        if taken.exists():
            errors.append(
                (
                    "reference",
                    _("Another vacancy has the reference %(ref)s.") % {"ref": data.reference},
                )
            )
    if errors:
        raise VacancyInvalid(errors)


AUDITED = tuple(f for f in VacancyInput(None, "", "", "", None, None).model_values())


def _audit_values(vacancy: Vacancy) -> dict[str, Any]:
    return {name: getattr(vacancy, name) for name in AUDITED}


@transaction.atomic
def vacancy_create(*, actor, data: VacancyInput) -> Vacancy:
    _check(data)
    vacancy = Vacancy.objects.create(**data.model_values())
    audit_record(
        actor=actor,
        action="vacancy.create",
        obj=vacancy,
        changes=diff_fields({}, _audit_values(vacancy)),
    )
    return vacancy


@transaction.atomic
def vacancy_update(
    *, actor, vacancy: Vacancy, changes: dict[str, Any], expected_version: int | None
) -> Vacancy:
    """Change some fields (input names of VacancyInput). With expected_version, a
    vacancy changed since the caller read it is refused with VacancyStale."""
    vacancy = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
    if expected_version is not None and expected_version != vacancy.version:
        raise VacancyStale(vacancy.version)
    unknown = set(changes) - set(INPUT_FIELDS)
    if unknown:
        raise ValueError(f"not vacancy fields: {sorted(unknown)}")
    data = dataclasses.replace(VacancyInput.from_vacancy(vacancy), **changes)
    _check(data, exclude_pk=vacancy.pk)
    old = _audit_values(vacancy)
    for name, value in data.model_values().items():
        setattr(vacancy, name, value)
    diff = diff_fields(old, _audit_values(vacancy))
    if diff:
        vacancy.version += 1
        vacancy.save()
        audit_record(actor=actor, action="vacancy.update", obj=vacancy, changes=diff)
    return vacancy


@transaction.atomic
def vacancy_close(
    *,
    actor,
    vacancy: Vacancy,
    status: str = Vacancy.Status.CLOSED,
    expected_version: int | None = None,
) -> Vacancy:
    """Close a vacancy (filled or closed): matching stops offering it at once."""
    if status not in (Vacancy.Status.CLOSED, Vacancy.Status.FILLED):
        raise VacancyInvalid([("status", _("A vacancy is closed as filled or closed."))])
    return vacancy_update(
        actor=actor, vacancy=vacancy, changes={"status": status}, expected_version=expected_version
    )
