"""Reading consent: the consent in force, whether data may be shared with a party,
and what consents add to the case timeline. Writes are in services_consent.

Later modules (plans, placement, employers) ask case_has_sharing_consent before
they send a person's data to a provider, an employer or the job placement service."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from django.db.models import Count, QuerySet
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from kembali.cases.models import Case, ClosureReason, Consent
from kembali.cases.timeline import (
    NAME_PARTS,
    TimelineEntry,
    day_text,
    name_from_parts,
    reads,
    source_rows,
)
from kembali.employers.models import Employer
from kembali.providers.models import Provider

# The job placement service as a party to share data with (it has no row of its own).
JPESS = "jpess"


def current_consent(case: Case) -> Consent | None:
    """The newest consent of the case if it is still in force, else None. A newer
    consent replaces an older one; a withdrawn one is not in force."""
    latest = Consent.objects.filter(case=case).order_by("-recorded_at", "-id").first()
    if latest is None or latest.is_withdrawn or not latest.joins_programme:
        return None
    return latest


def case_consents(case: Case) -> list[Consent]:
    """Every consent of the case, newest first, with its parties."""
    return list(
        Consent.objects.filter(case=case)
        .select_related("recorded_by", "withdrawn_by")
        .prefetch_related("providers", "employers")
    )


def case_has_sharing_consent(case: Case, party) -> bool:
    """Whether the person's consent in force lets us share their data with `party`:
    a Provider, an Employer, or JPESS (the job placement service)."""
    if case.closure_reason == ClosureReason.CONSENT_WITHDRAWN:
        # However the ending was recorded, a withdrawal stops all sharing.
        return False
    consent = current_consent(case)
    if consent is None:
        return False
    if party == JPESS:
        return consent.shares_with_jpess
    if isinstance(party, Provider):
        return consent.providers.filter(pk=party.pk).exists()
    if isinstance(party, Employer):
        return consent.employers.filter(pk=party.pk).exists()
    raise TypeError(f"Not a party data can be shared with: {party!r}")


@functools.lru_cache(maxsize=256)
def _parties_text(language: str, providers: int, employers: int, jpess: bool) -> str:
    """With whom a consent lets data be shared: how many providers and employers,
    and whether the job placement service, in `language` (called with it active)."""
    parts = []
    if providers:
        parts.append(
            ngettext(
                "%(count)s rehabilitation provider",
                "%(count)s rehabilitation providers",
                providers,
            )
            % {"count": providers}
        )
    if employers:
        parts.append(
            ngettext("%(count)s employer", "%(count)s employers", employers) % {"count": employers}
        )
    if jpess:
        parts.append(_("the job placement service (JPESS)"))
    if not parts:
        return _("Data may not be shared with anyone outside PERKESO.")
    return _("Data may be shared with: %(parties)s.") % {"parties": ", ".join(parts)}


def _consent_rows(case_id: int) -> QuerySet:
    return (
        Consent.objects.filter(case_id=case_id)
        .annotate(
            provider_count=Count("providers", distinct=True),
            employer_count=Count("employers", distinct=True),
        )
        .values_list(
            "recorded_at",
            "given_on",
            "method",
            "provider_count",
            "employer_count",
            "shares_with_jpess",
            "withdrawn_on",
            "withdrawn_at",
            "withdrawal_reason",
            *(f"recorded_by__{part}" for part in NAME_PARTS),
            *(f"withdrawn_by__{part}" for part in NAME_PARTS),
        )
    )


@functools.lru_cache(maxsize=8)
def _texts(language: str) -> dict:
    """Consent.method's labels and the timeline's titles in `language` (called with
    it active)."""
    return {
        "methods": {value: str(label) for value, label in Consent.Method.choices},
        "given": _("Consent to join the programme given on %(date)s"),
        "withdrawn": _("Consent withdrawn on %(date)s"),
    }


@reads(_consent_rows)
def consent_entries(case: Case) -> Iterable[TimelineEntry]:
    """The case's consents and their withdrawals: values read with SQL built once
    (kembali.cases.timeline.source_rows)."""
    language = get_language()
    texts = _texts(language)
    methods = texts["methods"]
    for row in source_rows(case, _consent_rows):
        recorded_at, given_on, method, providers, employers, jpess = row[:6]
        withdrawn_on, withdrawn_at, reason = row[6:9]
        parties = _parties_text(language, providers, employers, bool(jpess))
        yield TimelineEntry(
            at=recorded_at,
            kind="consent",
            title=texts["given"] % {"date": day_text(given_on)},
            detail=f"{methods.get(method, method)}. {parties}",
            actor=name_from_parts(*row[9:12]),
        )
        if withdrawn_at is not None:  # Consent.is_withdrawn
            yield TimelineEntry(
                at=withdrawn_at,
                kind="consent",
                title=texts["withdrawn"] % {"date": day_text(withdrawn_on)},
                detail=reason,
                actor=name_from_parts(*row[12:15]),
            )
