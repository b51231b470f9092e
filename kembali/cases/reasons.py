"""Reasons the system writes on a case's history, kept as a code and parameters and
put into words when someone reads them, in the reader's language.

A person types their own reason ("the person moved to Johor") and it is stored as
typed. A service that moves a case on its own account ("Rehabilitation started")
passes a ``SystemReason`` instead, so a Malay reader sees Malay even when the step
was taken by someone working in English. The English wording is also stored in
``Transition.reason``, for searches and for readers of the raw data."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from kembali.cases.eligibility import render_decision_reason
from kembali.cases.models import RtwLevel


@dataclass(frozen=True)
class SystemReason:
    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def text(self) -> str:
        return render_reason(self.code, self.params)

    def english(self) -> str:
        with translation.override("en"):
            return self.text()


Renderer = Callable[[Mapping[str, object]], str]
_RENDERERS: dict[str, Renderer] = {}


def register_reason(code: str, renderer: Renderer | str) -> None:
    """Name a reason. A string is a message with %(name)s placeholders, marked with
    gettext_noop by the caller so it lands in the catalogue."""
    if isinstance(renderer, str):
        message = renderer
        _RENDERERS[code] = lambda params: gettext(message) % dict(params)
    else:
        _RENDERERS[code] = renderer


def render_reason(code: str, params: Mapping[str, object] | None) -> str:
    renderer = _RENDERERS.get(code)
    if renderer is None:
        return ""
    try:
        return renderer(params or {})
    except (KeyError, TypeError, ValueError):
        return ""


def reason_text(row) -> str:
    """A history row's reason for the reader: the coded one in their language, or
    the text someone typed."""
    code = getattr(row, "reason_code", "")
    if code:
        return render_reason(code, row.reason_params) or row.reason
    return row.reason


def _eligibility(params: Mapping[str, object]) -> str:
    return render_decision_reason(
        str(params["code"]), [int(r) for r in params.get("rules", [])], translate=gettext
    )


def _back_at_work(params: Mapping[str, object]) -> str:
    return gettext("Back at work: %(level)s") % {"level": RtwLevel(int(params["level"])).label}


register_reason("eligibility", _eligibility)
register_reason("back_at_work", _back_at_work)
register_reason("rehabilitation_started", gettext_noop("Rehabilitation started"))
register_reason("plan_approved", gettext_noop("Rehabilitation plan version %(version)s approved"))
register_reason("referrals_imported", gettext_noop("CSV import of referrals"))
