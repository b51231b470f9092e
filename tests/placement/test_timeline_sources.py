"""The case timeline's sources read values with SQL built once per database
(kembali.cases.timeline.source_rows) and write what the model-based sources wrote:
compared here, entry by entry and in both languages, with those sources as they
were, over a generated world of JPESS cases and the rows the generator never makes
(support activities, milestones, an overridden outcome)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kembali.accounts.models import Role, User
from kembali.audit.services import audit_record
from kembali.cases import timeline
from kembali.cases.models import Case, RtwLevel, RtwOutcome
from kembali.cases.timeline import TimelineEntry, source_rows
from kembali.cases.timeline_monitoring import outcome_entries
from kembali.core.generate.builder import generate
from kembali.placement import timeline as jpess
from kembali.placement import timeline_followup as followup
from kembali.placement import timeline_jobs as jobs
from kembali.placement.models import (
    ActivityKind,
    ActivityStatus,
    FollowUp,
    IncomeMilestone,
    JpessReferral,
    PlacementAssessment,
    SelfEmploymentPlan,
    SelfEmploymentSupport,
    SupportActivity,
    SupportPlan,
    VacancyReferral,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 30)


# --- The sources as they were: model instances, one ORM query each -------------


def _name(user) -> str:
    return user.display_name if user is not None else ""


def _on(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def was_referral(case):
    for row in JpessReferral.objects.filter(case=case).select_related("referred_by"):
        yield TimelineEntry(
            row.referred_at, "jpess", _("Referred to JPESS"), row.reason, _name(row.referred_by)
        )


def was_assessment(case):
    for row in PlacementAssessment.objects.filter(case=case).select_related("assessed_by"):
        yield TimelineEntry(
            row.created_at,
            "placement_assessment",
            _("Job placement assessment recorded, dated %(date)s")
            % {"date": date_format(row.assessed_on)},
            _("Strength: %(strength)s. Heaviest safe lift %(kg)s kg.")
            % {"strength": row.get_strength_level_display(), "kg": row.max_lift_kg},
            _name(row.assessed_by),
        )


def was_activity(case):
    rows = SupportActivity.objects.filter(plan__case=case).select_related("created_by", "owner")
    for row in rows:
        yield TimelineEntry(
            row.created_at,
            "support_activity",
            _("Support plan activity planned: %(kind)s, for %(date)s")
            % {"kind": row.get_kind_display(), "date": date_format(row.planned_on)},
            row.description,
            _name(row.created_by),
        )
        if row.status == ActivityStatus.DONE and row.done_on:
            yield TimelineEntry(
                _on(row.done_on),
                "support_activity",
                _("Support plan activity done: %(kind)s") % {"kind": row.get_kind_display()},
                "",
                row.owner_name,
            )


def was_vacancy_referral(case):
    for event in jobs.referral_events(VacancyReferral.objects.filter(case_id=case.pk)):
        title, detail = jobs.step_text(event, jobs._label(event))
        yield TimelineEntry(event.at, "vacancy_referral", title, detail, _name(event.actor))


def was_follow_up(case):
    rows = FollowUp.objects.filter(case=case, done_on__isnull=False).select_related("recorded_by")
    for row in rows:
        if row.still_employed:
            title = _("%(months)s-month follow-up: still in work") % {"months": row.months}
            detail = _("%(hours)s hours a week, RM %(wage)s a month, %(employer)s.") % {
                "hours": row.hours_per_week,
                "wage": row.monthly_wage,
                "employer": _("same employer") if row.same_employer else _("another employer"),
            }
        else:
            title = _("%(months)s-month follow-up: no longer in work") % {"months": row.months}
            detail = row.problems
        yield TimelineEntry(
            row.recorded_at or _on(row.done_on), "follow_up", title, detail, _name(row.recorded_by)
        )


def was_self_employment(case):
    plan = SelfEmploymentPlan.objects.filter(case=case).select_related("created_by").first()
    if plan is None:
        return
    yield TimelineEntry(
        plan.created_at,
        "self_employment",
        _("Self-employment plan written"),
        plan.business_idea,
        _name(plan.created_by),
    )
    if plan.started_on is not None:
        yield TimelineEntry(
            _on(plan.started_on),
            "self_employment",
            _("The business started, on %(date)s") % {"date": date_format(plan.started_on)},
        )


def was_support(case):
    rows = SelfEmploymentSupport.objects.filter(plan__case=case).select_related("recorded_by")
    for row in rows:
        yield TimelineEntry(
            _on(row.given_on),
            "self_employment",
            _("Self-employment support given: %(kind)s, RM %(amount)s")
            % {"kind": row.get_kind_display(), "amount": row.amount},
            row.description,
            _name(row.recorded_by),
        )


def was_milestone(case):
    for row in IncomeMilestone.objects.filter(plan__case=case, reported_on__isnull=False):
        yield TimelineEntry(
            _on(row.reported_on),
            "self_employment",
            _("Business income reported: RM %(actual)s a month (target RM %(target)s)")
            % {"actual": row.actual_monthly_income, "target": row.target_monthly_income},
            row.notes,
        )


def was_outcome(case):
    outcomes = RtwOutcome.objects.filter(case=case).select_related(
        "employer", "isco_unit", "recorded_by", "overridden_by"
    )
    for outcome in outcomes:
        where = outcome.employer_name or (outcome.employer.name if outcome.employer else "")
        if outcome.self_employed:
            where = where or _("self-employed")
        detail = _("%(title)s at %(where)s from %(date)s (%(isco)s)") % {
            "title": outcome.job_title,
            "where": where,
            "date": date_format(outcome.return_date),
            "isco": outcome.isco_unit,
        }
        if outcome.is_overridden:
            detail += "\n" + _(
                "Level set by %(who)s instead of the classified %(auto)s: %(reason)s"
            ) % {
                "who": _name(outcome.overridden_by),
                "auto": outcome.get_auto_level_display(),
                "reason": outcome.override_reason,
            }
        yield TimelineEntry(
            outcome.recorded_at,
            "outcome",
            _("Return to work recorded: level %(level)s, %(label)s")
            % {"level": outcome.level, "label": outcome.get_level_display()},
            detail,
            _name(outcome.recorded_by),
        )


PAIRS = [
    (jpess.referral_entries, was_referral),
    (jpess.assessment_entries, was_assessment),
    (jpess.activity_entries, was_activity),
    (jobs.vacancy_referral_entries, was_vacancy_referral),
    (followup.follow_up_entries, was_follow_up),
    (followup.self_employment_entries, was_self_employment),
    (followup.support_entries, was_support),
    (followup.milestone_entries, was_milestone),
    (outcome_entries, was_outcome),
]


# --- A world with every kind of row ----------------------------------------------


@pytest.fixture
def world(db, time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC))
    generate(cases=300, seed=5, today=TODAY)
    staff = User.objects.filter(role=Role.CASE_MANAGER).order_by("pk")
    manager, other = staff[0], staff[1]
    cases = list(Case.objects.filter(in_jpess=True).order_by("pk")[:3])
    now = timezone.now()
    for n, case in enumerate(cases):
        JpessReferral.objects.create(
            case=case,
            reason=f"Needs light work <{n}>\nand a ramp",
            referred_by=manager,
            referred_at=now,
        )
        plan, _created = SupportPlan.objects.get_or_create(
            case=case,
            defaults={
                "goals": "Work again",
                "created_by": manager,
                "created_at": now,
                "updated_at": now,
            },
        )
        for owner, status, done in (
            (None, ActivityStatus.DONE, TODAY),
            (other, ActivityStatus.DONE, TODAY),
            (other, ActivityStatus.PLANNED, None),
        ):
            SupportActivity.objects.create(
                plan=plan,
                kind=ActivityKind.choices[n % len(ActivityKind.choices)][0],
                description="Call the employer & ask",
                owner=owner,
                planned_on=TODAY,
                done_on=done,
                status=status,
                created_at=now,
                created_by=manager,
            )
    for plan in SelfEmploymentPlan.objects.order_by("pk")[:2]:
        IncomeMilestone.objects.create(
            plan=plan,
            due_on=TODAY,
            target_monthly_income=Decimal("1500.00"),
            actual_monthly_income=Decimal("1234.50"),
            reported_on=TODAY,
            notes="Busy month",
        )
    # The generator writes referrals without their steps' audit records.
    steps = [
        ("refer", {"match_score": [None, 87]}, ""),
        (
            "interview",
            {
                "interview_at": [None, "2026-06-01T09:30:00+00:00"],
                "interview_place": [None, "Jalan <Ampang>"],
            },
            "",
        ),
        (
            "offer",
            {
                "offered_on": [None, "2026-06-05"],
                "offered_wage": [None, "2100.5"],
                "offered_hours": [None, 40],
                "employer_feedback_reason": [None, "Keen"],
            },
            "",
        ),
        ("not_selected", {"closed_reason": [None, "Chose another"]}, ""),
        ("withdraw", {}, "The person moved"),
    ]
    for n, referral in enumerate(VacancyReferral.objects.order_by("pk")[:4]):
        for step, changes, reason in steps[n % 2 : n % 2 + 4]:
            audit_record(
                actor=manager if n % 3 else None,
                action=f"vacancy_referral.{step}",
                obj=referral,
                changes=changes,
                reason=reason,
            )
    outcome = RtwOutcome.objects.order_by("pk").first()
    outcome.level = RtwLevel.choices[-1][0] if outcome.auto_level != RtwLevel.choices[-1][0] else 1
    outcome.overridden_by = other
    outcome.override_reason = "Same work, <new> employer"
    outcome.save()
    return outcome


@pytest.mark.parametrize("language", ["en", "ms"])
def test_every_source_writes_what_the_model_based_source_wrote(world, language):
    compared = dict.fromkeys(name.__name__ for name, _was in PAIRS)
    with translation.override(language):
        for case in Case.objects.order_by("pk"):
            for source, was in PAIRS:
                ours, theirs = list(source(case)), list(was(case))
                assert ours == theirs, (source.__name__, case.number)
                compared[source.__name__] = (compared[source.__name__] or 0) + len(ours)
    assert all(compared.values()), compared  # every source had entries to compare


def test_an_overridden_outcome_names_who_overrode_it(world):
    entries = list(outcome_entries(world.case))
    assert "instead of the classified" in entries[0].detail
    assert world.overridden_by.display_name in entries[0].detail


def test_source_rows_reads_what_the_orm_reads_for_every_source(world):
    builders = [
        timeline._transition_rows,
        timeline._assignment_rows,
        jpess._referral_rows,
        jpess._assessment_rows,
        jpess._activity_rows,
        jobs._case_referral_rows,
        followup._follow_up_rows,
        followup._self_employment_rows,
        followup._support_rows,
        followup._milestone_rows,
    ]
    from kembali.cases.timeline_monitoring import _outcome_rows

    builders.append(_outcome_rows)
    for case in Case.objects.order_by("pk")[:120]:
        for rows_of in builders:
            assert source_rows(case, rows_of) == list(rows_of(case.pk)), rows_of.__name__
