"""The generator's rehabilitation pass: the records a case's history implies between
its referral and its end — the assessment, the consent (and its withdrawal), the
rehabilitation plan with its interventions and provider referrals, and the case
manager's notes, contacts and tasks.

What a case went through is read from its transitions (when it entered each stage,
and who moved it); every record is dated between the transitions it belongs to,
never before the referral nor after the start of `today`. Like the JPESS pass it
reads the cases the first pass wrote in id order and batches and writes with
TableWriter, one transaction per batch; it only touches cases with a case manager
that have none of these records yet, so running it again adds to new cases only.
Deterministic for a seed. Nothing here feeds the matching index (it reads the
placement assessments), so no freshness marker is bumped.

Where the plan workflow (kembali.plans.services) allows no shortcut, the rows are
what it would leave: a version returned for changes is edited and resubmitted as
the same version, so it is approved with its return (rejected_at, the reason)
kept; a later version is a copy (copied_from) that supersedes the approved one
when it is approved, and the superseded version's interventions keep the status
they had then.

Distributions (documented guesses, not SOCSO figures): ratings mostly minor to
moderate; one plan in ten returned once before approval; of the cases that reached
rehabilitation, one in ten with a second version of the plan and one in seven with
a reassessment; one to four interventions, half of those a provider delivers
referred to it formally; up to six notes, four contacts and five tasks a case.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone

from kembali.cases.models import (
    OPEN_STATUSES,
    Assessment,
    Case,
    CaseContact,
    CaseNote,
    CaseTask,
    ClosureReason,
    Consent,
    Status,
    Transition,
)
from kembali.core.generate import rehab_text as text
from kembali.core.generate.rows import TableWriter, in_batches, sequences_reset
from kembali.plans.cost_days import cost_days_add, counted_sums
from kembali.plans.models import (
    Intervention,
    InterventionKind,
    InterventionStatus,
    PlanStatus,
    ProviderReferral,
    ReferralStatus,
    RehabPlan,
)
from kembali.providers.models import Provider, ProviderService

AREAS = ("medical", "functional", "psychosocial", "workplace", "vocational")
FIELDS = {
    "assessment": (
        "case assessed_on assessed_by is_initial medical_rating medical_notes functional_rating "
        "functional_notes psychosocial_rating psychosocial_notes workplace_rating "
        "workplace_notes vocational_rating vocational_notes person_goal created_at"
    ),
    "consent": (
        "case given_on method joins_programme intention_confirmed shares_with_jpess "
        "recorded_by recorded_at withdrawn_on withdrawn_at withdrawn_by withdrawal_reason"
    ),
    "plan": (
        "case version status goal goal_description designed_with_person start_date "
        "target_end_date created_by created_at submitted_by submitted_at approved_by "
        "approved_at rejected_by rejected_at rejection_reason superseded_at"
    ),
    "intervention": (
        "plan kind description provider planned_start due_date status cost copied_from "
        "office person_sex plan_in_force"
    ),
    "referral": (
        "case intervention provider referred_on accepted_on report_received_on "
        "report_summary cost status created_by created_at"
    ),
    "note": "case text author created_at",
    "contact": (
        "case party party_name method contacted_at summary follow_up_needed recorded_by created_at"
    ),
    "task": "case title due_date assigned_to created_by created_at done_at done_by",
}


def _cost_fields(row: tuple) -> tuple:
    """What kembali.plans.cost_days counts of an intervention row (its id, then
    FIELDS["intervention"]): planned start, office, sex, status, cost, plan in force."""
    _pk, _plan, _kind, _text, _provider, start, _due, status, cost, _copied, *copies = row
    office, sex, in_force = copies
    return start, office, sex, status, cost, in_force


class Dice(random.Random):
    """random.Random with a quicker randint and choice (one call to random() each):
    the pass draws some seventy times a case, and the library's own, several calls
    deep, took a sixth of its time."""

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


class Weighted:
    """Draws from (value, weight) pairs, with the cumulative weights worked out once."""

    def __init__(self, pairs):
        self.values = [value for value, _weight in pairs]
        self.total, self.cum = 0.0, []
        for _value, weight in pairs:
            self.total += weight
            self.cum.append(self.total)

    def __call__(self, rng: random.Random):
        return self.values[bisect.bisect(self.cum, rng.random() * self.total)]


# IssueRating 0-3 (no issue to a severe barrier), per area.
RATINGS = {
    "medical": Weighted(((0, 10), (1, 35), (2, 40), (3, 15))),
    "functional": Weighted(((0, 8), (1, 30), (2, 42), (3, 20))),
    "psychosocial": Weighted(((0, 30), (1, 40), (2, 22), (3, 8))),
    "workplace": Weighted(((0, 25), (1, 35), (2, 28), (3, 12))),
    "vocational": Weighted(((0, 20), (1, 35), (2, 30), (3, 15))),
}
NOTED = (0.0, 0.5, 0.8, 0.9)  # the share of ratings with a note, by rating
Kind = InterventionKind
REHAB_KINDS = Weighted(
    (
        (Kind.PHYSICAL, 30),
        (Kind.PAIN, 12),
        (Kind.VOCATIONAL, 14),
        (Kind.COUNSELLING, 12),
        (Kind.WORKSITE, 12),
        (Kind.ASSISTIVE, 8),
        (Kind.OTHER, 3),
    )
)
# The provider services that deliver a kind, and how often a provider delivers it.
KIND_SERVICES = {
    Kind.PHYSICAL: (("physical", "spine", "hand"), 0.85),
    Kind.PAIN: (("pain",), 0.85),
    Kind.VOCATIONAL: (("vocational",), 0.7),
    Kind.ASSISTIVE: (("vision", "hand", "physical"), 0.5),
}
# Cost in RM, low and high, in steps of 50.
KIND_COSTS = {
    Kind.PHYSICAL: (800, 4000),
    Kind.PAIN: (500, 3000),
    Kind.VOCATIONAL: (1000, 6000),
    Kind.ASSISTIVE: (200, 2500),
    Kind.COUNSELLING: (0, 800),
    Kind.OTHER: (0, 500),
}
INTERVENTIONS = Weighted(((1, 25), (2, 38), (3, 25), (4, 12)))
AIMS_JPESS = Weighted(((4, 35), (5, 30), (6, 35)))
AIMS_SAME_EMPLOYER = Weighted(((1, 60), (2, 25), (3, 15)))
PARTIES = Weighted(
    (
        ("person", 40),
        ("employer", 20),
        ("doctor", 12),
        ("provider", 12),
        ("family", 10),
        ("other", 6),
    )
)
METHODS = Weighted((("phone", 60), ("visit", 15), ("email", 15), ("video", 10)))
NOTES = Weighted(((0, 14), (1, 27), (2, 25), (3, 15), (4, 10), (5, 6), (6, 3)))
LATE_NOTES = text.NOTES["closure_pending"]  # a note on a case whose work has stopped
CONTACTS = Weighted(((0, 28), (1, 35), (2, 22), (3, 10), (4, 5)))
TASKS_DONE = Weighted(((0, 40), (1, 35), (2, 17), (3, 8)))
TASKS_OPEN = Weighted(((0, 35), (1, 40), (2, 25)))
# Stages whose entry no record here depends on (a case's records start with its
# case manager): their transitions are not read.
BEFORE_ASSIGNMENT = (Status.REFERRED, Status.ELIGIBLE, Status.NOT_ELIGIBLE)
# The stages after rehabilitation: reaching one ends the rehabilitation's work.
PAST_REHAB = (Status.JOB_PLACEMENT, Status.RETURNED_TO_WORK)


@dataclass
class RehabResult:
    assessments: int = 0
    consents: int = 0
    withdrawals: int = 0
    plans: int = 0
    interventions: int = 0
    referrals: int = 0
    notes: int = 0
    contacts: int = 0
    tasks: int = 0


@dataclass(slots=True)
class Story:
    """One case as its transitions tell it."""

    case_id: int
    status: str
    cm: int
    state: str
    office: int
    sex: str | None
    in_jpess: bool
    entered: dict[str, tuple[dt.datetime, int | None]]  # first entry: (when, by whom)
    now: dt.datetime  # the latest a record can be dated
    life_end: dt.datetime  # the end of the case's open life: closed, or now
    work_end: dt.datetime  # when work on it stopped: closure requested, or life_end

    def at(self, status: str) -> dt.datetime | None:
        entry = self.entered.get(status)
        return entry[0] if entry else None


@dataclass(slots=True)
class Item:
    """One intervention as planned, written once per version of the plan."""

    kind: str
    description: str
    provider: tuple[int, str] | None
    start: dt.date
    due: dt.date
    cost: int
    mode: str  # how its status is decided: done, ongoing, waiting, stopped
    ref: dt.date  # the day its status is as of
    final: str = ""  # its status in the plan in force
    first: int | None = None  # its row in version 1
    second: int | None = None  # its row in version 2


class RehabPass:
    def __init__(self, *, seed: int, batch_size: int = 5000, today: dt.date | None = None):
        self.rng = Dice(f"{seed}:rehab")
        self.batch_size = batch_size
        self.today = today or timezone.localdate()
        self.tz = timezone.get_current_timezone()
        # Nothing is dated after the start of `today`: what is written is history.
        self.cap = dt.datetime.combine(self.today, dt.time(0), tzinfo=self.tz)
        self.result = RehabResult()
        active = Provider.objects.filter(is_active=True).order_by("pk")
        self.providers = list(active.values_list("pk", "name", "state_id"))
        self.near: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for pk, name, state in self.providers:
            self.near[state].append((pk, name))
        everywhere = [(pk, name) for pk, name, _state in self.providers]
        self.near.default_factory = lambda: everywhere
        known = {pk: (pk, name, state) for pk, name, state in self.providers}
        offered = ProviderService.objects.filter(provider__in=active).order_by(
            "provider", "service"
        )
        self.by_service: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
        # Per kind and state: the providers there, and all, that deliver the kind.
        self.offering: dict[tuple[str, str], tuple[list, list]] = {}
        for pk, service in offered.values_list("provider_id", "service"):
            self.by_service[service].append(known[pk])
        self.writers = {
            name: TableWriter(model, FIELDS[name].split(), with_ids=ids)
            for name, model, ids in (
                ("assessment", Assessment, False),
                ("consent", Consent, True),
                ("plan", RehabPlan, True),
                ("intervention", Intervention, True),
                ("referral", ProviderReferral, False),
                ("note", CaseNote, False),
                ("contact", CaseContact, False),
                ("task", CaseTask, False),
            )
        }
        self.writers["consent_provider"] = TableWriter(
            Consent.providers.through, ("consent", "provider")
        )
        self.writers["consent_employer"] = TableWriter(
            Consent.employers.through, ("consent", "employer")
        )
        self.rows: dict[str, list[tuple]] = defaultdict(list)

    # ------------------------------------------------------------------ helpers

    def _at(self, day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), tzinfo=self.tz)

    def _between(self, low: dt.datetime, high: dt.datetime, lo=0.0, hi=1.0) -> dt.datetime:
        """A moment lo..hi of the way from low to high (low when high is not later)."""
        if high <= low:
            return low
        return low + (high - low) * (lo + (hi - lo) * self.rng.random())

    def _when(self, low: dt.datetime, high: dt.datetime, lo=0.0, hi=1.0) -> dt.datetime:
        """As _between, in office hours when the day drawn has some in the window."""
        if high <= low:
            return low
        draw = self.rng.random
        at = low + (high - low) * (lo + (hi - lo) * draw())
        hour, minute = 8 + int(draw() * 10), int(draw() * 60)
        working = at.replace(hour=hour, minute=minute, second=0, microsecond=0)
        return working if low <= working <= high else at

    def _provider(self, kind: str, state: str) -> tuple[int, str] | None:
        services, share = KIND_SERVICES.get(kind, ((), 0.0))
        rng = self.rng
        if not services or rng.random() >= share:
            return None
        choices = self.offering.get((kind, state))
        if choices is None:
            offering = list(dict.fromkeys(p for s in services for p in self.by_service[s]))
            near = [(pk, name) for pk, name, where in offering if where == state]
            choices = self.offering[kind, state] = (near, [p[:2] for p in offering])
        near, offering = choices
        if not offering:
            return None
        return rng.choice(near if near and rng.random() < 0.9 else offering)

    # -------------------------------------------------------------------- cases

    def run(self) -> RehabResult:
        untouched = [
            ~Exists(model.objects.filter(case=OuterRef("pk")))
            for model in (Assessment, Consent, RehabPlan, CaseNote, CaseContact, CaseTask)
        ]
        cases = (
            Case.objects.filter(*untouched, case_manager__isnull=False)
            .order_by("pk")
            .values_list(
                "pk",
                "status",
                "closure_reason",
                "referral_date",
                "case_manager_id",
                "in_jpess",
                "rtw_level",
                "office__state_id",
                "person__preferred_language",
                "office_id",
                "person_sex",
                "pre_injury_employment__employer_id",
                "pre_injury_employment__employer_name",
                "pre_injury_employment__job_title",
            )
        )
        for batch in in_batches(cases.iterator(chunk_size=self.batch_size), self.batch_size):
            self._batch(batch)
        sequences_reset([Consent, RehabPlan, Intervention])
        return self.result

    def _batch(self, rows) -> None:
        # The batch's transitions in one query, by the range of its ids rather than a
        # list of them (SQLite's limit on parameters); other cases' are passed over.
        # The times are read as text (ISO 8601, in UTC) and parsed here: the backends'
        # own conversion of each value costs more than the rest of the read.
        steps: dict[int, list[tuple[str, dt.datetime, int | None]]] = defaultdict(list)
        transitions = (
            Transition.objects.filter(case_id__gte=rows[0][0], case_id__lte=rows[-1][0])
            .exclude(to_status__in=BEFORE_ASSIGNMENT)
            .annotate(when=Cast("at", CharField()))
            .order_by("case_id", "at", "id")  # along the index of each case's transitions
            .values_list("case_id", "to_status", "when", "actor_id")
        )
        tz, parse = self.tz, dt.datetime.fromisoformat
        for case_id, to, when, actor in transitions:
            at = parse(when)
            if at.tzinfo is None:  # SQLite keeps UTC without the offset
                at = at.replace(tzinfo=dt.UTC)
            steps[case_id].append((to, at.astimezone(tz), actor))
        for row in rows:
            self._case(row, steps.get(row[0], ()))
        with transaction.atomic():
            for name, writer in self.writers.items():
                writer.write(self.rows[name])
            # The reports' sums of the costs counted (kembali.plans.cost_days).
            cost_days_add(counted_sums(map(_cost_fields, self.rows["intervention"])))
        self.rows.clear()

    def _case(self, row, steps) -> None:
        case_id, status, reason, referral, cm, in_jpess, level, state, language = row[:9]
        office, sex, employer_id, employer_name, job_title = row[9:]
        # The first time the case entered each stage (reversed: the first one wins).
        entered = {to: (at, actor) for to, at, actor in reversed(steps)}
        if Status.ASSIGNED not in entered:
            return
        ending = status in (Status.CLOSURE_PENDING, Status.CLOSED)
        closed = entered.get(Status.CLOSED, (None,))[0] if status == Status.CLOSED else None
        pending = entered.get(Status.CLOSURE_PENDING, (None,))[0] if ending else None
        now = max(self.cap, steps[-1][1])
        story = Story(
            case_id, status, cm, state, office, sex, in_jpess, entered, now, closed or now, now
        )
        story.work_end = pending or story.life_end
        rng = self.rng

        goal, assessed_on = "", referral
        assessed = story.at(Status.ASSESSED)
        if assessed:
            day = assessed.date() - dt.timedelta(days=rng.randint(0, 4))
            assessed_on = max(day, story.at(Status.ASSIGNED).date(), referral)
            goal = self._goal(language, job_title)
            ratings = self._assessment(story, assessed_on, assessed, goal, None)
            rehab = story.at(Status.IN_REHABILITATION)
            if rehab and rng.random() < 0.15:
                again = self._when(rehab, story.work_end, 0.1, 0.9)
                self._assessment(story, again.date(), again, goal, ratings)
        if Status.CONSENTED in entered:
            withdrawn = reason == ClosureReason.CONSENT_WITHDRAWN and ending
            self._consent(story, assessed_on, employer_id, withdrawn)
        if Status.PLAN_APPROVED in entered:
            self._plan(story, level, goal)
        records = self._contacts(story, employer_name) + self._tasks(story)
        # A case with nothing else gets a note, so that a second run passes it over.
        self._notes(story, steps, least=0 if records or assessed else 1)

    # -------------------------------------------------------- assessment, consent

    def _goal(self, language: str, job_title: str | None) -> str:
        goals = text.GOALS["en" if language == "en" else "ms"]
        goal = self.rng.choice(goals if job_title else [g for g in goals if "{" not in g])
        return goal.format(job=(job_title or "").lower())

    def _assessment(self, story: Story, day, at, goal, before) -> list[int]:
        """The initial assessment (before: None) or a review of `before`'s ratings."""
        rng = self.rng
        if before is None:
            ratings = [RATINGS[area](rng) for area in AREAS]
        else:
            ratings = [max(0, r - rng.choice((0, 1, 1))) for r in before]
        fields: list = []
        for area, rating in zip(AREAS, ratings, strict=True):
            noted = rng.random() < NOTED[rating]
            fields += (rating, rng.choice(text.ASSESSMENT_NOTES[area]) if noted else "")
        row = (story.case_id, day, story.cm, before is None, *fields, goal, at)
        self.rows["assessment"].append(row)
        self.result.assessments += 1
        return ratings

    def _consent(self, story: Story, assessed_on, employer_id, withdrawn: bool) -> None:
        rng = self.rng
        at = story.at(Status.CONSENTED)
        pk = self.writers["consent"].allocate()
        given = max(assessed_on, at.date() - dt.timedelta(days=rng.randint(0, 2)))
        withdrawal: tuple = (None, None, None, "")
        if withdrawn:
            # Recorded with the request to close (consent_withdraw), by whoever made it.
            ended, by = story.entered.get(Status.CLOSURE_PENDING) or (story.life_end, None)
            on = max(given, ended.date() - dt.timedelta(days=rng.randint(0, 3)))
            withdrawal = (on, ended, by or story.cm, rng.choice(text.WITHDRAWAL_REASONS))
            self.result.withdrawals += 1
        method = rng.choice((Consent.Method.PAPER, Consent.Method.PRINTED))
        shares = story.in_jpess or rng.random() < 0.8
        row = (pk, story.case_id, given, method, True, True, shares, story.cm, at, *withdrawal)
        self.rows["consent"].append(row)
        near = self.near[story.state]
        for provider, _name in rng.sample(near, k=min(len(near), rng.choice((0, 1, 1, 2)))):
            self.rows["consent_provider"].append((pk, provider))
        if employer_id and rng.random() < 0.6:
            self.rows["consent_employer"].append((pk, employer_id))
        self.result.consents += 1

    # ------------------------------------------------------------------- the plan

    def _plan(self, story: Story, level: int | None, goal: str) -> None:
        rng, today = self.rng, self.today
        approved, approver = story.entered[Status.PLAN_APPROVED]
        approver = approver or story.cm
        since = story.at(Status.CONSENTED) or story.at(Status.ASSESSED) or approved
        rehab = story.at(Status.IN_REHABILITATION)
        past = min((story.entered[s][0] for s in PAST_REHAB if s in story.entered), default=None)
        placement = story.at(Status.JOB_PLACEMENT) if story.in_jpess else None
        # The plan starts within a week of its approval, and by the next stage.
        start = approved.date() + dt.timedelta(days=rng.randint(0, 7))
        later = [at for at, _by in story.entered.values() if at > approved]
        if later:
            start = min(start, min(later).date())
        end = start + dt.timedelta(days=rng.randint(90, 240))
        if past:
            end = max(end, past.date() + dt.timedelta(days=rng.randint(0, 30)))
        if level and rng.random() < 0.7:
            aim = level
        else:
            aim = (AIMS_JPESS if story.in_jpess else AIMS_SAME_EMPLOYER)(rng)

        # How the interventions' statuses are decided, by where the case is now.
        if past:
            rules = ("done", past.date(), past.date())
        elif story.status == Status.IN_REHABILITATION:
            rules = ("ongoing", today, end)
        elif story.status == Status.PLAN_APPROVED:
            rules = ("waiting", today, end)
        else:
            rules = ("stopped", story.work_end.date(), end)
        count = INTERVENTIONS(rng) - (1 if placement else 0)
        items = [self._item(kind, story.state, start, rules) for kind in self._kinds(count, ())]
        if placement:
            day = placement.date()
            due = day + dt.timedelta(days=rng.randint(60, 150))
            if Status.RETURNED_TO_WORK in story.entered:
                mode, ref = "done", due
            elif story.status == Status.JOB_PLACEMENT:
                mode, ref = "ongoing", today
            else:
                mode, ref = "stopped", story.work_end.date()
            words = text.INTERVENTION_TEXT[Kind.JOB_PLACEMENT][0]
            items.append(Item(Kind.JOB_PLACEMENT, words, None, day, due, 0, mode, ref))
            end = max(end, due)

        # Version 1: made after the consent and approved at the transition; one in ten
        # returned once and resubmitted first.
        created = self._between(since, approved, 0.05, 0.3)
        returned = None
        if rng.random() < 0.10:
            first_sent = self._between(created, approved, 0.1, 0.3)
            returned = self._between(first_sent, approved, 0.2, 0.5)
            submitted = self._between(returned, approved, 0.3, 0.8)
        else:
            submitted = self._between(created, approved, 0.4, 0.95)
        # Version 2 for one case in ten long enough in rehabilitation: approved later,
        # with one intervention more (or a later end), it supersedes version 1.
        second = None
        until = past or story.work_end
        if rehab and until - rehab > dt.timedelta(days=20) and rng.random() < 0.10:
            second = self._when(rehab, until, 0.2, 0.8)
        pk = self.writers["plan"].allocate()
        status = PlanStatus.SUPERSEDED if second else PlanStatus.APPROVED
        why = rng.choice(text.REJECTION_REASONS) if returned else ""
        self.rows["plan"].append(
            (pk, story.case_id, 1, status, aim, goal, True, start, end, story.cm, created)
            + (story.cm, submitted, approver, approved)
            + (approver if returned else None, returned, why, second)
        )
        self.result.plans += 1
        for item in items:
            item.final = self._status(item)
            status = self._frozen(item, second)
            item.first = self._intervention(story, pk, item, status, None, not second)
        if second:
            plan = (aim, goal, start, end, approver)
            items = self._second(story, plan, items, second, rehab, rules)
        for item in items:
            self._referral(story, item, approved.date(), second)

    def _second(self, story: Story, plan, items: list[Item], at, rehab, rules) -> list[Item]:
        rng = self.rng
        aim, goal, start, end, approver = plan
        created = self._between(max(rehab, at - dt.timedelta(days=14)), at, 0.0, 0.5)
        submitted = self._between(created, at, 0.3, 0.9)
        # A new version adds an intervention, or moves the end of a plan running late.
        mode, ref, last = rules
        if len(items) >= 4 or at.date() > end - dt.timedelta(days=14):
            end = max(end, at.date()) + dt.timedelta(days=rng.randint(30, 60))
        if len(items) < 4:
            kind = self._kinds(1, {item.kind for item in items})[0]
            last = last if mode == "done" else end
            added = self._item(kind, story.state, at.date(), (mode, ref, last))
            added.final = self._status(added)
            items = [*items, added]
        pk = self.writers["plan"].allocate()
        self.rows["plan"].append(
            (pk, story.case_id, 2, PlanStatus.APPROVED, aim, goal, True, start, end, story.cm)
            + (created, story.cm, submitted, approver, at, None, None, "", None)
        )
        self.result.plans += 1
        for item in items:
            item.second = self._intervention(story, pk, item, item.final, item.first, True)
        return items

    def _kinds(self, count: int, taken) -> list[str]:
        kinds: list[str] = []
        while len(kinds) < count:
            kind = REHAB_KINDS(self.rng)
            if kind not in kinds and kind not in taken:
                kinds.append(kind)
        return kinds

    def _item(self, kind: str, state: str, start: dt.date, rules) -> Item:
        """An intervention from `start` to the end of the window `rules` give."""
        rng = self.rng
        mode, ref, last = rules
        begin = start + dt.timedelta(days=rng.randint(0, max(0, (last - start).days) // 2))
        rest = (last - begin).days
        length = rng.randint(min(14, rest), min(rest, 120)) if rest > 0 else 0
        low, high = KIND_COSTS.get(kind, (0, 0))
        cost = low + 50 * rng.randint(0, (high - low) // 50)
        words = rng.choice(text.INTERVENTION_TEXT[kind])
        due = begin + dt.timedelta(days=length)
        return Item(kind, words, self._provider(kind, state), begin, due, cost, mode, ref)

    def _status(self, item: Item) -> str:
        rng, ref = self.rng, item.ref
        if item.mode == "done":
            finished = rng.random() < 0.95
            return InterventionStatus.COMPLETED if finished else InterventionStatus.CANCELLED
        if item.mode == "stopped":
            finished = item.due <= ref
            return InterventionStatus.COMPLETED if finished else InterventionStatus.CANCELLED
        if item.due < ref:  # the daily check marks what is late "overdue"
            late = item.mode == "waiting" or rng.random() < 0.25
            return InterventionStatus.OVERDUE if late else InterventionStatus.COMPLETED
        if item.mode == "ongoing" and item.start <= ref:
            return InterventionStatus.IN_PROGRESS
        return InterventionStatus.PLANNED

    @staticmethod
    def _frozen(item: Item, at: dt.datetime | None) -> str:
        """The status an intervention had when its version was superseded at `at`."""
        if at is None:
            return item.final
        day = at.date()
        if item.due < day:
            done = item.final == InterventionStatus.COMPLETED
            return InterventionStatus.COMPLETED if done else InterventionStatus.OVERDUE
        return InterventionStatus.IN_PROGRESS if item.start <= day else InterventionStatus.PLANNED

    def _intervention(
        self, story: Story, plan: int, item: Item, status: str, copied_from, in_force: bool
    ) -> int:
        """in_force: the plan is the approved version (the reports' copy, with the
        case's office and sex: Intervention.plan_in_force)."""
        pk = self.writers["intervention"].allocate()
        provider = item.provider[0] if item.provider else None
        self.rows["intervention"].append(
            (pk, plan, item.kind, item.description, provider, item.start, item.due, status)
            + (item.cost, copied_from, story.office, story.sex, in_force)
        )
        self.result.interventions += 1
        return pk

    def _referral(self, story: Story, item: Item, approved: dt.date, second) -> None:
        """Half the interventions a provider delivers are referred to it formally,
        on the version of the plan in force on the day."""
        rng = self.rng
        if item.provider is None or rng.random() >= 0.5:
            return
        # By the day work stopped; on an open case (stopped "now", at midnight) yesterday.
        latest = (story.work_end - dt.timedelta(microseconds=1)).date()
        referred = item.start - dt.timedelta(days=rng.randint(0, 10))
        if item.first is None:  # added in version 2
            referred = max(referred, second.date())
        referred = min(max(referred, approved), latest)
        on_second = item.second and (item.first is None or referred >= second.date())
        target = item.second if on_second else item.first
        accepted = report = None
        summary, cost, status = "", None, ReferralStatus.REFERRED
        if item.final == InterventionStatus.CANCELLED:
            status = ReferralStatus.CANCELLED
        elif item.final != InterventionStatus.PLANNED or rng.random() < 0.5:
            accepted = min(referred + dt.timedelta(days=rng.randint(1, 7)), latest)
            status = ReferralStatus.ACCEPTED
        if item.final == InterventionStatus.COMPLETED:
            report = item.due + dt.timedelta(days=rng.randint(0, 14))
            report = max(min(report, story.life_end.date()), accepted or referred)
            summary, cost = rng.choice(text.REPORT_SUMMARIES), item.cost
            status = ReferralStatus.REPORT_RECEIVED
        created = min(self._at(referred, rng.randint(9, 17)), story.now)
        self.rows["referral"].append(
            (story.case_id, target, item.provider[0], referred, accepted, report, summary)
            + (cost, status, story.cm, created)
        )
        self.result.referrals += 1

    # ------------------------------------------------------- notes, contacts, tasks

    def _notes(self, story: Story, steps, least: int) -> None:
        rng, when, case_id, cm = self.rng, self._when, story.case_id, story.cm
        count = max(least, NOTES(rng))
        if not count:
            return
        times = [at for _to, at, _by in steps]
        assigned, end = story.at(Status.ASSIGNED), story.life_end
        append = self.rows["note"].append
        for at in sorted(when(assigned, end) for _ in range(count)):
            stage = steps[max(0, bisect.bisect_right(times, at) - 1)][0]
            append((case_id, rng.choice(text.NOTES.get(stage, LATE_NOTES)), cm, at))
        self.result.notes += count

    def _contacts(self, story: Story, employer_name: str | None) -> int:
        rng, case_id, cm = self.rng, story.case_id, story.cm
        assigned, end = story.at(Status.ASSIGNED), story.life_end
        append = self.rows["contact"].append
        count = CONTACTS(rng)
        for _ in range(count):
            party = PARTIES(rng)
            if party == "employer":
                name = employer_name or ""
            elif party == "provider":
                near = self.near[story.state]
                name = rng.choice(near)[1] if near else ""
            else:
                name = rng.choice(text.PARTY_NAMES.get(party, ("",)))
            at = self._when(assigned, end)
            recorded = max(at, min(at + dt.timedelta(minutes=rng.randint(2, 240)), end))
            summary = rng.choice(text.CONTACT_SUMMARIES[party])
            method, follow_up = METHODS(rng), rng.random() < 0.2
            append((case_id, party, name, method, at, summary, follow_up, cm, recorded))
        self.result.contacts += count
        return count

    def _tasks(self, story: Story) -> int:
        """Tasks done over the case's life; on an open case, some still to do."""
        rng, cm = self.rng, story.cm
        assigned = story.at(Status.ASSIGNED)
        done_count = TASKS_DONE(rng)
        for _ in range(done_count):
            created = self._when(assigned, story.life_end, 0.0, 0.9)
            due = created.date() + dt.timedelta(days=rng.randint(3, 21))
            limit = min(self._at(due + dt.timedelta(days=7), 17), story.life_end)
            done = self._when(created, limit)
            title = rng.choice(text.TASKS)
            self.rows["task"].append((story.case_id, title, due, cm, cm, created, done, cm))
        open_count = TASKS_OPEN(rng) if story.status in OPEN_STATUSES else 0
        for _ in range(open_count):
            due = self.today + dt.timedelta(days=rng.randint(-5, 21))
            due = max(due, assigned.date())
            low = max(assigned, self._at(due - dt.timedelta(days=30), 9))
            created = self._when(low, min(story.now, self._at(due, 0)))
            title = rng.choice(text.TASKS)
            self.rows["task"].append((story.case_id, title, due, cm, cm, created, None, None))
        self.result.tasks += done_count + open_count
        return done_count + open_count


def rehab_generate(
    *, seed: int, batch_size: int = 5000, today: dt.date | None = None
) -> RehabResult:
    return RehabPass(seed=seed, batch_size=batch_size, today=today).run()
