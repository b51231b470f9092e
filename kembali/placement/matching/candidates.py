"""How the matching index learns that a candidate changed: the candidate marker.

A candidate is a case in JPESS in the job placement stage with a current placement
assessment (index.candidate_assessments). What the person index holds of one comes
from the assessment, the case (stage, JPESS, office) and the pre-injury employment.
Each write that can change it bumps ``CandidateIndexVersion`` and logs the case in
``CandidateIndexChange`` in the writing transaction (employers.freshness.marker_bump):

- an assessment recorded or superseded (post_save of ``PlacementAssessment``; its
  skills and occupations are set in the same transaction as its save). Assessments
  are deleted only with their case; the index may keep a deleted case's row until
  its next rebuild, and the match pages drop rows whose case is gone;
- a case saved with a different stage, JPESS flag, office or pre-injury employment,
  when it is a candidate before or after the save (post_save of ``Case``, compared
  with the values it was loaded with: no query);
- an employment record whose occupation or employer changes while a candidate's
  case or current assessment names it (post_save of ``Employment``: one query,
  only when one of those two fields changed);
- bulk writes that send no signals (the data generator) call
  ``candidates_changed()``, after which the index rebuilds whole.

Other writes (a note, a task, a case manager's reassignment, a case outside job
placement moving between earlier stages) leave the marker alone.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.db.models.signals import post_init, post_save

from kembali.cases.models import Case
from kembali.employers.freshness import marker_bump
from kembali.people.models import Employment
from kembali.placement.matching.index import CANDIDATE_STATUSES, candidate_assessments
from kembali.placement.models import (
    CandidateIndexChange,
    CandidateIndexVersion,
    PlacementAssessment,
)

# The case columns the person index depends on (office: who may see the candidate).
CASE_FIELDS = ("status", "in_jpess", "office_id", "pre_injury_employment_id")
CASE_FIELD_NAMES = frozenset(
    {*CASE_FIELDS, "status", "in_jpess", "office", "pre_injury_employment"}
)
EMPLOYMENT_FIELDS = ("isco_unit_id", "employer_id")
EMPLOYMENT_FIELD_NAMES = frozenset({*EMPLOYMENT_FIELDS, "isco_unit", "employer"})
# A field not loaded (deferred): whether it changed is unknown.
_UNKNOWN = object()
_LOADED = "_candidate_fields_loaded"


def candidates_changed(*, case_ids: Iterable[int] | None = None) -> int | None:
    """Bump the candidate marker and log the cases (None: many; the index rebuilds).
    Call it in the transaction that wrote them."""
    return marker_bump(
        marker=CandidateIndexVersion, log=CandidateIndexChange, id_field="case_id", ids=case_ids
    )


def _values(instance, fields: tuple[str, ...]) -> tuple:
    # Read __dict__, not the attribute: a deferred field would cost a query.
    loaded = instance.__dict__
    return tuple(loaded.get(name, _UNKNOWN) for name in fields)


def _maybe_candidate(values: tuple) -> bool:
    status, in_jpess = values[0], values[1]
    if status is _UNKNOWN or in_jpess is _UNKNOWN:
        return True
    return status in CANDIDATE_STATUSES and bool(in_jpess)


def _case_loaded(sender, instance, **kwargs) -> None:
    setattr(instance, _LOADED, _values(instance, CASE_FIELDS))


def _case_saved(sender, instance, created, update_fields, raw=False, **kwargs) -> None:
    if raw or (update_fields is not None and not CASE_FIELD_NAMES & set(update_fields)):
        return
    now = _values(instance, CASE_FIELDS)
    before = getattr(instance, _LOADED, None)
    setattr(instance, _LOADED, now)
    if before == now and not created:
        return
    if _maybe_candidate(now) or before is None or _maybe_candidate(before):
        candidates_changed(case_ids=[instance.pk])


def _assessment_written(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        candidates_changed(case_ids=[instance.case_id])


def _employment_loaded(sender, instance, **kwargs) -> None:
    setattr(instance, _LOADED, _values(instance, EMPLOYMENT_FIELDS))


def _employment_saved(sender, instance, created, update_fields, raw=False, **kwargs) -> None:
    if raw or created:  # nothing can name a new employment record yet
        return
    if update_fields is not None and not EMPLOYMENT_FIELD_NAMES & set(update_fields):
        return
    now = _values(instance, EMPLOYMENT_FIELDS)
    before = getattr(instance, _LOADED, None)
    setattr(instance, _LOADED, now)
    if before == now:
        return
    naming = candidate_assessments().filter(
        Q(previous_employment_id=instance.pk) | Q(case__pre_injury_employment_id=instance.pk)
    )
    case_ids = list(naming.values_list("case_id", flat=True))
    if case_ids:
        candidates_changed(case_ids=case_ids)


def connect() -> None:
    """Connect the receivers (PlacementConfig.ready)."""
    post_init.connect(_case_loaded, sender=Case, dispatch_uid="placement.candidate_case_loaded")
    post_save.connect(_case_saved, sender=Case, dispatch_uid="placement.candidate_case_saved")
    post_save.connect(
        _assessment_written,
        sender=PlacementAssessment,
        dispatch_uid="placement.candidate_assessment_saved",
    )
    post_init.connect(
        _employment_loaded, sender=Employment, dispatch_uid="placement.candidate_employment_loaded"
    )
    post_save.connect(
        _employment_saved, sender=Employment, dispatch_uid="placement.candidate_employment_saved"
    )
