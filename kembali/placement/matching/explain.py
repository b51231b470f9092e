"""Reason codes in words an officer can read to the person.

Pure: the translator is passed in (``gettext=django.utils.translation.gettext``
from a view; the identity for English and in tests), so the engine stays
free of Django. Every message is a literal in a ``gettext(...)`` or ``gettext_noop(...)``
call, names makemessages knows, so they land in the placement catalogue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from .arrays import EPOCH
from .engine import MatchResult, NearMiss, Reason

Translate = Callable[[str], str]


def _identity(message: str) -> str:
    return message


def _rm(amount: float) -> str:
    return f"RM {amount:,.0f}"


def _km(km: float) -> str:
    return f"{km:.0f}" if km >= 10 else f"{km:.1f}"


def _day(day: int) -> str:
    return (EPOCH + dt.timedelta(days=day)).isoformat()


def gettext_noop(message: str) -> str:
    """Marks a message for makemessages (which knows this name) without
    translating it yet: the tables below are translated one word at a time."""
    return message


_STRENGTH = {
    1: gettext_noop("sedentary"),
    2: gettext_noop("light"),
    3: gettext_noop("medium"),
    4: gettext_noop("heavy"),
    5: gettext_noop("very heavy"),
}
_LEVEL = {
    0: gettext_noop("not needed"),
    1: gettext_noop("low"),
    2: gettext_noop("moderate"),
    3: gettext_noop("high"),
}
_DIMENSION = {
    "standing": gettext_noop("standing and walking"),
    "sitting": gettext_noop("sitting"),
    "fine_hand": gettext_noop("fine hand use"),
    "vision": gettext_noop("vision"),
    "hearing": gettext_noop("hearing"),
    "speech": gettext_noop("speech"),
    "driving": gettext_noop("driving"),
    "cognitive": gettext_noop("cognitive load"),
}
_FEATURE = {
    "wheelchair_access": gettext_noop("wheelchair access"),
    "accessible_toilet": gettext_noop("an accessible toilet"),
    "flexible_hours": gettext_noop("flexible hours"),
    "remote_work": gettext_noop("remote work"),
    "assistive_technology": gettext_noop("assistive technology"),
}


def _strength(level: int, gettext: Translate) -> str:
    return gettext(_STRENGTH[level]) if level in _STRENGTH else str(level)


def _level(level: int, gettext: Translate) -> str:
    return gettext(_LEVEL[level]) if level in _LEVEL else str(level)


def _dimension(name: str, gettext: Translate) -> str:
    return gettext(_DIMENSION[name]) if name in _DIMENSION else name


def _feature(label: str, gettext: Translate) -> str:
    return gettext(_FEATURE[label]) if label in _FEATURE else label


def _within(p: Mapping, gettext: Translate) -> str:
    name, cap, demand = p["dimension"], p["capacity"], p["demand"]
    if name == "lift_kg":
        return gettext("within lifting limit {capacity} kg (job needs {demand} kg)").format(
            capacity=cap, demand=demand
        )
    if name == "strength":
        return gettext("{demand} work, within the capacity for {capacity} work").format(
            demand=_strength(demand, gettext), capacity=_strength(cap, gettext)
        )
    if name == "shift_work":
        return gettext("shift work, and the person can work shifts")
    return gettext("{dimension}: job needs {demand}, tolerance is {capacity}").format(
        dimension=_dimension(name, gettext),
        demand=_level(demand, gettext),
        capacity=_level(cap, gettext),
    )


def _exceeds(p: Mapping, gettext: Translate) -> str:
    name, cap, demand = p["dimension"], p["capacity"], p["demand"]
    if name == "lift_kg":
        return gettext("needs lifting {demand} kg; limit is {capacity} kg").format(
            capacity=cap, demand=demand
        )
    if name == "strength":
        return gettext("needs {demand} work; capacity is {capacity} work").format(
            demand=_strength(demand, gettext), capacity=_strength(cap, gettext)
        )
    if name == "shift_work":
        return gettext("needs shift work; the person cannot work shifts")
    return gettext("{dimension}: needs {demand}; tolerance is {capacity}").format(
        dimension=_dimension(name, gettext),
        demand=_level(demand, gettext),
        capacity=_level(cap, gettext),
    )


_OCCUPATION = {
    ("previous", "unit"): gettext_noop("same occupation as before"),
    ("previous", "minor"): gettext_noop("same occupation group as before"),
    ("previous", "sub_major"): gettext_noop("related occupation to before"),
    ("previous", "major"): gettext_noop("same broad field of work as before"),
    ("preferred", "unit"): gettext_noop("a preferred occupation"),
    ("preferred", "minor"): gettext_noop("in a preferred occupation group"),
    ("preferred", "sub_major"): gettext_noop("related to a preferred occupation"),
    ("preferred", "major"): gettext_noop("in the broad field of a preferred occupation"),
}


def _occupation(p: Mapping, gettext: Translate) -> str:
    message = _OCCUPATION.get((p["source"], p["level"]))
    return gettext(message or gettext_noop("a different occupation"))


def reason_text(
    reason: Reason,
    *,
    gettext: Translate = _identity,
    skill_name: Callable[[int], str] = str,
) -> str | None:
    """One reason as one phrase; None for a code that needs no words."""
    p = reason.params
    code = reason.code
    if code == "within_limit":
        return _within(p, gettext)
    if code == "no_restriction_applies":
        return gettext("physical demands within capacity")
    if code == "access_met":
        return gettext("has {features}").format(
            features=", ".join(_feature(f, gettext) for f in p["features"])
        )
    if code == "remote":
        return gettext("remote work")
    if code == "distance":
        return gettext("{km} km away").format(km=_km(p["km"]))
    if code == "occupation":
        return _occupation(p, gettext)
    if code == "skills":
        return gettext("has {held} of the {required} skills asked for").format(**p)
    if code == "missing_skills":
        return gettext("missing skills: {skills}").format(
            skills=", ".join(skill_name(s) for s in p["skills"])
        )
    if code == "wage_meets":
        return gettext("wage {wage} meets the minimum {minimum}").format(
            wage=_rm(p["wage"]), minimum=_rm(p["minimum"])
        )
    if code == "wage_below":
        return gettext("wage {wage} is below the minimum {minimum}").format(
            wage=_rm(p["wage"]), minimum=_rm(p["minimum"])
        )
    if code == "wage":
        return gettext("wage {wage}").format(wage=_rm(p["wage"]))
    if code == "pre_injury_employer":
        return gettext("at the pre-injury employer")
    if code == "rtw_level":
        return _rtw_level(p["level"], gettext)
    if code == "exceeds_limit":
        return _exceeds(p, gettext)
    if code == "access_missing":
        return gettext("needs {feature}; the workplace does not have it").format(
            feature=_feature(p["feature"], gettext)
        )
    if code == "too_far":
        return gettext("{km} km away; travel limit is {limit} km").format(
            km=_km(p["km"]), limit=_km(p["limit"])
        )
    if code == "closed":
        return gettext("the vacancy is not open")
    if code == "not_open_yet":
        return gettext("the vacancy opens on {day}").format(day=_day(p["opens_day"]))
    if code == "closed_on":
        return gettext("the vacancy closed on {day}").format(day=_day(p["closes_day"]))
    return None


_RTW_LEVEL = {
    1: gettext_noop("RTW level 1: same job, same employer"),
    2: gettext_noop("RTW level 2: similar job, same employer"),
    3: gettext_noop("RTW level 3: different job, same employer"),
    4: gettext_noop("RTW level 4: same job, different employer"),
    5: gettext_noop("RTW level 5: similar job, different employer"),
    6: gettext_noop("RTW level 6: different job, different employer"),
}


def _rtw_level(level: int, gettext: Translate) -> str:
    return gettext(_RTW_LEVEL[level]) if level in _RTW_LEVEL else str(level)


def explain(
    result: MatchResult,
    *,
    gettext: Translate = _identity,
    skill_name: Callable[[int], str] = str,
) -> list[str]:
    """The result's reasons as lines, in the order the engine gave them."""
    lines = []
    for reason in result.reasons:
        text = reason_text(reason, gettext=gettext, skill_name=skill_name)
        if text:
            lines.append(text)
    return lines


def explain_near_miss(
    miss: NearMiss, *, gettext: Translate = _identity, skill_name: Callable[[int], str] = str
) -> str:
    return reason_text(miss.failed, gettext=gettext, skill_name=skill_name) or miss.failed.code
