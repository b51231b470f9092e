"""Reading consent: the consent in force, whether data may be shared with a party,
and what consents add to the case timeline. Writes are in services_consent.

Later modules (plans, placement, employers) ask case_has_sharing_consent before
they send a person's data to a provider, an employer or the job placement service."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kembali.cases.models import Case, ClosureReason, Consent
from kembali.cases.timeline import TimelineEntry
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


def _parties_text(row) -> str:
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


def consent_entries(case: Case) -> Iterable[TimelineEntry]:
    rows = (
        Consent.objects.filter(case=case)
        .select_related("recorded_by", "withdrawn_by")
        .annotate(
            provider_count=Count("providers", distinct=True),
            employer_count=Count("employers", distinct=True),
        )
        .order_by()
    )
    for row in rows:
        yield TimelineEntry(
            at=row.recorded_at,
            kind="consent",
            title=_("Consent to join the programme given on %(date)s")
            % {"date": date_format(row.given_on)},
            detail=f"{row.get_method_display()}. {_parties_text(row)}",
            actor=row.recorded_by.display_name,
        )
        if row.is_withdrawn:
            yield TimelineEntry(
                at=row.withdrawn_at or timezone.now(),
                kind="consent",
                title=_("Consent withdrawn on %(date)s") % {"date": date_format(row.withdrawn_on)},
                detail=row.withdrawal_reason,
                actor=row.withdrawn_by.display_name if row.withdrawn_by else "",
            )
