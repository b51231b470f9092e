"""The assessment, consent, plan, provider referral, job coach and support session
sources of the case timeline read values with SQL built once per database
(kembali.cases.timeline.source_rows), as the other sources do: compared here, entry
by entry and in both languages, with those sources as they were (model instances,
one ORM query each), over cases with every variant of those rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kembali.cases import assessment as assessments
from kembali.cases import consent as consents
from kembali.cases.models import Assessment, Case, Consent, RtwLevel, Status
from kembali.cases.timeline import TimelineEntry, case_timeline, source_rows, start_of_day
from kembali.placement import timeline_jobs as jobs
from kembali.placement.models_jobs import JobCoach, SessionKind, SupportSession
from kembali.plans import timeline as plans
from kembali.plans.models import (
    Intervention,
    InterventionKind,
    PlanStatus,
    ProviderReferral,
    RehabPlan,
)
from kembali.providers.models import Provider
from tests.factories import CaseFactory, EmployerFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


# --- The sources as they were -----------------------------------------------------


def _name(user) -> str:
    return user.display_name if user is not None else ""


def was_assessment(case):
    for row in Assessment.objects.filter(case=case).select_related("assessed_by"):
        title = (
            _("Initial assessment of %(date)s recorded")
            if row.is_initial
            else _("Reassessment of %(date)s recorded")
        )
        yield TimelineEntry(
            row.created_at,
            "assessment",
            title % {"date": date_format(row.assessed_on)},
            assessments.assessment_summary(row),
            row.assessed_by.display_name,
        )


def _was_parties(row) -> str:
    parts = []
    if row.provider_count:
        parts.append(
            ngettext(
                "%(count)s rehabilitation provider",
                "%(count)s rehabilitation providers",
                row.provider_count,
            )
            % {"count": row.provider_count}
        )
    if row.employer_count:
        parts.append(
            ngettext("%(count)s employer", "%(count)s employers", row.employer_count)
            % {"count": row.employer_count}
        )
    if row.shares_with_jpess:
        parts.append(_("the job placement service (JPESS)"))
    if not parts:
        return _("Data may not be shared with anyone outside PERKESO.")
    return _("Data may be shared with: %(parties)s.") % {"parties": ", ".join(parts)}


def was_consent(case):
    rows = (
        Consent.objects.filter(case=case)
        .select_related("recorded_by", "withdrawn_by")
        .annotate(
            provider_count=Count("providers", distinct=True),
            employer_count=Count("employers", distinct=True),
        )
    )
    for row in rows:
        yield TimelineEntry(
            row.recorded_at,
            "consent",
            _("Consent to join the programme given on %(date)s")
            % {"date": date_format(row.given_on)},
            f"{row.get_method_display()}. {_was_parties(row)}",
            row.recorded_by.display_name,
        )
        if row.is_withdrawn:
            yield TimelineEntry(
                row.withdrawn_at,
                "consent",
                _("Consent withdrawn on %(date)s") % {"date": date_format(row.withdrawn_on)},
                row.withdrawal_reason,
                _name(row.withdrawn_by),
            )


def was_plan(case):
    plans_ = RehabPlan.objects.filter(case=case).select_related(
        "created_by", "submitted_by", "approved_by", "rejected_by"
    )
    for plan in plans_:
        version = {"version": plan.version}
        frame = _("Goal: %(goal)s. Time frame %(start)s to %(end)s.") % {
            "goal": plan.get_goal_display(),
            "start": date_format(plan.start_date),
            "end": date_format(plan.target_end_date),
        }
        yield TimelineEntry(
            plan.created_at,
            "plan",
            _("Rehabilitation plan version %(version)s started") % version,
            frame,
            _name(plan.created_by),
        )
        if plan.submitted_at:
            yield TimelineEntry(
                plan.submitted_at,
                "plan",
                _("Plan version %(version)s submitted for approval") % version,
                "",
                _name(plan.submitted_by),
            )
        if plan.status == PlanStatus.REJECTED and plan.rejected_at:
            yield TimelineEntry(
                plan.rejected_at,
                "plan",
                _("Plan version %(version)s returned for changes") % version,
                plan.rejection_reason,
                _name(plan.rejected_by),
            )
        if plan.approved_at:
            yield TimelineEntry(
                plan.approved_at,
                "plan",
                _("Plan version %(version)s approved") % version,
                frame,
                _name(plan.approved_by),
            )
        if plan.superseded_at:
            yield TimelineEntry(
                plan.superseded_at, "plan", _("Plan version %(version)s superseded") % version
            )


def was_provider_referral(case):
    referrals = ProviderReferral.objects.filter(case=case).select_related(
        "provider", "intervention", "created_by"
    )
    for referral in referrals:
        provider = {"provider": referral.provider.local_name}
        detail = referral.intervention.get_kind_display() if referral.intervention else ""
        yield TimelineEntry(
            start_of_day(referral.referred_on),
            "provider_referral",
            _("Referred to %(provider)s") % provider,
            detail,
            _name(referral.created_by),
        )
        if referral.accepted_on:
            yield TimelineEntry(
                start_of_day(referral.accepted_on),
                "provider_referral",
                _("%(provider)s accepted the referral") % provider,
            )
        if referral.report_received_on:
            yield TimelineEntry(
                start_of_day(referral.report_received_on),
                "provider_referral",
                _("Report received from %(provider)s") % provider,
                referral.report_summary,
            )


def was_job_coach(case):
    for row in JobCoach.objects.filter(case=case).select_related("coach_user", "assigned_by"):
        name = {"name": row.display_name}
        yield TimelineEntry(
            start_of_day(row.assigned_on),
            "job_coach",
            _("Job coach assigned: %(name)s") % name,
            "",
            _name(row.assigned_by),
        )
        if row.ended_on:
            yield TimelineEntry(
                start_of_day(row.ended_on),
                "job_coach",
                _("Job coach's support ended: %(name)s") % name,
            )


def was_support_session(case):
    for row in SupportSession.objects.filter(case=case).select_related("given_by_user"):
        values = {"minutes": row.duration_minutes}
        if row.kind == SessionKind.COACHING:
            title = _("Job coaching session, %(minutes)s minutes") % values
        else:
            title = _("Counselling session, %(minutes)s minutes") % values
        yield TimelineEntry(
            start_of_day(row.held_on),
            "support_session",
            title,
            row.topics,
            _name(row.given_by_user) or row.given_by_name,
        )


PAIRS = [
    (assessments.assessment_entries, was_assessment, assessments._assessment_rows),
    (consents.consent_entries, was_consent, consents._consent_rows),
    (plans.plan_entries, was_plan, plans._plan_rows),
    (plans.referral_entries, was_provider_referral, plans._referral_rows),
    (jobs.job_coach_entries, was_job_coach, jobs._job_coach_rows),
    (jobs.support_session_entries, was_support_session, jobs._support_session_rows),
]


# --- Cases with every variant of those rows --------------------------------------------


def _at(days: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(DAY + dt.timedelta(days=days), dt.time(10)))


def _assessments(case, manager, other) -> None:
    ratings = {f"{key}_rating": (n + case.pk) % 4 for n, key in enumerate(assessments.AREA_KEYS)}
    first = Assessment.objects.create(
        case=case,
        assessed_on=DAY,
        assessed_by=manager,
        person_goal="Kembali memandu lori <ringan>",
        medical_notes="Back pain",
        **ratings,
    )
    Assessment.objects.filter(pk=first.pk).update(created_at=_at(1))
    review = Assessment.objects.create(
        case=case,
        assessed_on=DAY + dt.timedelta(days=60),
        assessed_by=other,
        is_initial=False,
        person_goal="Light driving & deliveries",
        **{key: 3 - value for key, value in ratings.items()},
    )
    Assessment.objects.filter(pk=review.pk).update(created_at=_at(61))


def _consents(case, manager, other, n: int) -> None:
    hkl, ppk = Provider.objects.order_by("code")[:2]
    given = Consent.objects.create(
        case=case,
        given_on=DAY + dt.timedelta(days=3),
        method=Consent.Method.choices[n % 2][0],
        joins_programme=True,
        intention_confirmed=True,
        shares_with_jpess=n % 2 == 0,
        recorded_by=manager,
        recorded_at=_at(4),
    )
    given.providers.set([hkl, ppk][: n % 3])
    given.employers.set([EmployerFactory() for _n in range(n % 2)])
    if n == 2:  # a bare consent, later withdrawn
        given.withdrawn_on = DAY + dt.timedelta(days=90)
        given.withdrawn_at = _at(91)
        given.withdrawn_by = other if n else None
        given.withdrawal_reason = "Moved to Sabah\nwith family"
        given.save()


def _plans(case, manager, supervisor) -> None:
    rejected = RehabPlan.objects.create(
        case=case,
        version=1,
        status=PlanStatus.REJECTED,
        goal=RtwLevel.SAME_JOB_SAME_EMPLOYER,
        start_date=DAY,
        target_end_date=DAY + dt.timedelta(days=120),
        created_by=manager,
        submitted_by=manager,
        submitted_at=_at(6),
        rejected_by=supervisor,
        rejected_at=_at(7),
        rejection_reason="Add a <work-site> assessment",
    )
    approved = RehabPlan.objects.create(
        case=case,
        version=2,
        status=PlanStatus.SUPERSEDED,
        goal=RtwLevel.DIFFERENT_JOB_SAME_EMPLOYER,
        start_date=DAY + dt.timedelta(days=8),
        target_end_date=DAY + dt.timedelta(days=150),
        created_by=manager,
        submitted_by=manager,
        submitted_at=_at(8),
        approved_by=supervisor,
        approved_at=_at(9),
        superseded_at=_at(40),
    )
    RehabPlan.objects.create(
        case=case,
        version=3,
        status=PlanStatus.DRAFT,
        goal=RtwLevel.SAME_JOB_SAME_EMPLOYER,
        start_date=DAY + dt.timedelta(days=40),
        target_end_date=DAY + dt.timedelta(days=160),
        created_by=supervisor,
    )
    RehabPlan.objects.filter(pk=rejected.pk).update(created_at=_at(5))
    physio = Intervention.objects.create(
        plan=approved,
        kind=InterventionKind.PHYSICAL,
        planned_start=DAY + dt.timedelta(days=10),
        due_date=DAY + dt.timedelta(days=70),
        cost=Decimal("2400.00"),
    )
    hkl, ppk = Provider.objects.order_by("code")[:2]
    ppk.name_ms = "Pusat Pemulihan <Ujian>"
    ppk.save()
    for provider, intervention, accepted, report in (
        (hkl, physio, 12, 65),
        (ppk, None, None, None),
        (ppk, physio, 14, None),
    ):
        ProviderReferral.objects.create(
            case=case,
            intervention=intervention,
            provider=provider,
            referred_on=DAY + dt.timedelta(days=10),
            accepted_on=DAY + dt.timedelta(days=accepted) if accepted else None,
            report_received_on=DAY + dt.timedelta(days=report) if report else None,
            report_summary="Lifts 10 kg & walks 1 km" if report else "",
            created_by=manager,
        )


def _coaching(case, manager, other) -> None:
    JobCoach.objects.create(
        case=case,
        coach_user=other,
        assigned_by=manager,
        assigned_on=DAY + dt.timedelta(days=20),
        ended_on=DAY + dt.timedelta(days=50),
    )
    JobCoach.objects.create(
        case=case,
        coach_name="Puan Rosnah <Coach>",
        assigned_by=other,
        assigned_on=DAY + dt.timedelta(days=51),
    )
    for n, (kind, user, name) in enumerate(
        (
            (SessionKind.COACHING, other, ""),
            (SessionKind.COUNSELLING, None, "Dr. Lim, counsellor"),
        )
    ):
        SupportSession.objects.create(
            case=case,
            kind=kind,
            held_on=DAY + dt.timedelta(days=25 + n),
            duration_minutes=45 + 15 * n,
            given_by_user=user,
            given_by_name=name,
            topics="Travel to work\nand the new shift",
            recorded_by=manager,
            recorded_at=_at(25 + n),
        )


@pytest.fixture
def cases(kl_office, aisyah, bala, chong):
    made = []
    for n in range(3):
        case = CaseFactory(
            office=kl_office,
            case_manager=aisyah,
            status=Status.JOB_PLACEMENT,
            placement_officer=bala,
        )
        _assessments(case, aisyah, bala)
        _consents(case, aisyah, chong, n)
        _plans(case, aisyah, chong)
        _coaching(case, bala, aisyah)
        made.append(case)
    made.append(CaseFactory(office=kl_office, case_manager=aisyah))  # none of those rows
    return made


@pytest.mark.parametrize("language", ["en", "ms"])
def test_every_source_writes_what_the_model_based_source_wrote(cases, language):
    compared = dict.fromkeys(source.__name__ for source, _was, _rows in PAIRS)
    with translation.override(language):
        for case in Case.objects.order_by("pk"):
            for source, was, _rows in PAIRS:
                ours, theirs = list(source(case)), list(was(case))
                assert ours == theirs, (source.__name__, case.number)
                compared[source.__name__] = (compared[source.__name__] or 0) + len(ours)
    assert all(compared.values()), compared  # every source had entries to compare


def test_source_rows_reads_what_the_orm_reads(cases):
    for case in Case.objects.order_by("pk"):
        for _source, _was, rows_of in PAIRS:
            assert source_rows(case, rows_of) == list(rows_of(case.pk)), rows_of.__name__


def test_a_withdrawn_consent_and_a_malay_provider_name_show_on_the_timeline(cases):
    with translation.override("ms"):
        titles = [entry.title for entry in case_timeline(Case.objects.get(pk=cases[2].pk))]

    assert sum("Pusat Pemulihan <Ujian>" in title for title in titles) == 3
    withdrawn = [entry for entry in case_timeline(cases[2]) if "withdrawn" in entry.title]
    assert [entry.detail for entry in withdrawn] == ["Moved to Sabah\nwith family"]


def test_each_source_reads_in_one_query_however_many_rows(cases):
    case = Case.objects.get(pk=cases[0].pk)
    for source, _was, rows_of in PAIRS:
        # Marked, so that on PostgreSQL the timeline reads it with the others at once.
        assert source.timeline_reads is rows_of
        with CaptureQueriesContext(connection) as read:
            entries = list(source(case))
        assert entries and len(read) == 1, source.__name__
