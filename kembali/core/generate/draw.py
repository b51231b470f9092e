"""Drawing one synthetic case: the person, their work, what happened to them,
their benefits and board recommendations, and how far the case has gone.

Pure Python over a random.Random: no database here, so the drawing is
deterministic for a seed and the builder only turns drafts into rows.
Benefits and recommendations are drawn to satisfy (or, for ineligible
referrals, to miss) the four eligibility rules on purpose; the builder checks
every draft against the rules' own function."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from kembali.core.generate import medical, names, work
from kembali.core.generate.places import ESTATES, STREETS, TOWNS, Town

# Case statuses and closure reasons, as the values of kembali.cases.models.
REFERRED, ELIGIBLE, NOT_ELIGIBLE, ASSIGNED, ASSESSED = (
    "referred",
    "eligible",
    "not_eligible",
    "assigned",
    "assessed",
)
CONSENTED, PLAN_APPROVED, IN_REHABILITATION, JOB_PLACEMENT = (
    "consented",
    "plan_approved",
    "in_rehabilitation",
    "job_placement",
)
RETURNED_TO_WORK, FOLLOW_UP, CLOSURE_PENDING, CLOSED = (
    "returned_to_work",
    "follow_up",
    "closure_pending",
    "closed",
)
CHAIN = (
    REFERRED,
    ELIGIBLE,
    ASSIGNED,
    ASSESSED,
    CONSENTED,
    PLAN_APPROVED,
    IN_REHABILITATION,
    JOB_PLACEMENT,
    RETURNED_TO_WORK,
    FOLLOW_UP,
)
ALL_STATUSES = (*CHAIN[:2], NOT_ELIGIBLE, *CHAIN[2:], CLOSURE_PENDING, CLOSED)

# The stock of cases over four years: most are closed, as in the programme's
# reports (63,399 cases 2022 to mid-2025, 44,154 of them back at work).
STATUS_WEIGHTS = {
    REFERRED: 1.5,
    ELIGIBLE: 1.0,
    NOT_ELIGIBLE: 4.0,
    ASSIGNED: 2.0,
    ASSESSED: 2.5,
    CONSENTED: 2.0,
    PLAN_APPROVED: 2.0,
    IN_REHABILITATION: 12.0,
    JOB_PLACEMENT: 4.0,
    RETURNED_TO_WORK: 3.0,
    FOLLOW_UP: 5.0,
    CLOSURE_PENDING: 2.0,
    CLOSED: 59.0,
}
# Days since referral for a case now in each status: low, high.
STATUS_AGE = {
    REFERRED: (0, 7),
    ELIGIBLE: (1, 20),
    NOT_ELIGIBLE: (2, 60),
    ASSIGNED: (3, 40),
    ASSESSED: (10, 60),
    CONSENTED: (15, 80),
    PLAN_APPROVED: (20, 100),
    IN_REHABILITATION: (30, 420),
    JOB_PLACEMENT: (60, 500),
    RETURNED_TO_WORK: (60, 330),
    FOLLOW_UP: (90, 700),
    CLOSURE_PENDING: (120, 1000),
    CLOSED: (90, 1460),
}
# Closure reasons and the stages each ending is requested from.
CLOSURE_WEIGHTS = {
    "returned_to_work": 70,
    "consent_withdrawn": 6,
    "medically_unfit": 8,
    "declined": 5,
    "lost_contact": 6,
    "deceased": 1.5,
    "transferred": 2.5,
    "not_eligible": 6,
}
CLOSURE_FROM = {
    "returned_to_work": (FOLLOW_UP, FOLLOW_UP, FOLLOW_UP, RETURNED_TO_WORK),
    "consent_withdrawn": (CONSENTED, PLAN_APPROVED, IN_REHABILITATION, JOB_PLACEMENT),
    "medically_unfit": (ASSESSED, PLAN_APPROVED, IN_REHABILITATION, IN_REHABILITATION),
    "declined": (ELIGIBLE, ASSIGNED, ASSESSED),
    "lost_contact": (ASSIGNED, IN_REHABILITATION, JOB_PLACEMENT, FOLLOW_UP),
    "deceased": (ASSIGNED, IN_REHABILITATION),
    "transferred": (ASSIGNED, ASSESSED, IN_REHABILITATION),
}
# RTW hierarchy levels: back with the same employer (1-3) or placed elsewhere through
# JPESS (4-7).
LEVELS_SAME_EMPLOYER = ((1, 60), (2, 25), (3, 15))
LEVELS_JPESS = ((4, 30), (5, 25), (6, 30), (7, 15))

# Injury routes: 2023's work accidents were 53.6 % industrial, 46.4 % commuting.
ROUTES = (
    ("industrial", 0.70 * 53.6),
    ("commuting", 0.70 * 46.4),
    ("occupational_disease", 8.0),
    ("illness", 22.0),
)
ROUTE_CONDITIONS = {
    "industrial": medical.INDUSTRIAL,
    "commuting": medical.COMMUTING,
    "occupational_disease": medical.OCCUPATIONAL_DISEASE,
    "illness": medical.ILLNESS,
}
FEMALE_SHARE = {
    "industrial": 0.15,
    "commuting": 0.19,
    "occupational_disease": 0.25,
    "illness": 0.30,
}
FOREIGN_BIRTH_CODES = ("60", "61", "62", "63", "64", "65", "66", "67", "68", "71", "74", "75")
PHONE_PREFIXES = ("010", "011", "012", "013", "014", "016", "017", "018", "019")
SOURCES = (("form", 60), ("api", 30), ("import", 10))
HOSPITALS = (
    "Hospital Kuala Lumpur",
    "Hospital Sultanah Aminah",
    "Hospital Raja Permaisuri Bainun",
    "Hospital Pulau Pinang",
    "Hospital Tengku Ampuan Rahimah",
    "Hospital Queen Elizabeth",
    "Hospital Umum Sarawak",
    "Hospital Sultanah Bahiyah",
    "Hospital Melaka",
    "Hospital Tuanku Ja'afar",
    "Hospital Tengku Ampuan Afzan",
    "Hospital Raja Perempuan Zainab II",
)


def weighted(rng: random.Random, pairs) -> object:
    items = [p[0] for p in pairs]
    return rng.choices(items, weights=[p[1] for p in pairs])[0]


@dataclass
class EmployerDraft:
    code: str
    name: str
    industry: int  # index into work.INDUSTRIES
    size: str
    state: str
    town: Town
    address: str
    latitude: float
    longitude: float
    funnel: str
    engaged_on: dt.date | None
    informed_on: dt.date | None


@dataclass
class JobDraft:
    employer: int  # index into the employer pool
    employer_name: str
    isco: str
    title: str
    wage: int
    start: dt.date
    end: dt.date | None


@dataclass
class StepDraft:
    source: str
    target: str
    at: dt.datetime
    actor: str  # "system", "cm", "po", "supervisor"
    reason: str = ""


@dataclass
class CaseDraft:
    # person
    nric: str
    name: str
    dob: dt.date
    sex: str
    phone: str
    email: str
    address: str
    postcode: str
    district: str
    state: str
    language: str
    dependants: int
    # work and health
    jobs: list[JobDraft]  # the first is the pre-injury employment
    route: str
    injury_date: dt.date
    condition: medical.Condition
    benefits: list[tuple[str, dt.date, dt.date | None]]
    boards: list[tuple[str, dt.date, bool]]
    # the case
    office: int  # index into the state's offices
    referral_date: dt.date
    referral_at: dt.datetime
    source: str
    referred_by: str
    status: str
    expect_eligible: bool | None  # what the facts were drawn to give
    is_contributor: bool
    steps: list[StepDraft] = field(default_factory=list)
    in_jpess: bool = False
    rtw_level: int | None = None
    rtw_date: dt.date | None = None
    closure_reason: str = ""


def _date_between(rng: random.Random, low: dt.date, high: dt.date) -> dt.date:
    if high <= low:
        return low
    return low + dt.timedelta(days=rng.randint(0, (high - low).days))


def age_on(dob: dt.date, on: dt.date) -> int:
    return on.year - dob.year - int((on.month, on.day) < (dob.month, dob.day))


def draw_dob(rng: random.Random, on: dt.date, age: int) -> dt.date:
    """A date of birth that makes the person exactly `age` on `on`."""
    latest = dt.date(on.year - age, on.month, min(on.day, 28))
    return latest - dt.timedelta(days=rng.randint(0, 360))


def draw_nric(rng: random.Random, dob: dt.date, female: bool, place: str, used: set[int]) -> str:
    """YYMMDD-PB-###G: the last digit odd for a man, even for a woman. The first
    serial digit is 0-4 for people born before 2000 and 5-9 after, as issued."""
    head = f"{dob:%y%m%d}{place}"
    low, high = (0, 4) if dob.year < 2000 else (5, 9)
    while True:
        serial = rng.randint(low, high) * 100 + rng.randint(0, 99)
        last = rng.randrange(0, 10, 2) if female else rng.randrange(1, 10, 2)
        nric = f"{head}{serial:03d}{last}"
        key = int(nric)
        if key not in used:
            used.add(key)
            return nric


def draw_address(rng: random.Random, town: Town) -> tuple[str, str]:
    postcode = rng.randint(town.postcode_low, town.postcode_high)
    estate = rng.choice(ESTATES)
    street = f"{rng.choice(STREETS)} {rng.randint(1, 12)}"
    address = f"No. {rng.randint(1, 120)}, {street}, {estate}, {town.town}"
    return address, f"{postcode:05d}"


def draw_town(rng: random.Random, state: str) -> Town:
    towns = TOWNS[state]
    return rng.choices(towns, weights=[t.weight for t in towns])[0]


def draw_wage(rng: random.Random, isco: str, years: float = 5.0) -> int:
    median = work.MEDIAN_WAGE[isco[0]]
    wage = median * rng.lognormvariate(0.0, 0.28) * (0.9 + min(years, 20) * 0.012)
    return max(work.MINIMUM_WAGE, int(round(wage, -1)))


def draw_job(rng: random.Random, industry: int) -> work.Job:
    jobs = work.INDUSTRIES[industry].jobs
    return rng.choices(jobs, weights=[j.weight for j in jobs])[0]


def draw_employer(rng: random.Random, serial: int, state: str, today: dt.date) -> EmployerDraft:
    industry = rng.choices(
        range(len(work.INDUSTRIES)), weights=[i.weight for i in work.INDUSTRIES]
    )[0]
    town = draw_town(rng, state)
    words = work.INDUSTRIES[industry].name_words
    prefix, suffix = rng.choice(work.COMPANY_PREFIXES), rng.choice(words)
    name = f"{prefix} {suffix} {rng.choice(work.COMPANY_SUFFIXES)}"
    address, postcode = draw_address(rng, town)
    funnel = weighted(
        rng, (("prospect", 60), ("engaged", 20), ("hiring_partner", 12), ("inactive", 8))
    )
    engaged_on = informed_on = None
    if funnel != "prospect":
        engaged_on = today - dt.timedelta(days=rng.randint(7, 6 * 365))
        if rng.random() < 0.45:
            informed_on = _date_between(rng, engaged_on, today)
    return EmployerDraft(
        # SOCSO employer code as Kembali writes it: "E", the 2-digit state code of
        # the employer's registered address, then a 7-digit serial.
        code=f"E{state}{serial:07d}",
        name=name,
        industry=industry,
        size=weighted(rng, (("micro", 25), ("small", 40), ("medium", 20), ("large", 15))),
        state=state,
        town=town,
        # Premises are lots on an industrial estate or shop lots, with the postcode inline.
        address=f"Lot {address.removeprefix('No. ').rsplit(', ', 1)[0]}, {postcode} {town.town}",
        latitude=round(town.latitude + rng.uniform(-0.04, 0.04), 5),
        longitude=round(town.longitude + rng.uniform(-0.04, 0.04), 5),
        funnel=funnel,
        engaged_on=engaged_on,
        informed_on=informed_on,
    )


class CaseDrawer:
    """Draws cases one after another from one random stream."""

    def __init__(
        self,
        *,
        rng: random.Random,
        today: dt.date,
        tz: dt.tzinfo,
        state_weights: dict[str, float],
        offices_per_state: dict[str, int],
        employers_per_state: dict[str, list[int]],
        employers: list[tuple[str, int]],  # (name, industry) per pool index
        used_nrics: set[int],
    ):
        self.rng = rng
        self.today = today
        self.tz = tz
        self.states = [s for s in state_weights if offices_per_state.get(s)]
        self.state_cum = _cumulative([state_weights[s] for s in self.states])
        self.offices_per_state = offices_per_state
        self.employers_per_state = employers_per_state
        self.all_employers = [i for pool in employers_per_state.values() for i in pool]
        self.employers = employers
        self.used = used_nrics
        self.status_list = list(STATUS_WEIGHTS)
        self.status_cum = _cumulative(list(STATUS_WEIGHTS.values()))
        self.drawn = 0

    def draw(self) -> CaseDraft:
        rng = self.rng
        # The first cases of a run go through every status once, so even a small
        # run shows every stage of the workflow.
        if self.drawn < len(ALL_STATUSES):
            status = ALL_STATUSES[self.drawn]
        else:
            status = rng.choices(self.status_list, cum_weights=self.status_cum)[0]
        self.drawn += 1
        state = rng.choices(self.states, cum_weights=self.state_cum)[0]
        town = draw_town(rng, state)
        low, high = STATUS_AGE[status]
        referral_date = self.today - dt.timedelta(days=rng.randint(low, high))
        referral_at = dt.datetime.combine(
            referral_date, dt.time(8 + rng.randint(0, 8), rng.randint(0, 59)), tzinfo=self.tz
        )

        # How the case ends (or will), which decides whether the facts must be eligible.
        closure_reason = ""
        if status in (CLOSURE_PENDING, CLOSED):
            reasons = (
                CLOSURE_WEIGHTS
                if status == CLOSED
                else {k: v for k, v in CLOSURE_WEIGHTS.items() if k != "not_eligible"}
            )
            closure_reason = weighted(rng, list(reasons.items()))
        if status == NOT_ELIGIBLE or closure_reason == "not_eligible":
            expect = False
        elif status == REFERRED:
            expect = rng.random() < 0.9
        else:
            expect = True

        route = weighted(rng, ROUTES)
        female = rng.random() < FEMALE_SHARE[route]
        rule, age = self._rule_and_age(route, expect)
        dob = draw_dob(rng, referral_date, age)
        community = names.community_for(state, rng)
        name = names.full_name(community, female, rng)
        place = state
        roll = rng.random()
        if roll < 0.12:
            place = rng.choices(self.states, cum_weights=self.state_cum)[0]
        elif roll < 0.14:
            place = rng.choice(FOREIGN_BIRTH_CODES)
        nric = draw_nric(rng, dob, female, place, self.used)
        address, postcode = draw_address(rng, town)
        malay_speaking = community not in ("chinese", "indian")
        language = "ms" if rng.random() < (0.85 if malay_speaking else 0.35) else "en"
        email = ""
        if rng.random() < 0.35:
            handle = "".join(ch for ch in name.split(" ")[0].lower() if ch.isalpha())
            email = f"{handle}{rng.randint(1, 999)}@{rng.choice(('gmail.com', 'yahoo.com'))}"

        injury_date, benefits, boards = self._facts(route, rule, expect, referral_date, status)
        condition = rng.choices(
            ROUTE_CONDITIONS[route], weights=[c.weight for c in ROUTE_CONDITIONS[route]]
        )[0]
        jobs = self._jobs(state, dob, injury_date)

        draft = CaseDraft(
            nric=nric,
            name=name,
            dob=dob,
            sex="F" if female else "M",
            phone=f"{rng.choice(PHONE_PREFIXES)}-{rng.randint(2000000, 9999999)}",
            email=email,
            address=address,
            postcode=postcode,
            district=town.district,
            state=state,
            language=language,
            dependants=weighted(rng, ((0, 20), (1, 15), (2, 22), (3, 20), (4, 13), (5, 10))),
            jobs=jobs,
            route=route,
            injury_date=injury_date,
            condition=condition,
            benefits=benefits,
            boards=boards,
            office=rng.randrange(self.offices_per_state[state]),
            referral_date=referral_date,
            referral_at=referral_at,
            source=weighted(rng, SOURCES),
            referred_by=(
                f"Dr. {names.full_name(names.community_for(state, rng), rng.random() < 0.5, rng)}"
                f", {rng.choice(HOSPITALS)}"
                if rng.random() < 0.6
                else f"PERKESO {town.town}"
            ),
            status=status,
            expect_eligible=expect if status != REFERRED else None,
            is_contributor=True,
            closure_reason=closure_reason,
        )
        self._steps(draft)
        return draft

    # -- eligibility facts --------------------------------------------------------

    def _rule_and_age(self, route: str, eligible: bool) -> tuple[int, int]:
        """Which rule the facts are drawn for (0: none) and the age on referral."""
        rng = self.rng
        if route != "illness":
            age = max(18, min(59, int(rng.gauss(37, 10))))
            if not eligible:
                return 0, age
            return (1 if rng.random() < 0.75 else 2), age
        if eligible:
            if rng.random() < 0.3:
                return 4, rng.randint(24, 39)
            return 3, max(25, min(49, 49 - abs(int(rng.gauss(0, 7)))))
        # Invalidity claims that miss rules 3 and 4 on age.
        return (3, rng.randint(50, 59)) if rng.random() < 0.7 else (4, rng.randint(40, 59))

    def _facts(self, route, rule, eligible, referral, status):
        """Injury date, benefits [(kind, start, end)] and board recommendations
        [(board, date, recommended)] that give the intended eligibility."""
        rng = self.rng
        closed_later = status in (CLOSED, CLOSURE_PENDING, FOLLOW_UP)
        board = weighted(rng, (("mb", 80), ("smb", 14), ("amb", 6)))
        if route == "illness":
            injury = referral - dt.timedelta(days=rng.randint(90, 720))
            applied = _date_between(rng, injury + dt.timedelta(days=30), referral)
            if rule == 4:
                return injury, [("certified_invalid", applied, None)], []
            board_date = _date_between(rng, applied, referral)
            return injury, [("invalidity", applied, None)], [(board, board_date, True)]
        if rule == 1:
            injury = referral - dt.timedelta(days=rng.randint(10, 240))
            tdb_start = injury + dt.timedelta(days=4)
            tdb_end = None
            if closed_later:
                tdb_end = min(self.today, referral + dt.timedelta(days=rng.randint(30, 240)))
            return injury, [("tdb", min(tdb_start, referral), tdb_end)], []
        # Rules 2 and 0: the temporary benefit has ended and the permanent one is claimed.
        injury = referral - dt.timedelta(days=rng.randint(150, 600))
        tdb_start = injury + dt.timedelta(days=4)
        tdb_end = _date_between(
            rng, tdb_start + dt.timedelta(days=60), referral - dt.timedelta(days=20)
        )
        pdb_start = tdb_end + dt.timedelta(days=rng.randint(1, 15))
        board_date = _date_between(rng, pdb_start, referral)
        benefits = [("tdb", tdb_start, tdb_end), ("pdb", pdb_start, None)]
        return injury, benefits, [(board, board_date, rule == 2)]

    # -- work history -------------------------------------------------------------

    def _jobs(self, state: str, dob: dt.date, injury: dt.date) -> list[JobDraft]:
        rng = self.rng
        adult = dt.date(dob.year + 18, dob.month, min(dob.day, 28))
        pool = self.employers_per_state.get(state) or self.all_employers
        jobs = []
        end = None
        start_limit = injury
        for n in range(1 + weighted(rng, ((0, 45), (1, 35), (2, 20)))):
            employer = rng.choice(pool if rng.random() < 0.85 else self.all_employers)
            name, industry = self.employers[employer]
            job = draw_job(rng, industry)
            latest_start = start_limit - dt.timedelta(days=30 if n == 0 else 1)
            if latest_start <= adult:
                break
            start = _date_between(
                rng, max(adult, latest_start - dt.timedelta(days=12 * 365)), latest_start
            )
            years = (injury - start).days / 365
            jobs.append(
                JobDraft(
                    employer=employer,
                    employer_name=name,
                    isco=job.isco,
                    title=job.title,
                    wage=draw_wage(rng, job.isco, years),
                    start=start,
                    end=end,
                )
            )
            end = start - dt.timedelta(days=rng.randint(1, 90))
            start_limit = end
        if not jobs:  # a young worker: one job since turning 18
            name, industry = self.employers[pool[0]]
            job = draw_job(rng, industry)
            start = min(adult, injury - dt.timedelta(days=1))
            jobs.append(
                JobDraft(
                    pool[0], name, job.isco, job.title, draw_wage(rng, job.isco, 0), start, None
                )
            )
        return jobs

    # -- the way through the workflow ---------------------------------------------

    def _steps(self, draft: CaseDraft) -> None:
        rng = self.rng
        status, reason = draft.status, draft.closure_reason
        if status == REFERRED:
            return
        if not draft.expect_eligible and status in (NOT_ELIGIBLE, CLOSED):
            path = [REFERRED, NOT_ELIGIBLE] + ([CLOSED] if status == CLOSED else [])
        else:
            if status in (CLOSURE_PENDING, CLOSED):
                end_from = rng.choice(CLOSURE_FROM[reason])
            else:
                end_from = status
            jpess = end_from == JOB_PLACEMENT or (
                end_from in (RETURNED_TO_WORK, FOLLOW_UP) and rng.random() < 0.3
            )
            chain = [s for s in CHAIN if jpess or s != JOB_PLACEMENT]
            path = chain[: chain.index(end_from) + 1]
            if status in (CLOSURE_PENDING, CLOSED):
                path.append(CLOSURE_PENDING)
            if status == CLOSED:
                path.append(CLOSED)
            draft.in_jpess = JOB_PLACEMENT in path
            if RETURNED_TO_WORK in path:
                draft.rtw_level = weighted(
                    rng, LEVELS_JPESS if draft.in_jpess else LEVELS_SAME_EMPLOYER
                )
        # Times: eligibility is decided on referral; later steps spread over the
        # days since, the last one no later than yesterday.
        span = max(1.0, (self.today - draft.referral_date).days - 1.0)
        offsets = sorted(rng.uniform(0.5, span) for _ in range(len(path) - 2))
        times = [draft.referral_at + dt.timedelta(minutes=rng.randint(1, 30))]
        times += [draft.referral_at + dt.timedelta(days=o) for o in offsets]
        for source, target, at in zip(path[:-1], path[1:], times, strict=True):
            draft.steps.append(StepDraft(source, target, at, _actor(source, target, draft)))
            if target == RETURNED_TO_WORK:
                draft.rtw_date = at.date()


def _actor(source: str, target: str, draft: CaseDraft) -> str:
    if target in (ELIGIBLE, NOT_ELIGIBLE):
        return "system"
    if target in (ASSIGNED, PLAN_APPROVED, CLOSED):
        return "supervisor"
    if source == JOB_PLACEMENT or (draft.in_jpess and target == FOLLOW_UP):
        return "po"
    if target == CLOSURE_PENDING and source == ELIGIBLE:
        return "supervisor"  # no case manager yet
    return "cm"


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out
