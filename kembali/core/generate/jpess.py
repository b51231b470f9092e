"""The generator's second pass: what happened to the generated cases after the
referral's path was drawn — return-to-work outcomes, and for JPESS cases the job
placement assessment, baseline outcome measures, placements through a referral
to a vacancy, the self-employment track and the follow-ups at 1, 3, 6 and 12 months.

It reads the cases the first pass wrote (a few columns, in id order and batches)
and writes with TableWriter, one transaction per batch, so it scales with the
first pass. It only touches cases that have none of these rows yet, so running it
again (``--append``) adds to new cases only. Deterministic for a seed.

Distributions (documented guesses, not SOCSO figures): capacities mostly light to
medium work with some sensory or mobility restrictions; skills two to five of the
vocabulary; still in work at 1, 3, 6 and 12 months for 95 %, 90 %, 85 % and 78 %;
one follow-up in ten not yet recorded a fortnight after it fell due.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from kembali.cases.hierarchy import Job, classify_rtw_level
from kembali.cases.models import Case, RtwOutcome, Status
from kembali.core.generate.rows import TableWriter, in_batches, sequences_reset
from kembali.employers.freshness import vacancies_changed
from kembali.employers.models import Vacancy
from kembali.placement.matching.candidates import candidates_changed
from kembali.placement.models import (
    Barrier,
    EducationLevel,
    FollowUp,
    OutcomeMeasure,
    PlacementAssessment,
    SelfEmploymentPlan,
    SelfEmploymentSupport,
    Skill,
    VacancyReferral,
    VacancySkill,
)
from kembali.reference.models import IscoGroup, State

# Stages a JPESS case has its job placement assessment in (it was assessed on entry).
ASSESSED_STAGES = {
    Status.JOB_PLACEMENT,
    Status.RETURNED_TO_WORK,
    Status.FOLLOW_UP,
    Status.CLOSURE_PENDING,
    Status.CLOSED,
}
STILL_EMPLOYED = {1: 0.95, 3: 0.90, 6: 0.85, 12: 0.78}
BUSINESS_IDEAS = (
    ("Home-cooked food stall at the night market", "5120"),
    ("Phone and computer repair from home", "7422"),
    ("Tailoring and alterations", "7531"),
    ("Online shop selling local snacks", "5221"),
    ("Motorcycle workshop", "7231"),
    ("Kuih supply to cafés", "7512"),
    ("Laundry and ironing service", "9121"),
    ("Vegetable farming on leased land", "6111"),
)
SUPPORT_KINDS = (
    ("equipment", "Tools and equipment", 1500, 6000),
    ("grant", "Start-up grant", 2000, 10000),
    ("training", "Business skills course", 300, 1500),
    ("mentoring", "Mentoring by a local entrepreneur", 0, 800),
)


@dataclass
class JpessResult:
    outcomes: int = 0
    assessments: int = 0
    follow_ups: int = 0
    placements: int = 0
    self_employed: int = 0


def _levels(rng: random.Random, weights) -> int:
    return rng.choices(range(len(weights)), weights=weights)[0]


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


class JpessPass:
    def __init__(self, *, seed: int, batch_size: int = 5000, today: dt.date | None = None):
        self.rng = random.Random(f"{seed}:jpess")
        self.batch_size = batch_size
        self.today = today or timezone.localdate()
        self.tz = timezone.get_current_timezone()
        self.result = JpessResult()
        units = list(IscoGroup.objects.filter(level=4).values_list("code", flat=True))
        self.units = units
        self.by_minor: dict[str, list[str]] = defaultdict(list)
        for code in units:
            self.by_minor[code[:3]].append(code)
        self.capitals = {
            code: (lat, lon)
            for code, lat, lon in State.objects.values_list("code", "latitude", "longitude")
        }
        self.skill_ids = list(Skill.objects.filter(is_active=True).values_list("pk", flat=True))
        open_vacancies = Vacancy.objects.values_list("pk", "employer_id", "state_id", "title")
        self.vacancies_by_state: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        for pk, employer_id, state_id, title in open_vacancies:
            self.vacancies_by_state[state_id].append((pk, employer_id, title))
        self.writers = {
            "outcome": TableWriter(
                RtwOutcome,
                (
                    "case",
                    "return_date",
                    "employer",
                    "employer_name",
                    "isco_unit",
                    "job_title",
                    "monthly_wage",
                    "hours_per_week",
                    "self_employed",
                    "auto_level",
                    "level",
                    "recorded_by",
                    "recorded_at",
                ),
                with_ids=True,
            ),
            "assessment": TableWriter(
                PlacementAssessment,
                (
                    "case",
                    "is_current",
                    "assessed_on",
                    "assessed_by",
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
                    "shift_work",
                    "wheelchair_access",
                    "accessible_toilet",
                    "flexible_hours",
                    "remote_work",
                    "assistive_technology",
                    "education_level",
                    "previous_employment",
                    "max_travel_km",
                    "min_monthly_wage",
                    "hours_per_week",
                    "accepts_remote",
                    "home_latitude",
                    "home_longitude",
                    "home_estimated",
                    "barriers",
                ),
                with_ids=True,
            ),
            "skills": TableWriter(
                PlacementAssessment.skills.through, ("placementassessment", "skill")
            ),
            "preferred": TableWriter(
                PlacementAssessment.preferred_isco_units.through,
                ("placementassessment", "iscogroup"),
            ),
            "measure": TableWriter(
                OutcomeMeasure,
                (
                    "case",
                    "kind",
                    "assessment",
                    "recorded_on",
                    "skills",
                    "career_goals",
                    "independence",
                    "self_esteem",
                    "health",
                    "recorded_by",
                ),
                with_ids=True,
            ),
            "follow_up": TableWriter(
                FollowUp,
                (
                    "case",
                    "outcome",
                    "months",
                    "due_on",
                    "done_on",
                    "still_employed",
                    "same_employer",
                    "hours_per_week",
                    "monthly_wage",
                    "problems",
                    "outcome_measure",
                    "recorded_by",
                    "recorded_at",
                ),
            ),
            "referral": TableWriter(
                VacancyReferral,
                (
                    "case",
                    "vacancy",
                    "status",
                    "referred_by",
                    "referred_at",
                    "interview_at",
                    "employer_feedback",
                    "offered_on",
                    "offered_wage",
                    "offered_hours",
                    "accepted_on",
                    "start_date",
                    "outcome",
                ),
            ),
            "business": TableWriter(
                SelfEmploymentPlan,
                (
                    "case",
                    "business_idea",
                    "business_plan",
                    "isco_unit",
                    "expected_monthly_income",
                    "started_on",
                    "outcome",
                    "created_by",
                    "created_at",
                    "updated_at",
                ),
                with_ids=True,
            ),
            "support": TableWriter(
                SelfEmploymentSupport,
                ("plan", "kind", "description", "amount", "given_on", "recorded_by", "recorded_at"),
            ),
        }
        self.rows: dict[str, list[tuple]] = defaultdict(list)
        self.level_fixes: list[tuple[int, int]] = []

    # ------------------------------------------------------------------ helpers

    def _at(self, day: dt.date, hour: int = 10) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), tzinfo=self.tz)

    def _unit_for(self, before: str | None, similarity: str) -> str:
        rng = self.rng
        if before and similarity == "same":
            return before
        if before and similarity == "similar":
            siblings = [u for u in self.by_minor[before[:3]] if u != before]
            if siblings:
                return rng.choice(siblings)
        while True:
            unit = rng.choice(self.units)
            if not before or unit[:3] != before[:3]:
                return unit

    def _measure(self, case_id, kind, assessment_id, day, actor, lift: int = 0) -> int:
        pk = self.writers["measure"].allocate()
        rng = self.rng
        scores = [max(1, min(5, rng.choice((1, 2, 2, 3, 3, 3, 4)) + lift)) for _ in range(5)]
        self.rows["measure"].append((pk, case_id, kind, assessment_id, day, *scores, actor))
        return pk

    # -------------------------------------------------------------------- cases

    def run(self) -> JpessResult:
        no_outcome = ~Exists(RtwOutcome.objects.filter(case=OuterRef("pk")))
        no_assessment = ~Exists(PlacementAssessment.objects.filter(case=OuterRef("pk")))
        cases = (
            Case.objects.filter(no_outcome, no_assessment)
            .exclude(rtw_level__isnull=True, in_jpess=False)
            .order_by("pk")
            .values_list(
                "pk",
                "status",
                "in_jpess",
                "rtw_level",
                "rtw_date",
                "case_manager_id",
                "placement_officer_id",
                "person__state_id",
                "stage_changed_at",
                "pre_injury_employment_id",
                "pre_injury_employment__employer_id",
                "pre_injury_employment__employer_name",
                "pre_injury_employment__isco_unit_id",
                "pre_injury_employment__job_title",
                "pre_injury_employment__monthly_wage",
            )
        )
        for batch in in_batches(cases.iterator(chunk_size=self.batch_size), self.batch_size):
            self._batch(batch)
        self._vacancy_skills()
        sequences_reset([RtwOutcome, PlacementAssessment, OutcomeMeasure, SelfEmploymentPlan])
        # Bulk inserts bypass the save signals: tell the candidate index to rebuild.
        candidates_changed()
        return self.result

    def _batch(self, rows) -> None:
        for row in rows:
            self._case(*row)
        with transaction.atomic():
            for name in (
                "outcome",
                "assessment",
                "skills",
                "preferred",
                "measure",
                "follow_up",
                "referral",
                "business",
                "support",
            ):
                self.writers[name].write(self.rows[name])
            if self.level_fixes:
                Case.objects.bulk_update(
                    [Case(pk=pk, rtw_level=level) for level, pk in self.level_fixes],
                    ["rtw_level"],
                )
        self.rows.clear()
        self.level_fixes = []

    def _case(
        self,
        case_id,
        status,
        in_jpess,
        level,
        rtw_date,
        cm,
        po,
        state,
        stage_at,
        employment_id,
        employer_id,
        employer_name,
        isco,
        job_title,
        wage,
    ) -> None:
        officer = po or cm
        if officer is None:
            return
        assessment_day = None
        if in_jpess and po and (status in ASSESSED_STAGES):
            entered = (
                rtw_date - dt.timedelta(days=self.rng.randint(45, 150))
                if rtw_date
                else (timezone.localtime(stage_at).date())
            )
            assessment_day = entered + dt.timedelta(days=self.rng.randint(3, 20))
            if rtw_date and assessment_day >= rtw_date:
                assessment_day = rtw_date - dt.timedelta(days=7)
            assessment_day = min(assessment_day, self.today)
            self._assessment(case_id, po, assessment_day, state, employment_id, isco, wage)
        if level and rtw_date:
            self._outcome(
                case_id,
                in_jpess,
                int(level),
                rtw_date,
                officer,
                state,
                employer_id,
                employer_name,
                isco,
                job_title,
                wage,
            )

    def _assessment(self, case_id, po, day, state, employment_id, isco, wage) -> None:
        rng = self.rng
        pk = self.writers["assessment"].allocate()
        strength = 1 + _levels(rng, (15, 40, 30, 12, 3))
        low, high = {1: (0, 5), 2: (5, 10), 3: (10, 25), 4: (25, 50), 5: (50, 70)}[strength]
        demands = (
            _levels(rng, (5, 25, 35, 35)),  # standing and walking
            _levels(rng, (2, 13, 35, 50)),  # sitting
            _levels(rng, (5, 15, 30, 50)),  # fine hand use
            _levels(rng, (2, 8, 20, 70)),  # vision
            _levels(rng, (2, 8, 20, 70)),  # hearing
            _levels(rng, (1, 4, 15, 80)),  # speech
            _levels(rng, (35, 10, 20, 35)),  # driving
            _levels(rng, (2, 10, 30, 58)),  # cognitive load
        )
        needs = tuple(rng.random() < p for p in (0.06, 0.05, 0.08, 0.02, 0.03))
        lat, lon = self.capitals.get(state, (3.139, 101.6869))
        base_wage = float(wage or 1800)
        self.rows["assessment"].append(
            (
                pk,
                case_id,
                True,
                day,
                po,
                strength,
                rng.randint(low, high),
                *demands,
                rng.random() < 0.6,
                *needs,
                rng.choices(EducationLevel.values, weights=(3, 12, 18, 35, 12, 6, 8, 5, 1))[0],
                employment_id,
                rng.choice((10, 15, 20, 30, 40, 50)),
                round(max(1500.0, base_wage * rng.uniform(0.7, 0.95)), -1),
                rng.choice((30, 40, 44, 45, 48)),
                rng.random() < 0.3,
                round(lat + rng.uniform(-0.15, 0.15), 5),
                round(lon + rng.uniform(-0.15, 0.15), 5),
                False,
                rng.sample(Barrier.values, k=rng.choice((0, 1, 1, 2, 3))),
            )
        )
        for skill in rng.sample(self.skill_ids, k=min(len(self.skill_ids), rng.randint(2, 5))):
            self.rows["skills"].append((pk, skill))
        if isco:
            self.rows["preferred"].append((pk, isco))
        self._measure(case_id, OutcomeMeasure.Kind.BASELINE, pk, day, po)
        self.result.assessments += 1

    def _outcome(
        self,
        case_id,
        in_jpess,
        level,
        rtw_date,
        officer,
        state,
        employer_id,
        employer_name,
        isco,
        job_title,
        wage,
    ) -> None:
        rng = self.rng
        similarity = {1: "same", 2: "similar", 3: "different", 4: "same", 5: "similar"}.get(
            level, "different"
        )
        unit = self._unit_for(isco, similarity)
        title = job_title if unit == isco and job_title else ""
        vacancy = None
        self_employed = level == 7
        if level <= 3:
            new_employer, new_name = employer_id, employer_name or ""
        elif self_employed:
            new_employer, new_name = None, ""
        else:
            choices = self.vacancies_by_state.get(state) or []
            candidates = [v for v in choices if v[1] != employer_id]
            if not candidates:
                return  # no employer to place with: leave the case without an outcome
            vacancy = rng.choice(candidates)
            new_employer, new_name = vacancy[1], ""
            title = title or vacancy[2]
        idea = rng.choice(BUSINESS_IDEAS) if self_employed else None
        if idea:
            unit, title = idea[1], idea[0]
        # The drawn level and the jobs must agree, as the classifier sees them; where
        # an occupation has no similar one (a minor group of one unit), the level moves.
        actual = classify_rtw_level(
            Job(f"id:{employer_id}" if employer_id else employer_name or None, isco),
            Job(f"id:{new_employer}" if new_employer else new_name or None, unit, self_employed),
        )
        if actual != level:
            self.level_fixes.append((actual, case_id))
            level = actual
        pk = self.writers["outcome"].allocate()
        new_wage = round(float(wage or 1800) * rng.uniform(0.8, 1.1), -1)
        hours = rng.choice((40, 44, 45, 48))
        self.rows["outcome"].append(
            (
                pk,
                case_id,
                rtw_date,
                new_employer,
                new_name,
                unit,
                title or "Worker",
                new_wage,
                hours,
                self_employed,
                level,
                level,
                officer,
                self._at(rtw_date),
            )
        )
        self.result.outcomes += 1
        if not in_jpess:
            return
        if vacancy is not None:
            referred = rtw_date - dt.timedelta(days=rng.randint(20, 60))
            self.rows["referral"].append(
                (
                    case_id,
                    vacancy[0],
                    "placed",
                    officer,
                    self._at(referred),
                    self._at(referred + dt.timedelta(days=7), 11),
                    True,
                    referred + dt.timedelta(days=10),
                    new_wage,
                    hours,
                    referred + dt.timedelta(days=12),
                    rtw_date,
                    pk,
                )
            )
            self.result.placements += 1
        if idea:
            plan = self.writers["business"].allocate()
            written = self._at(rtw_date - dt.timedelta(days=60))
            self.rows["business"].append(
                (
                    plan,
                    case_id,
                    idea[0],
                    "",
                    unit,
                    round(new_wage, -2),
                    rtw_date,
                    pk,
                    officer,
                    written,
                    written,
                )
            )
            for kind, text, low, high in rng.sample(SUPPORT_KINDS, k=rng.randint(1, 3)):
                given = rtw_date - dt.timedelta(days=rng.randint(5, 50))
                self.rows["support"].append(
                    (
                        plan,
                        kind,
                        text,
                        rng.randrange(low, high + 1, 50),
                        given,
                        officer,
                        self._at(given),
                    )
                )
            self.result.self_employed += 1
        self._follow_ups(case_id, pk, rtw_date, officer, hours, new_wage)

    def _follow_ups(self, case_id, outcome_id, start, officer, hours, wage) -> None:
        rng = self.rng
        employed = True
        for months in settings.KEMBALI_FOLLOW_UP_MONTHS:
            due = _add_months(start, months)
            done = None
            if due <= self.today and rng.random() < 0.9:
                done = min(self.today, due + dt.timedelta(days=rng.randint(0, 10)))
            row = [
                case_id,
                outcome_id,
                months,
                due,
                done,
                None,
                None,
                None,
                None,
                "",
                None,
                None,
                None,
            ]
            if done:
                employed = employed and rng.random() < STILL_EMPLOYED.get(months, 0.9)
                measure = self._measure(
                    case_id,
                    OutcomeMeasure.Kind.FOLLOW_UP,
                    None,
                    done,
                    officer,
                    lift=1 if employed else 0,
                )
                row[5:] = [
                    employed,
                    employed and rng.random() < 0.95,
                    hours if employed else None,
                    wage if employed else None,
                    "" if employed else "Lost the job",
                    measure,
                    officer,
                    self._at(done, 15),
                ]
            self.rows["follow_up"].append(tuple(row))
            self.result.follow_ups += 1

    def _vacancy_skills(self) -> None:
        """One to four skills for each vacancy that asks none yet."""
        if not self.skill_ids:
            return
        writer = TableWriter(VacancySkill, ("vacancy", "skill"))
        asked = VacancySkill.objects.filter(vacancy=OuterRef("pk"))
        ids = Vacancy.objects.filter(~Exists(asked)).order_by("pk").values_list("pk", flat=True)
        rows = []
        for pk in ids.iterator(chunk_size=self.batch_size):
            for skill in self.rng.sample(self.skill_ids, k=self.rng.randint(1, 4)):
                rows.append((pk, skill))
            if len(rows) >= self.batch_size:
                with transaction.atomic():
                    writer.write(rows)
                rows = []
        with transaction.atomic():
            writer.write(rows)
        vacancies_changed()


def jpess_generate(*, seed: int, batch_size: int = 5000) -> JpessResult:
    return JpessPass(seed=seed, batch_size=batch_size).run()
