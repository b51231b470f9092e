"""Writing insured persons and the facts about them. One person per NRIC."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db import IntegrityError, transaction

from kembali.audit.services import audit_record, diff_fields
from kembali.people.models import (
    BenefitStatus,
    BoardRecommendation,
    Employment,
    Injury,
    InsuredPerson,
)

# Fields a new referral may bring up to date on an existing person. An empty value
# never erases what is on file. Identity (NRIC, date of birth, sex) never changes here.
UPDATABLE_FIELDS = (
    "full_name",
    "socso_number",
    "phone",
    "email",
    "address",
    "postcode",
    "district",
    "state_id",
    "preferred_language",
    "dependants",
)


@dataclass(frozen=True)
class PersonData:
    """A person as a referral describes them; nric is 12 digits, date of birth and sex
    come from it."""

    nric: str
    full_name: str
    date_of_birth: dt.date
    sex: str
    state_id: str
    socso_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    postcode: str = ""
    district: str = ""
    preferred_language: str = "ms"
    dependants: int | None = None


@transaction.atomic
def person_find_or_create(*, actor, data: PersonData, office=None) -> tuple[InsuredPerson, bool]:
    """The person with this NRIC, locked for the rest of the transaction, with their
    details brought up to date; or a new one. Returns (person, created)."""
    person = InsuredPerson.objects.select_for_update().filter(nric=data.nric).first()
    if person is None:
        values = {f: getattr(data, f) for f in UPDATABLE_FIELDS}
        if values["dependants"] is None:
            values["dependants"] = 0
        try:
            with transaction.atomic():
                person = InsuredPerson.objects.create(
                    nric=data.nric, date_of_birth=data.date_of_birth, sex=data.sex, **values
                )
        except IntegrityError:
            # Someone registered the same NRIC a moment ago: use theirs.
            person = InsuredPerson.objects.select_for_update().get(nric=data.nric)
        else:
            audit_record(actor=actor, action="create", obj=person, office=office)
            return person, True
    person_update_details(actor=actor, person=person, data=data, office=office)
    return person, False


@transaction.atomic  # the person, their cases' copies of the name and the audit, together
def person_update_details(*, actor, person: InsuredPerson, data: PersonData, office=None) -> dict:
    """Bring contact details up to date; audited with the old and new values."""
    old = {f: getattr(person, f) for f in UPDATABLE_FIELDS}
    new = {}
    for field in UPDATABLE_FIELDS:
        value = getattr(data, field)
        if value is None or value == "":
            continue
        new[field] = value
    changes = diff_fields(old, new)
    if changes:
        for field in changes:
            setattr(person, field, new[field])
        person.save(update_fields=[*changes.keys(), "updated_at"])
        if "full_name" in changes:
            person_name_copies_sync(person)
        audit_record(actor=actor, action="update", obj=person, changes=changes, office=office)
    return changes


def person_name_copies_sync(person: InsuredPerson) -> int:
    """Write the person's full name into the copies their cases keep for the case
    lists' search (Case.person_name); how many cases it changed. Called wherever
    the name changes, inside that change's transaction."""
    cases = apps.get_model("cases", "Case").objects.filter(person_id=person.pk)
    return cases.exclude(person_name=person.full_name).update(person_name=person.full_name)


@transaction.atomic
def injury_create(
    *,
    actor,
    person: InsuredPerson,
    date: dt.date,
    kind: str,
    work_related: bool,
    description: str,
    body_part: str = "",
    icd10: str = "",
    office=None,
) -> Injury:
    injury = Injury.objects.create(
        person=person,
        date=date,
        kind=kind,
        work_related=work_related,
        description=description,
        body_part=body_part,
        icd10=icd10.upper(),
    )
    audit_record(actor=actor, action="create", obj=injury, office=office)
    return injury


@transaction.atomic
def employment_create(
    *,
    actor,
    person: InsuredPerson,
    employer_name: str,
    isco_unit_id: str,
    job_title: str,
    monthly_wage: Decimal,
    start_date: dt.date,
    end_date: dt.date | None = None,
    employer=None,
    office=None,
) -> Employment:
    employment = Employment.objects.create(
        person=person,
        employer=employer,
        employer_name=employer_name,
        isco_unit_id=isco_unit_id,
        job_title=job_title,
        monthly_wage=monthly_wage,
        start_date=start_date,
        end_date=end_date,
    )
    audit_record(actor=actor, action="create", obj=employment, office=office)
    return employment


@transaction.atomic
def benefit_record(
    *,
    actor,
    person: InsuredPerson,
    kind: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    office=None,
) -> BenefitStatus:
    """Record a benefit status; the same kind from the same date is recorded once."""
    benefit, created = BenefitStatus.objects.get_or_create(
        person=person, kind=kind, start_date=start_date, defaults={"end_date": end_date}
    )
    if created:
        audit_record(actor=actor, action="create", obj=benefit, office=office)
    elif end_date is not None and benefit.end_date != end_date:
        changes = {"end_date": [benefit.end_date, end_date]}
        benefit.end_date = end_date
        benefit.save(update_fields=["end_date"])
        audit_record(actor=actor, action="update", obj=benefit, changes=changes, office=office)
    return benefit


@transaction.atomic
def board_recommendation_record(
    *,
    actor,
    person: InsuredPerson,
    board: str,
    date: dt.date,
    recommended_rehabilitation: bool,
    office=None,
) -> BoardRecommendation:
    """Record a medical board's recommendation; one per board and date."""
    rec, created = BoardRecommendation.objects.get_or_create(
        person=person,
        board=board,
        date=date,
        defaults={"recommended_rehabilitation": recommended_rehabilitation},
    )
    if created:
        audit_record(actor=actor, action="create", obj=rec, office=office)
    elif rec.recommended_rehabilitation != recommended_rehabilitation:
        changes = {
            "recommended_rehabilitation": [
                rec.recommended_rehabilitation,
                recommended_rehabilitation,
            ]
        }
        rec.recommended_rehabilitation = recommended_rehabilitation
        rec.save(update_fields=["recommended_rehabilitation"])
        audit_record(actor=actor, action="update", obj=rec, changes=changes, office=office)
    return rec
