"""Writing cases: referral intake, the eligibility override and assignment.

The HTML form, the API and the CSV import all build a ReferralInput and call
referral_create, so the three ways in cannot drift apart."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kembali.accounts.models import Role
from kembali.audit.services import audit_record
from kembali.cases.eligibility import EligibilityFacts, decide_eligibility
from kembali.cases.models import (
    OPEN_STATUSES,
    Assignment,
    Case,
    CaseSequence,
    EligibilityDecision,
    Status,
)
from kembali.cases.reasons import SystemReason
from kembali.cases.workflow import (
    TransitionForbidden,
    TransitionNotAllowed,
    WorkflowError,
    case_lock,
    case_touch,
    transition_locked,
)
from kembali.employers.models import Employer
from kembali.people import selectors as people_selectors
from kembali.people.models import BenefitStatus, Injury, InsuredPerson, Sex
from kembali.people.nric import NricError, parse_nric
from kembali.people.services import (
    PersonData,
    benefit_record,
    board_recommendation_record,
    employment_create,
    injury_create,
    person_find_or_create,
)
from kembali.reference.models import IscoGroup, State

# ---------------------------------------------------------------------------
# The referral's input, shared by the form, the API and the CSV import.


@dataclass(frozen=True)
class PersonInput:
    nric: str  # with or without dashes
    full_name: str
    state_code: str  # reference.State code, "01".."16"
    date_of_birth: dt.date | None = None  # optional: checked against the NRIC
    sex: str = ""  # optional ("M"/"F"): checked against the NRIC
    socso_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    postcode: str = ""
    district: str = ""
    preferred_language: str = "ms"
    dependants: int | None = None


@dataclass(frozen=True)
class InjuryInput:
    date: dt.date
    kind: str  # Injury.Kind
    work_related: bool
    description: str
    body_part: str = ""
    icd10: str = ""


@dataclass(frozen=True)
class BenefitInput:
    kind: str  # BenefitStatus.Kind
    start_date: dt.date
    end_date: dt.date | None = None


@dataclass(frozen=True)
class BoardRecommendationInput:
    board: str  # BoardRecommendation.Board
    date: dt.date
    recommended_rehabilitation: bool


@dataclass(frozen=True)
class EmploymentInput:
    employer_name: str
    isco_code: str  # a 4-digit ISCO-08 unit group
    job_title: str
    monthly_wage: Decimal
    start_date: dt.date
    end_date: dt.date | None = None
    employer_code: str = ""  # SOCSO employer code, when the employer is on file


@dataclass(frozen=True)
class ReferralInput:
    person: PersonInput
    referral_date: dt.date
    source: str = Case.Source.FORM
    is_contributor: bool = True
    referral_reference: str | None = None  # the referrer's own id: makes intake idempotent
    referred_by: str = ""
    injury: InjuryInput | None = None
    employment: EmploymentInput | None = None
    benefits: tuple[BenefitInput, ...] = field(default_factory=tuple)
    board_recommendations: tuple[BoardRecommendationInput, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ReferralOutcome:
    case: Case
    created: bool  # False: the reference was seen before and its case is returned


class ReferralError(Exception):
    """A referral refused. `errors` maps a field path ("person.nric", "injury.date",
    "referral_reference"; "" for the whole referral) to messages."""

    code = "invalid"
    status_code = 422

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        self.detail = "; ".join(m for msgs in errors.values() for m in msgs)
        super().__init__(self.detail)


class DuplicateOpenCase(ReferralError):
    code = "duplicate_open_case"
    status_code = 409

    def __init__(self, case_number: str):
        self.case_number = case_number
        super().__init__(
            {
                "person.nric": [
                    _("This person already has an open case, %(number)s; add to that case instead.")
                    % {"number": case_number}
                ]
            }
        )


def _may_refer(actor, office) -> bool:
    if not (actor and actor.is_authenticated and actor.is_active):
        return False
    if actor.role == Role.NATIONAL_ADMIN:
        return True
    return actor.role in (Role.CASE_MANAGER, Role.SUPERVISOR) and actor.office_id == office.pk


def may_create_referral(actor) -> bool:
    """Whether the user may create referrals at all (for menus and the form)."""
    return bool(
        actor
        and actor.is_authenticated
        and actor.is_active
        and (
            actor.role == Role.NATIONAL_ADMIN
            or (actor.role in (Role.CASE_MANAGER, Role.SUPERVISOR) and actor.office_id)
        )
    )


@dataclass(frozen=True)
class ReferenceCodes:
    """Reference codes loaded once, so a bulk import runs the same checks on thousands
    of referrals without three queries per row. None (the default) asks the database."""

    states: frozenset[str]
    isco_units: frozenset[str]
    employer_codes: frozenset[str]


def referral_input_check(
    referral: ReferralInput, *, today: dt.date, codes: ReferenceCodes | None = None
) -> tuple[PersonData | None, dict[str, list[str]]]:
    """The checks referral_create runs before it writes anything: (the person's data,
    errors by field path). For the CSV import, which must not validate differently."""
    return _check_input(referral, today, codes=codes)


def _check_input(
    data: ReferralInput, today: dt.date, codes: ReferenceCodes | None = None
) -> tuple[PersonData, dict[str, list[str]]]:
    """Validate what the database cannot: the NRIC and what it implies."""
    errors: dict[str, list[str]] = {}
    p = data.person

    def add(path: str, message: str) -> None:
        errors.setdefault(path, []).append(message)

    person_data = None
    try:
        nric = parse_nric(p.nric, today=today)
    except NricError as exc:
        add("person.nric", _("Enter a valid NRIC: %(reason)s") % {"reason": exc.message})
        nric = None
    if nric is not None:
        if p.date_of_birth is not None and p.date_of_birth != nric.date_of_birth:
            add(
                "person.date_of_birth",
                _("The date of birth does not match the NRIC, which gives %(date)s.")
                % {"date": nric.date_of_birth.isoformat()},
            )
        if p.sex and p.sex != nric.sex:
            add(
                "person.sex",
                _("The sex does not match the NRIC, whose last digit says %(sex)s.")
                % {"sex": Sex(nric.sex).label},
            )
        if data.referral_date < nric.date_of_birth:
            add("referral_date", _("The referral date is before the person's date of birth."))
        person_data = PersonData(
            nric=nric.digits,
            full_name=p.full_name.strip(),
            date_of_birth=nric.date_of_birth,
            sex=nric.sex,
            state_id=p.state_code,
            socso_number=p.socso_number.strip(),
            phone=p.phone.strip(),
            email=p.email.strip(),
            address=p.address.strip(),
            postcode=p.postcode.strip(),
            district=p.district.strip(),
            preferred_language=p.preferred_language,
            dependants=p.dependants,
        )
    if not p.full_name.strip():
        add("person.full_name", _("Enter the person's full name."))
    if not (
        p.state_code in codes.states
        if codes is not None
        else State.objects.filter(code=p.state_code).exists()
    ):
        add("person.state_code", _("Choose the state the person lives in."))
    if data.referral_date > today:
        add("referral_date", _("The referral date cannot be in the future."))
    if data.injury is not None and data.injury.date > data.referral_date:
        add("injury.date", _("The injury or disease must date from before the referral."))
    if data.employment is not None:
        e = data.employment
        if not (
            e.isco_code in codes.isco_units
            if codes is not None
            else IscoGroup.objects.filter(code=e.isco_code, level=IscoGroup.Level.UNIT).exists()
        ):
            add("employment.isco_code", _("Enter a 4-digit ISCO-08 unit group code."))
        if e.employer_code and not (
            e.employer_code in codes.employer_codes
            if codes is not None
            else Employer.objects.filter(employer_code=e.employer_code).exists()
        ):
            add("employment.employer_code", _("No employer on file has this SOCSO employer code."))
        if e.end_date is not None and e.end_date < e.start_date:
            add("employment.end_date", _("The end date must be after the start date."))
    return person_data, errors  # type: ignore[return-value]


@transaction.atomic
def referral_create(*, actor, office, referral: ReferralInput) -> ReferralOutcome:
    """Take in a referral: find or create the person, open a case with the next number,
    record what the referral says, decide eligibility on the referral date and move
    the case to eligible or not eligible. All or nothing; audited.

    Raises PermissionDenied, ReferralError (with per-field messages) or
    DuplicateOpenCase (with the open case's number)."""
    if not _may_refer(actor, office):
        raise PermissionDenied(_("You may not create referrals for this office."))
    reference = (referral.referral_reference or "").strip() or None
    today = timezone.localdate()
    person_data, errors = _check_input(referral, today)

    if reference is not None:
        existing = (
            Case.objects.select_related("person").filter(referral_reference=reference).first()
        )
        if existing is not None:
            if person_data is not None and existing.person.nric != person_data.nric:
                raise ReferralError(
                    {
                        "referral_reference": [
                            _(
                                "This referral reference was already used for another person "
                                "(case %(number)s)."
                            )
                            % {"number": existing.number}
                        ]
                    }
                )
            return ReferralOutcome(case=existing, created=False)
    if errors:
        raise ReferralError(errors)

    person, _created = person_find_or_create(actor=actor, data=person_data, office=office)
    open_case = (
        Case.objects.filter(person=person, status__in=OPEN_STATUSES)
        .values_list("number", flat=True)
        .first()
    )
    if open_case:
        raise DuplicateOpenCase(open_case)

    injury = None
    if referral.injury is not None:
        injury = injury_create(actor=actor, person=person, office=office, **asdict(referral.injury))
    employment = None
    if referral.employment is not None:
        e = referral.employment
        employer = (
            Employer.objects.filter(employer_code=e.employer_code).first()
            if e.employer_code
            else None
        )
        employment = employment_create(
            actor=actor,
            person=person,
            office=office,
            employer=employer,
            employer_name=e.employer_name,
            isco_unit_id=e.isco_code,
            job_title=e.job_title,
            monthly_wage=e.monthly_wage,
            start_date=e.start_date,
            end_date=e.end_date,
        )
    for benefit in referral.benefits:
        benefit_record(actor=actor, person=person, office=office, **asdict(benefit))
    for rec in referral.board_recommendations:
        board_recommendation_record(actor=actor, person=person, office=office, **asdict(rec))

    now = timezone.now()
    try:
        with transaction.atomic():
            case = Case.objects.create(
                number=_next_case_number(referral.referral_date.year),
                person=person,
                office=office,
                status=Status.REFERRED,
                stage_changed_at=now,
                referral_date=referral.referral_date,
                referral_reference=reference,
                referral_source=referral.source,
                referred_by=referral.referred_by.strip(),
                injury=injury,
                pre_injury_employment=employment,
                person_sex=person.sex,
                person_name=person.full_name,
            )
    except IntegrityError:
        # The same reference arrived twice at once: the first one won; answer as if
        # this were the repeat it is.
        existing = Case.objects.filter(referral_reference=reference).first() if reference else None
        if existing is None:
            raise
        # Undo this attempt's person, injury and benefit rows: the first one has them.
        transaction.set_rollback(True)
        return ReferralOutcome(case=existing, created=False)
    audit_record(actor=actor, action="create", obj=case, office=office)
    _decide_eligibility(case=case, actor=actor, referral=referral, injury=injury)
    return ReferralOutcome(case=case, created=True)


def _next_case_number(year: int) -> str:
    """RTW-<year>-<7 digits>, from a per-year counter locked for the transaction."""
    CaseSequence.objects.get_or_create(year=year)
    sequence = CaseSequence.objects.select_for_update().get(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"RTW-{year}-{sequence.last:07d}"


def eligibility_facts(
    *,
    person: InsuredPerson,
    referral_date: dt.date,
    is_contributor: bool,
    injury: Injury | None,
) -> EligibilityFacts:
    """The facts eligibility is decided on, as they stood on the referral date."""
    benefits = people_selectors.benefits_in_force(person=person, on=referral_date)
    return EligibilityFacts(
        date_of_birth=person.date_of_birth,
        referral_date=referral_date,
        is_contributor=is_contributor,
        work_related_injury=bool(injury and injury.work_related),
        receiving_tdb=BenefitStatus.Kind.TDB_RECEIVING in benefits,
        applying_pdb=BenefitStatus.Kind.PDB_APPLYING in benefits,
        applying_invalidity_pension=BenefitStatus.Kind.INVALIDITY_APPLYING in benefits,
        certified_invalid=BenefitStatus.Kind.CERTIFIED_INVALID in benefits,
        recommended_by_board=people_selectors.recommended_by_board(person=person, on=referral_date),
    )


def _decide_eligibility(*, case: Case, actor, referral: ReferralInput, injury) -> None:
    facts = eligibility_facts(
        person=case.person,
        referral_date=case.referral_date,
        is_contributor=referral.is_contributor,
        injury=injury,
    )
    decision = decide_eligibility(facts)
    record = EligibilityDecision.objects.create(
        case=case,
        eligible=decision.eligible,
        age=decision.age,
        matched_rules=list(decision.matched_rules),
        rules=[
            {
                "rule": r.rule,
                "matched": r.matched,
                "code": r.code,
                "params": r.params,
                "reason": r.reason,
            }
            for r in decision.rules
        ],
        facts={
            k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in asdict(facts).items()
        },
        decided_at=timezone.now(),
        decided_by=None,
    )
    audit_record(
        actor=actor, action="create", obj=record, office=case.office, reason=decision.reason
    )
    case.eligible = decision.eligible
    case.referral_age = decision.age
    case.save(update_fields=["eligible", "referral_age", "updated_at"])
    transition_locked(
        case=case,
        to=Status.ELIGIBLE if decision.eligible else Status.NOT_ELIGIBLE,
        actor=actor,
        reason=SystemReason(
            "eligibility", {"code": decision.code, "rules": list(decision.matched_rules)}
        ),
    )


# ---------------------------------------------------------------------------
# Eligibility override


@transaction.atomic
def eligibility_override(
    *, case: Case, actor, reason: str, expected_version: int | None = None
) -> Case:
    """A supervisor overrides a negative eligibility decision with a written reason;
    the case becomes eligible."""
    reason = (reason or "").strip()
    locked = case_lock(case=case, expected_version=expected_version)
    if not _is_oversight(actor, locked):
        raise TransitionForbidden(
            _("Only a supervisor of the case's office may override an eligibility decision.")
        )
    if not reason:
        raise WorkflowError(_("Give the reason for overriding the decision."))
    decision = EligibilityDecision.objects.select_for_update().filter(case=locked).first()
    if decision is None or decision.eligible or decision.is_overridden:
        raise TransitionNotAllowed(_("Only a negative eligibility decision can be overridden."))
    other_open = (
        Case.objects.filter(person_id=locked.person_id, status__in=OPEN_STATUSES)
        .exclude(pk=locked.pk)
        .values_list("number", flat=True)
        .first()
    )
    if other_open:
        raise TransitionNotAllowed(
            _("The person has another open case, %(number)s; this one cannot be reopened.")
            % {"number": other_open}
        )
    now = timezone.now()
    decision.overridden_by = actor
    decision.overridden_at = now
    decision.override_reason = reason
    decision.save(update_fields=["overridden_by", "overridden_at", "override_reason"])
    audit_record(
        actor=actor,
        action="override",
        obj=decision,
        office=locked.office,
        reason=reason,
        changes={"eligible": [False, True]},
    )
    locked.eligible = True
    locked.save(update_fields=["eligible", "updated_at"])
    transition_locked(case=locked, to=Status.ELIGIBLE, actor=actor, reason=reason)
    return locked


def _is_oversight(actor, case: Case) -> bool:
    if not (actor and actor.is_authenticated and actor.is_active):
        return False
    if actor.role == Role.NATIONAL_ADMIN:
        return True
    return actor.role == Role.SUPERVISOR and actor.office_id == case.office_id


# ---------------------------------------------------------------------------
# Assignment


@transaction.atomic
def case_assign(
    *,
    case: Case,
    case_manager,
    actor,
    reason: str = "",
    expected_version: int | None = None,
) -> Case:
    """Assign (or reassign) the case manager. The first assignment moves an eligible
    case to assigned; a reassignment closes the previous assignment and keeps it."""
    reason = (reason or "").strip()
    locked = case_lock(case=case, expected_version=expected_version)
    if not _is_oversight(actor, locked):
        raise TransitionForbidden(
            _("Only a supervisor of the case's office may assign its case manager.")
        )
    if not (
        case_manager.is_active
        and case_manager.role == Role.CASE_MANAGER
        and case_manager.office_id == locked.office_id
    ):
        raise WorkflowError(
            _("%(name)s is not an active case manager of the case's office.")
            % {"name": case_manager.display_name}
        )
    if locked.status not in OPEN_STATUSES or locked.status == Status.REFERRED:
        raise TransitionNotAllowed(
            _("A case in “%(status)s” cannot be assigned.")
            % {"status": locked.get_status_display()}
        )
    if locked.case_manager_id == case_manager.pk:
        raise WorkflowError(
            _("%(name)s is already the case manager.") % {"name": case_manager.display_name}
        )

    now = timezone.now()
    previous = locked.case_manager
    Assignment.objects.filter(
        case=locked, role=Assignment.Role.CASE_MANAGER, unassigned_at__isnull=True
    ).update(unassigned_at=now)
    Assignment.objects.create(
        case=locked,
        role=Assignment.Role.CASE_MANAGER,
        user=case_manager,
        assigned_by=actor,
        assigned_at=now,
        reason=reason,
    )
    locked.case_manager = case_manager
    locked.save(update_fields=["case_manager", "updated_at"])
    audit_record(
        actor=actor,
        action="assign",
        obj=locked,
        office=locked.office,
        reason=reason,
        changes={"case_manager": [previous, case_manager]},
    )
    if locked.status == Status.ELIGIBLE:
        transition_locked(case=locked, to=Status.ASSIGNED, actor=actor, reason=reason)
    else:
        case_touch(case=locked)
    return locked
