"""Turning drafts into rows: staff, employers, people and their cases, vacancies.

Everything is inserted with bulk_create in batches, one transaction per batch,
with no query per row, so a million cases fit in a few hundred megabytes of
memory. Three random streams derived from the seed (employers, cases,
vacancies) keep each part identical for a seed whatever the size of the others.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, fields

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kembali.accounts.models import Office, Role, User
from kembali.cases.eligibility import EligibilityFacts, decide_eligibility
from kembali.cases.models import (
    Assignment,
    Case,
    CaseSequence,
    EligibilityDecision,
    Status,
    Transition,
)
from kembali.core.generate import draw as drawing
from kembali.core.generate.jpess import JpessPass
from kembali.core.generate.names import community_for, full_name, split_name
from kembali.core.generate.places import STATE_WEIGHTS
from kembali.core.generate.rehab import RehabPass
from kembali.core.generate.rows import TableWriter, sequences_reset
from kembali.core.generate.vacancies import draw_vacancy
from kembali.employers.freshness import vacancies_changed
from kembali.employers.models import Employer, Vacancy
from kembali.people.models import (
    BenefitStatus,
    BoardRecommendation,
    Employment,
    Injury,
    InsuredPerson,
)
from kembali.reference.models import IscoGroup, State

EMPLOYER_CODE = re.compile(r"^E\d{9}$")
INJURY_KIND = {
    "industrial": Injury.Kind.INDUSTRIAL_ACCIDENT,
    "commuting": Injury.Kind.COMMUTING_ACCIDENT,
    "occupational_disease": Injury.Kind.OCCUPATIONAL_DISEASE,
    "illness": Injury.Kind.ILLNESS,
}
# Generated staff per office, by the cases an office can expect.
CASES_PER_CASE_MANAGER = 1500

Progress = Callable[[int, str], object]  # (total, description) -> object with update(n), close()


class GenerationError(Exception):
    pass


@dataclass
class GenerateResult:
    cases: int
    people: int
    employers: int
    vacancies: int
    seconds: float


@dataclass
class StaffPool:
    case_managers: list[int]
    placement_officers: list[int]
    supervisors: list[int]


def _noop_progress(total: int, description: str):
    class _Bar:
        def update(self, n: int = 1) -> None:
            pass

        def close(self) -> None:
            pass

    return _Bar()


# ---------------------------------------------------------------------------
# Staff


def staff_ensure(
    *, offices: list[Office], expected_cases: dict[int, float]
) -> dict[int, StaffPool]:
    """Create (if missing) case managers, placement officers and supervisors for
    each office, named cm.<office>.<n>, po.<office>.<n>, sup.<office>.<n>, and
    return every active staff member of those offices by role."""
    wanted: list[User] = []
    existing = set(User.objects.values_list("username", flat=True))
    for office in offices:
        cms = max(3, min(40, math.ceil(expected_cases.get(office.pk, 0) / CASES_PER_CASE_MANAGER)))
        # Names depend on the office only, so staff are the same whatever the seed.
        rng = random.Random(f"kembali-staff:{office.code}")
        plan = [
            ("cm", Role.CASE_MANAGER, cms),
            ("po", Role.PLACEMENT_OFFICER, max(2, cms // 3)),
            ("sup", Role.SUPERVISOR, max(1, cms // 10)),
        ]
        for prefix, role, count in plan:
            for n in range(1, count + 1):
                username = f"{prefix}.{office.code.lower()}.{n}"
                female = rng.random() < 0.55
                first, last = split_name(
                    full_name(community_for(office.state_id, rng), female, rng)
                )
                if username in existing:
                    continue
                user = User(
                    username=username,
                    first_name=first[:150],
                    last_name=last[:150],
                    role=role,
                    office=office,
                    email=f"{username}@kembali.example",
                    preferred_language="ms" if rng.random() < 0.5 else "en",
                )
                user.set_unusable_password()  # synthetic staff never log in
                wanted.append(user)
    User.objects.bulk_create(wanted, batch_size=1000)
    pools = {o.pk: StaffPool([], [], []) for o in offices}
    rows = User.objects.filter(office__in=offices, is_active=True).order_by("username")
    for user_id, office_id, role in rows.values_list("id", "office_id", "role"):
        pool = pools[office_id]
        if role == Role.CASE_MANAGER:
            pool.case_managers.append(user_id)
        elif role == Role.PLACEMENT_OFFICER:
            pool.placement_officers.append(user_id)
        elif role == Role.SUPERVISOR:
            pool.supervisors.append(user_id)
    return pools


# ---------------------------------------------------------------------------
# Reset


def generated_data_reset() -> None:
    """Delete the generated domain rows: cases (with what hangs on them), people,
    vacancies and employers. Reference data, offices, staff and the audit trail
    stay; so do the case number counters, so no number is ever given out twice."""
    from kembali.placement.models import FollowUp, SelfEmploymentPlan, VacancyReferral
    from kembali.plans.models import InterventionCostDay

    with transaction.atomic():
        # Rows that protect a case's outcome and measures from deletion go first.
        VacancyReferral.objects.all().delete()
        FollowUp.objects.all().delete()
        SelfEmploymentPlan.objects.all().delete()
        Case.objects.all().delete()
        InterventionCostDay.objects.all().delete()  # the sums of the deleted interventions
        InsuredPerson.objects.all().delete()
        Vacancy.objects.all().delete()
        Employer.objects.all().delete()


# ---------------------------------------------------------------------------
# The run


class Generator:
    def __init__(
        self,
        *,
        cases: int,
        seed: int,
        vacancies: int | None = None,
        today: dt.date | None = None,
        batch_size: int = 5000,
        progress: Progress | None = None,
    ):
        self.cases = cases
        self.seed = seed
        self.vacancies = cases * 2 // 10 if vacancies is None else vacancies
        self.today = today or timezone.localdate()
        self.batch_size = batch_size
        self.progress = progress or _noop_progress
        self.tz = timezone.get_current_timezone()

    # -- setup ----------------------------------------------------------------

    def _load_reference(self) -> None:
        states = set(State.objects.values_list("code", flat=True))
        if len(states) < 16 or not IscoGroup.objects.filter(level=4).exists():
            raise GenerationError("Reference data is missing: run `kembali migrate` first.")
        self.offices = list(
            Office.objects.filter(is_headquarters=False).select_related("state").order_by("code")
        )
        self.offices_by_state: dict[str, list[Office]] = defaultdict(list)
        for office in self.offices:
            self.offices_by_state[office.state_id].append(office)
        if not self.offices:
            raise GenerationError("No RTW office exists: run `kembali migrate` first.")
        covered = {s: w for s, w in STATE_WEIGHTS.items() if self.offices_by_state.get(s)}
        total = sum(covered.values())
        expected = {}
        for state, weight in covered.items():
            share = self.cases * weight / total / len(self.offices_by_state[state])
            for office in self.offices_by_state[state]:
                expected[office.pk] = share
        self.state_weights = covered
        self.staff = staff_ensure(offices=self.offices, expected_cases=expected)

    def _sequence_start(self) -> dict[int, int]:
        """The last case number used per year, from the counters and the cases."""
        last = dict(CaseSequence.objects.values_list("year", "last"))
        for year in range(self.today.year - 5, self.today.year + 1):
            top = Case.objects.filter(number__startswith=f"RTW-{year}-").aggregate(
                top=Max("number")
            )["top"]
            if top:
                last[year] = max(last.get(year, 0), int(top.rsplit("-", 1)[1]))
        return last

    # -- employers ------------------------------------------------------------

    def _employers(self) -> None:
        count = max(20, self.cases // 8, self.vacancies // 8)
        rng = random.Random(f"{self.seed}:employers")
        serial = 0
        for code in Employer.objects.values_list("employer_code", flat=True).iterator():
            if EMPLOYER_CODE.match(code):
                serial = max(serial, int(code[3:]))
        states = list(self.state_weights)
        cum = drawing._cumulative([self.state_weights[s] for s in states])
        pos_by_state = {
            s: [u for o in self.offices_by_state[s] for u in self.staff[o.pk].placement_officers]
            for s in states
        }
        writer = TableWriter(
            Employer,
            (
                "employer_code",
                "name",
                "industry",
                "size",
                "address",
                "district",
                "state",
                "latitude",
                "longitude",
                "funnel_status",
                "owner",
                "engaged_on",
                "informed_fiscal_benefits_on",
            ),
            with_ids=True,
        )
        self.employer_drafts: list[drawing.EmployerDraft] = []
        self.employer_ids: list[int] = []
        bar = self.progress(count, "employers")
        for start in range(0, count, self.batch_size):
            rows = []
            for _ in range(min(self.batch_size, count - start)):
                serial += 1
                state = rng.choices(states, cum_weights=cum)[0]
                d = drawing.draw_employer(rng, serial, state, self.today)
                owner = None
                if d.funnel != "prospect" and pos_by_state[state]:
                    owner = rng.choice(pos_by_state[state])
                pk = writer.allocate()
                self.employer_drafts.append(d)
                self.employer_ids.append(pk)
                rows.append(
                    (
                        pk,
                        d.code,
                        d.name,
                        drawing.work.INDUSTRIES[d.industry].name,
                        d.size,
                        d.address,
                        d.town.district,
                        state,
                        d.latitude,
                        d.longitude,
                        d.funnel,
                        owner,
                        d.engaged_on,
                        d.informed_on,
                    )
                )
            with transaction.atomic():
                writer.write(rows)
            bar.update(len(rows))
        bar.close()

    # -- cases ----------------------------------------------------------------

    def _writers(self) -> None:
        self.w_person = TableWriter(
            InsuredPerson,
            (
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
            ),
            with_ids=True,
        )
        self.w_job = TableWriter(
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
            with_ids=True,
        )
        self.w_injury = TableWriter(
            Injury,
            (
                "person",
                "date",
                "kind",
                "work_related",
                "description",
                "body_part",
                "icd10",
            ),
            with_ids=True,
        )
        self.w_benefit = TableWriter(BenefitStatus, ("person", "kind", "start_date", "end_date"))
        self.w_board = TableWriter(
            BoardRecommendation,
            (
                "person",
                "board",
                "date",
                "recommended_rehabilitation",
            ),
        )
        self.w_case = TableWriter(
            Case,
            (
                "number",
                "person",
                "office",
                "status",
                "stage_changed_at",
                "case_manager",
                "placement_officer",
                "referral_date",
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
                "version",
                "person_sex",
                "referral_age",
                "person_name",
                "plan_approved_on",
            ),
            with_ids=True,
        )
        self.w_transition = TableWriter(
            Transition,
            (
                "case",
                "from_status",
                "to_status",
                "actor",
                "at",
                "reason",
            ),
        )
        self.w_assignment = TableWriter(
            Assignment,
            (
                "case",
                "role",
                "user",
                "assigned_by",
                "assigned_at",
            ),
        )
        self.w_decision = TableWriter(
            EligibilityDecision,
            (
                "case",
                "eligible",
                "age",
                "matched_rules",
                "rules",
                "facts",
                "decided_at",
            ),
        )

    def _cases(self) -> None:
        rng = random.Random(f"{self.seed}:cases")
        used = set()
        if InsuredPerson.objects.exists():
            used = {
                int(n)
                for n in InsuredPerson.objects.values_list("nric", flat=True).iterator()
                if n.isdigit()
            }
        employers_per_state: dict[str, list[int]] = defaultdict(list)
        for index, draft in enumerate(self.employer_drafts):
            employers_per_state[draft.state].append(index)
        self.drawer = drawing.CaseDrawer(
            rng=rng,
            today=self.today,
            tz=self.tz,
            state_weights=self.state_weights,
            offices_per_state={s: len(o) for s, o in self.offices_by_state.items()},
            employers_per_state=employers_per_state,
            employers=[(d.name, d.industry) for d in self.employer_drafts],
            used_nrics=used,
        )
        self._writers()
        self.sequence = self._sequence_start()
        self.sequence_used: dict[int, int] = {}
        bar = self.progress(self.cases, "cases")
        for start in range(0, self.cases, self.batch_size):
            size = min(self.batch_size, self.cases - start)
            drafts = [self.drawer.draw() for _ in range(size)]
            with transaction.atomic():
                self._case_batch(drafts)
            bar.update(size)
        bar.close()
        with transaction.atomic():
            for year, last in sorted(self.sequence_used.items()):
                row, _ = CaseSequence.objects.select_for_update().get_or_create(year=year)
                if row.last < last:
                    row.last = last
                    row.save(update_fields=["last"])

    def _next_number(self, year: int) -> str:
        last = self.sequence.get(year, 0) + 1
        self.sequence[year] = last
        self.sequence_used[year] = last
        return f"RTW-{year}-{last:07d}"

    def _case_batch(self, drafts: list[drawing.CaseDraft]) -> None:
        rng = self.drawer.rng
        people, jobs, injuries, benefits, boards = [], [], [], [], []
        cases, transitions, assignments, decisions = [], [], [], []
        for d in drafts:
            person = self.w_person.allocate()
            people.append(
                (
                    person,
                    d.nric,
                    d.nric,
                    d.name,
                    d.dob,
                    d.sex,
                    d.phone,
                    d.email,
                    d.address,
                    d.postcode,
                    d.district,
                    d.state,
                    d.language,
                    d.dependants,
                )
            )
            first_job = None
            for j in d.jobs:
                job = self.w_job.allocate()
                first_job = first_job or job
                jobs.append(
                    (
                        job,
                        person,
                        self.employer_ids[j.employer],
                        j.employer_name,
                        j.isco,
                        j.title,
                        j.wage,
                        j.start,
                        j.end,
                    )
                )
            injury = self.w_injury.allocate()
            injuries.append(
                (
                    injury,
                    person,
                    d.injury_date,
                    INJURY_KIND[d.route],
                    d.route != "illness",
                    d.condition.description,
                    d.condition.body_part,
                    d.condition.icd10,
                )
            )
            benefits.extend((person, kind, s, e) for kind, s, e in d.benefits)
            boards.extend((person, b, on, yes) for b, on, yes in d.boards)

            office = self.offices_by_state[d.state][d.office]
            pool = self.staff[office.pk]
            supervisor = pool.supervisors[0] if pool.supervisors else None
            reached = {s.target for s in d.steps}
            cm = po = None
            if Status.ASSIGNED in reached and pool.case_managers:
                cm = rng.choice(pool.case_managers)
            if d.in_jpess and pool.placement_officers:
                po = rng.choice(pool.placement_officers)
            actors = {"system": None, "supervisor": supervisor, "cm": cm, "po": po}
            case = self.w_case.allocate()
            eligible = age = None
            if d.steps:
                facts = EligibilityFacts(
                    date_of_birth=d.dob,
                    referral_date=d.referral_date,
                    is_contributor=d.is_contributor,
                    work_related_injury=d.route != "illness",
                    receiving_tdb=_in_force(d.benefits, "tdb", d.referral_date),
                    applying_pdb=_in_force(d.benefits, "pdb", d.referral_date),
                    applying_invalidity_pension=_in_force(
                        d.benefits, "invalidity", d.referral_date
                    ),
                    certified_invalid=_in_force(d.benefits, "certified_invalid", d.referral_date),
                    recommended_by_board=_recommended(d.boards, d.referral_date),
                )
                decision = decide_eligibility(facts)
                if decision.eligible != d.expect_eligible:
                    raise GenerationError(f"Drew inconsistent eligibility facts for {d.nric}.")
                eligible, age = decision.eligible, decision.age
                # The first step's reason is the decision's, as the referral service writes it.
                d.steps[0].reason = decision.reason
                decisions.append(
                    (
                        case,
                        decision.eligible,
                        decision.age,
                        list(decision.matched_rules),
                        [
                            {
                                "rule": r.rule,
                                "matched": r.matched,
                                "code": r.code,
                                "params": r.params,
                                "reason": r.reason,
                            }
                            for r in decision.rules
                        ],
                        _facts_json(facts),
                        d.steps[0].at,
                    )
                )
            last_at = d.steps[-1].at if d.steps else d.referral_at
            # The rehabilitation pass approves version 1 of the plan of a case with a
            # case manager at its first move to "plan approved": the reports' copy.
            approved = next((s.at for s in d.steps if s.target == Status.PLAN_APPROVED), None)
            plan_approved_on = timezone.localdate(approved) if approved and cm else None
            ending = d.status in (Status.CLOSED, Status.CLOSURE_PENDING)
            cases.append(
                (
                    case,
                    self._next_number(d.referral_date.year),
                    person,
                    office.pk,
                    d.status,
                    last_at,
                    cm,
                    po,
                    d.referral_date,
                    d.source,
                    d.referred_by[:150],
                    injury,
                    first_job,
                    eligible,
                    d.in_jpess,
                    d.rtw_level,
                    d.rtw_date,
                    d.closure_reason if ending else "",
                    last_at if d.status == Status.CLOSED else None,
                    1 + len(d.steps),
                    d.sex,
                    age,
                    d.name,  # the search's copy (Case.person_name)
                    plan_approved_on,
                )
            )
            po_assigned = False
            for step in d.steps:
                transitions.append(
                    (
                        case,
                        step.source,
                        step.target,
                        actors[step.actor],
                        step.at,
                        step.reason,
                    )
                )
                if step.target == Status.ASSIGNED and cm:
                    assignments.append((case, "case_manager", cm, supervisor, step.at))
                if step.target == Status.JOB_PLACEMENT and po:
                    assignments.append((case, "placement_officer", po, supervisor, step.at))
                    po_assigned = True
            if po and not po_assigned:
                assignments.append((case, "placement_officer", po, supervisor, d.steps[-1].at))
        self.w_person.write(people)
        self.w_job.write(jobs)
        self.w_injury.write(injuries)
        self.w_benefit.write(benefits)
        self.w_board.write(boards)
        self.w_case.write(cases)
        self.w_transition.write(transitions)
        self.w_assignment.write(assignments)
        self.w_decision.write(decisions)

    # -- vacancies ------------------------------------------------------------

    def _vacancies(self) -> None:
        rng = random.Random(f"{self.seed}:vacancies")
        writer = TableWriter(
            Vacancy,
            (
                "employer",
                "isco_unit",
                "title",
                "state",
                "district",
                "latitude",
                "longitude",
                "monthly_wage",
                "hours_per_week",
                "shift_work",
                "strength_level",
                "max_lift_kg",
                "standing_walking",
                "sitting",
                "fine_hand_use",
                "vision",
                "hearing",
                "speech",
                "driving",
                "cognitive_load",
                "wheelchair_access",
                "accessible_toilet",
                "flexible_hours",
                "remote_work",
                "assistive_technology",
                "openings",
                "opened_on",
                "closes_on",
                "status",
            ),
        )
        # Hiring partners post most vacancies; prospects few.
        weights = drawing._cumulative(
            [
                {"hiring_partner": 6, "engaged": 3, "prospect": 1, "inactive": 0.2}[d.funnel]
                for d in self.employer_drafts
            ]
        )
        indexes = range(len(self.employer_drafts))
        bar = self.progress(self.vacancies, "vacancies")
        for start in range(0, self.vacancies, self.batch_size):
            size = min(self.batch_size, self.vacancies - start)
            rows = []
            for index in rng.choices(indexes, cum_weights=weights, k=size):
                v = draw_vacancy(rng, index, self.employer_drafts[index], self.today)
                rows.append(
                    (
                        self.employer_ids[index],
                        v.isco,
                        v.title,
                        v.state,
                        v.district,
                        v.latitude,
                        v.longitude,
                        v.wage,
                        v.hours,
                        v.shift_work,
                        v.strength,
                        v.max_lift,
                        *v.demands,
                        v.wheelchair,
                        v.toilet,
                        v.flexible,
                        v.remote,
                        v.assistive,
                        v.openings,
                        v.opened_on,
                        v.closes_on,
                        v.status,
                    )
                )
            with transaction.atomic():
                writer.write(rows)
            bar.update(size)
        bar.close()

    def run(self) -> GenerateResult:
        started = time.perf_counter()
        self._load_reference()
        self._employers()
        self._cases()
        self._vacancies()
        sequences_reset([Employer, InsuredPerson, Employment, Injury, Case])
        # Bulk inserts bypass the save signals: tell the matching index to rebuild.
        vacancies_changed()
        # What the history implies: assessments, consents, plans, notes, contacts, tasks.
        RehabPass(seed=self.seed, batch_size=self.batch_size, today=self.today).run()
        # What happened after: outcomes, JPESS assessments, placements, follow-ups.
        JpessPass(seed=self.seed, batch_size=self.batch_size, today=self.today).run()
        return GenerateResult(
            cases=self.cases,
            people=self.cases,
            employers=len(self.employer_ids),
            vacancies=self.vacancies,
            seconds=time.perf_counter() - started,
        )


FACT_NAMES = [f.name for f in fields(EligibilityFacts)]


def _facts_json(facts: EligibilityFacts) -> dict:
    # As the referral service stores them (dataclasses.asdict deep-copies: slow).
    out = {}
    for name in FACT_NAMES:
        value = getattr(facts, name)
        out[name] = value.isoformat() if isinstance(value, dt.date) else value
    return out


def _in_force(benefits, kind: str, on: dt.date) -> bool:
    return any(k == kind and s <= on and (e is None or e >= on) for k, s, e in benefits)


def _recommended(boards, on: dt.date) -> bool:
    past = [(when, yes) for _, when, yes in boards if when <= on]
    return bool(past) and max(past)[1]


def generate(**options) -> GenerateResult:
    return Generator(**options).run()


__all__ = [
    "GenerateResult",
    "GenerationError",
    "Generator",
    "generate",
    "generated_data_reset",
    "staff_ensure",
]
