"""The case page's content as HTML, written in Python.

Through the template engine the page's sections (the heading and status line, what
is due next with its buttons, the person's and the case's tables, the eligibility
rules, the consent, plan and task sections) cost about 3 ms of a 9 ms page: a
hundred variable lookups and fifty {% translate %} tags for a page whose text is
fixed but for some thirty values. Here the fixed text is translated once per
language (_fixed), each value escaped once as it goes in (about 0.3 ms). The
sections that show nothing but the case number (cases/consent_case_section.html,
plans/_case_plan_link.html) stay templates, rendered once per language with a
stand-in number.

The HTML is what cases/case_detail.html and cases/tasks_case_section.html wrote
(tests/cases/test_case_page_html.py keeps them as its reference and compares them
over realistic cases in both languages).
"""

from __future__ import annotations

import datetime as dt
import functools
from html import escape as _escape  # Django's escape() without its lazy-text check

from django.conf import settings
from django.template.defaultfilters import linebreaksbr
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from kembali.cases.models import Case
from kembali.cases.services_monitoring import may_work_on, open_tasks_of
from kembali.core.templatetags.kembali import _choice_labels, status_tag_class, url_around
from kembali.people.models import InsuredPerson

_NUMBER_STAND_IN = "KEMBALI-CASE-NUMBER-STAND-IN"

# The choice fields the page shows, by model: their labels per language (_fixed).
_CHOICES = {
    Case: ("status", "closure_reason", "referral_source", "rtw_level"),
    InsuredPerson: ("sex", "preferred_language"),
}


def _e(value) -> str:
    """{{ value }}: escaped unless already safe, None as "None". Plain text, most
    values here, goes straight to html.escape (Django's escape() first checks for
    lazy text)."""
    if type(value) is str:
        return _escape(value)
    return conditional_escape(value)


@functools.lru_cache(maxsize=8)
def _fixed(language: str) -> dict:
    """The page's fixed text in `language` (called with it active), as the template
    wrote it: {% translate "..." %} and {% blocktranslate %} leave their text as it is
    (a template's literal is trusted); the sentences' values are escaped when they
    are put in."""
    return {
        "months": {n: _escape(str(MONTHS_3[n]).title()) for n in MONTHS_3},
        "choices": {
            (model, field): {
                value: _escape(str(label)) for value, label in _choice_labels(model, field).items()
            }
            for model, fields in _CHOICES.items()
            for field in fields
        },
        "step_refused": gettext("That step was not taken"),
        "case": gettext("Case"),
        "since": gettext("since %(since)s"),
        "ending": gettext("Ending:"),
        "due_next": gettext("What is due next"),
        "the_person": gettext("The person"),
        "person_caption": gettext("The person's details"),
        "nric": gettext("NRIC"),
        "age": gettext("Age"),
        "age_born": gettext("%(age)s (born %(born)s)"),
        "sex": gettext("Sex"),
        "socso": gettext("SOCSO number"),
        "phone": gettext("Phone"),
        "email": gettext("Email"),
        "address": gettext("Address"),
        "state": gettext("State"),
        "preferred_language": gettext("Preferred language"),
        "dependants": gettext("Dependants"),
        "the_case": gettext("The case"),
        "case_caption": gettext("The case's details"),
        "case_manager": gettext("Case manager"),
        "not_assigned": gettext("Not assigned"),
        "placement_officer": gettext("Job placement officer"),
        "office": gettext("Office"),
        "referral_date": gettext("Referral date"),
        "referred_through": gettext("Referred through"),
        "referral_reference": gettext("Referral reference"),
        "eligibility": gettext("Eligibility"),
        "eligible": gettext("Eligible"),
        "not_eligible": gettext("Not eligible"),
        "aged": gettext("Aged %(age)s on the referral date."),
        "overridden": gettext("Overridden by %(who)s on %(when)s: eligible."),
        "rules_caption": gettext("The four eligibility rules"),
        "rule": gettext("Rule"),
        "met": gettext("Met"),
        "why": gettext("Why"),
        "yes": gettext("Yes"),
        "no": gettext("No"),
        "not_decided": gettext("Eligibility has not been decided."),
        "return_to_work": gettext("Return to work"),
        "level": gettext("Level %(level)s: %(label)s, since %(since)s."),
        "open_tasks": gettext("Open tasks"),
        "tasks_caption": gettext("Open tasks, soonest due first"),
        "due": gettext("Due"),
        "task": gettext("Task"),
        "assigned_to": gettext("Assigned to"),
        "action": gettext("Action"),
        "overdue": gettext("Overdue"),
        "mark_done": gettext("Mark done"),
        "no_open_tasks": gettext("No open tasks."),
        "add_note": gettext("Add a note"),
        "record_contact": gettext("Record a contact"),
        "add_task": gettext("Add a task"),
        "timeline": gettext("Timeline"),
    }


def _local(at: dt.datetime) -> dt.datetime:
    """What the template's date filter formats: aware times in the current zone."""
    if settings.USE_TZ and timezone.is_aware(at):
        return timezone.localtime(at)
    return at


def _day(value, months: dict) -> str:
    """{{ value|date:"j M Y" }}: 5 Feb 2024, the month's abbreviation translated."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value)
    return f"{value.day} {months[value.month]} {value.year}"


def _label(fixed: dict, obj, field: str) -> str:
    """{{ obj|choice_label:field }}, escaped."""
    value = getattr(obj, field)
    found = fixed["choices"][(type(obj), field)].get(value)
    return found if found is not None else _e(value)


def _display_name(user) -> str:
    return _e(user.display_name) if user is not None else ""


def _csrf_input(token: str) -> str:
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{_e(token)}">'


def _case_url(number: str, url_name: str) -> str:
    """{{ number|url_with:url_name }}, escaped (kembali.core.templatetags.kembali)."""
    if number and number.replace("-", "").isalnum():
        before, after = url_around(url_name)
        return _e(f"{before}{number}{after}")
    return _e(reverse(url_name, args=[number]))


@functools.lru_cache(maxsize=64)
def _with_stand_in(template: str, language: str, urlconf, script_prefix: str) -> str:
    """A section that shows only the case's number, rendered for a stand-in number."""
    return render_to_string(template, {"case": {"number": _NUMBER_STAND_IN, "case_manager_id": 1}})


def _number_section(template: str, number: str) -> str:
    """`template` for the case with this number (rendered once per language)."""
    html = _with_stand_in(
        template, get_language(), get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()
    )
    if not number.replace("-", "").isalnum():  # not a plain path segment: the real thing
        return render_to_string(template, {"case": {"number": number, "case_manager_id": 1}})
    return html.replace(_NUMBER_STAND_IN, number)


def _heading(case, person, fixed, *, error) -> list[str]:
    parts = []
    if error:
        parts.append(
            '<div class="kembali-error-summary" role="alert" '
            'aria-labelledby="step-error-title" tabindex="-1">\n'
            '  <h2 class="kembali-error-summary__title" id="step-error-title">'
            f"{fixed['step_refused']}</h2>\n"
            f'  <p class="kembali-body">{_e(error)}</p>\n'
            "</div>\n"
        )
    since = fixed["since"] % {"since": _day(case.stage_changed_at, fixed["months"])}
    ending = (
        f"· {fixed['ending']} {_label(fixed, case, 'closure_reason')}"
        if case.closure_reason
        else ""
    )
    parts.append(
        f'<span class="kembali-caption">{fixed["case"]} {_e(case.number)}</span>\n'
        f'<h1 class="kembali-heading-xl">{_e(person.full_name)}</h1>\n'
        '<p class="kembali-body">\n'
        f'  <strong class="kembali-tag {status_tag_class(case.status)}">'
        f"{_label(fixed, case, 'status')}</strong>\n"
        f"  {since}\n"
        f"  {ending}\n"
        "</p>\n\n"
    )
    return parts


def _due_next(case, fixed, *, due_next: str, actions, csrf_token: str) -> str:
    html = (
        '<section aria-labelledby="due-next-title">\n'
        f'  <h2 class="kembali-heading-m" id="due-next-title">{fixed["due_next"]}</h2>\n'
        f'  <p class="kembali-body" data-testid="due-next">{_e(due_next)}</p>\n'
    )
    if actions:
        version = _e(case.version)
        buttons = []
        for action in actions:
            css = (
                "kembali-button kembali-button--secondary" if action.secondary else "kembali-button"
            )
            if action.button:
                buttons.append(
                    f'      <form method="post" action="{_e(action.url)}" '
                    'class="kembali-inline-form">\n'
                    f"        {_csrf_input(csrf_token)}\n"
                    f'        <input type="hidden" name="version" value="{version}">\n'
                    f'        <button type="submit" class="{css}">{_e(action.label)}</button>\n'
                    "      </form>\n"
                )
            else:
                buttons.append(
                    f'      <a href="{_e(action.url)}?version={version}" class="{css}">'
                    f"{_e(action.label)}</a>\n"
                )
        html += '  <div class="kembali-actions">\n' + "".join(buttons) + "  </div>\n"
    return html + "</section>\n\n"


def _row(heading: str, value: str, attrs: str = "") -> str:
    return f'      <tr><th scope="row">{heading}</th><td{attrs}>{value}</td></tr>\n'


def _person(person, fixed, *, age: int) -> str:
    months = fixed["months"]
    age_born = fixed["age_born"] % {"age": _e(age), "born": _day(person.date_of_birth, months)}
    address = ""
    if person.address:
        address = f"{linebreaksbr(person.address, autoescape=True)}<br>"
    address += f"{_e(person.postcode)} {_e(person.district)}"
    return (
        '<section aria-labelledby="person-title">\n'
        f'  <h2 class="kembali-heading-m" id="person-title">{fixed["the_person"]}</h2>\n'
        '  <table class="kembali-table">\n'
        '    <caption class="kembali-visually-hidden">'
        f"{fixed['person_caption']}</caption>\n"
        "    <tbody>\n"
        + _row(fixed["nric"], _e(person.nric_display))
        + _row(fixed["age"], age_born)
        + _row(fixed["sex"], _label(fixed, person, "sex"))
        + _row(fixed["socso"], _e(person.socso_number or "–"))
        + _row(fixed["phone"], _e(person.phone or "–"))
        + _row(fixed["email"], _e(person.email or "–"))
        + _row(fixed["address"], address)
        + _row(fixed["state"], _e(person.state.local_name))
        + _row(fixed["preferred_language"], _label(fixed, person, "preferred_language"))
        + _row(fixed["dependants"], _e(person.dependants))
        + "    </tbody>\n  </table>\n</section>\n\n"
    )


def _case_table(case, fixed) -> str:
    manager = _display_name(case.case_manager) if case.case_manager else fixed["not_assigned"]
    rows = [_row(fixed["case_manager"], manager, ' data-testid="case-manager"')]
    if case.placement_officer:
        rows.append(_row(fixed["placement_officer"], _display_name(case.placement_officer)))
    rows.append(_row(fixed["office"], _e(case.office.name)))
    rows.append(_row(fixed["referral_date"], _day(case.referral_date, fixed["months"])))
    through = _label(fixed, case, "referral_source")
    if case.referred_by:
        through += f", {_e(case.referred_by)}"
    rows.append(_row(fixed["referred_through"], through))
    if case.referral_reference:
        rows.append(_row(fixed["referral_reference"], _e(case.referral_reference)))
    return (
        '<section aria-labelledby="case-title">\n'
        f'  <h2 class="kembali-heading-m" id="case-title">{fixed["the_case"]}</h2>\n'
        '  <table class="kembali-table">\n'
        f'    <caption class="kembali-visually-hidden">{fixed["case_caption"]}</caption>\n'
        "    <tbody>\n" + "".join(rows) + "    </tbody>\n  </table>\n</section>\n\n"
    )


def _eligibility(decision, rules: list[dict], fixed) -> str:
    html = (
        '<section aria-labelledby="eligibility-title">\n'
        f'  <h2 class="kembali-heading-m" id="eligibility-title">{fixed["eligibility"]}</h2>\n'
    )
    if not decision:
        return html + f'  <p class="kembali-body">{fixed["not_decided"]}</p>\n</section>\n\n'
    if decision.eligible:
        tag = f'<strong class="kembali-tag kembali-tag--green">{fixed["eligible"]}</strong>'
    else:
        tag = f'<strong class="kembali-tag kembali-tag--grey">{fixed["not_eligible"]}</strong>'
    html += (
        '  <p class="kembali-body" data-testid="eligibility">\n'
        f"    {tag}\n"
        f"    {fixed['aged'] % {'age': _e(decision.age)}}\n"
        "  </p>\n"
    )
    if decision.is_overridden:
        when = _day(decision.overridden_at, fixed["months"])
        who = _display_name(decision.overridden_by)
        html += (
            '  <div class="kembali-notification">\n'
            f'    <p class="kembali-body">{fixed["overridden"] % {"who": who, "when": when}}</p>\n'
            f'    <p class="kembali-body">{_e(decision.override_reason)}</p>\n'
            "  </div>\n"
        )
    rows = "".join(
        f'      <tr><th scope="row">{_e(rule["rule"])}</th>'
        f"<td>{fixed['yes'] if rule['matched'] else fixed['no']}</td>"
        f"<td>{_e(rule['reason'])}</td></tr>\n"
        for rule in rules
    )
    return html + (
        '  <table class="kembali-table">\n'
        f'    <caption class="kembali-visually-hidden">{fixed["rules_caption"]}</caption>\n'
        f'    <thead><tr><th scope="col">{fixed["rule"]}</th><th scope="col">{fixed["met"]}'
        f'</th><th scope="col">{fixed["why"]}</th></tr></thead>\n'
        f"    <tbody>\n{rows}    </tbody>\n  </table>\n</section>\n\n"
    )


def _return_to_work(case, fixed) -> str:
    if not case.rtw_level:
        return ""
    level = fixed["level"] % {
        "level": _e(case.rtw_level),
        "label": _label(fixed, case, "rtw_level"),
        "since": _day(case.rtw_date, fixed["months"]),
    }
    return (
        '<section aria-labelledby="outcome-title">\n'
        f'  <h2 class="kembali-heading-m" id="outcome-title">{fixed["return_to_work"]}</h2>\n'
        f'  <p class="kembali-body" data-testid="rtw-outcome">{level}</p>\n'
        "</section>\n"
    )


def _tasks(case, user, fixed, *, csrf_token: str) -> str:
    """The open tasks and the links to add to the case's record."""
    tasks = open_tasks_of(case)
    can_work = may_work_on(user, case)
    html = (
        '<section aria-labelledby="tasks-title">\n'
        f'  <h2 class="kembali-heading-m" id="tasks-title">{fixed["open_tasks"]}</h2>\n'
    )
    if tasks:
        today = timezone.localdate()
        months = fixed["months"]
        action = (
            f'<th scope="col"><span class="kembali-visually-hidden">{fixed["action"]}</span></th>'
            if can_work
            else ""
        )
        rows = []
        for task in tasks:
            overdue = (
                f' <strong class="kembali-tag kembali-tag--red">{fixed["overdue"]}</strong>'
                if task.due_date < today
                else ""
            )
            title = _e(task.title)
            done = ""
            if can_work:
                url = reverse("cases:task_done", kwargs={"number": case.number, "task_id": task.pk})
                done = (
                    f'<td>\n          <form method="post" action="{_e(url)}">\n'
                    f"            {_csrf_input(csrf_token)}\n"
                    '            <button type="submit" class="kembali-button '
                    f'kembali-button--secondary">{fixed["mark_done"]}'
                    f'<span class="kembali-visually-hidden">: {title}</span></button>\n'
                    "          </form>\n        </td>"
                )
            rows.append(
                "      <tr>\n"
                f"        <td>{_day(task.due_date, months)}{overdue}</td>\n"
                f'        <th scope="row">{title}</th>\n'
                f"        <td>{_display_name(task.assigned_to)}</td>\n"
                f"        {done}\n"
                "      </tr>\n"
            )
        html += (
            '  <table class="kembali-table" data-testid="open-tasks">\n'
            f'    <caption class="kembali-visually-hidden">{fixed["tasks_caption"]}</caption>\n'
            "    <thead><tr>\n"
            f'      <th scope="col">{fixed["due"]}</th>\n'
            f'      <th scope="col">{fixed["task"]}</th>\n'
            f'      <th scope="col">{fixed["assigned_to"]}</th>\n'
            f"      {action}\n"
            "    </tr></thead>\n"
            "    <tbody>\n" + "".join(rows) + "    </tbody>\n  </table>\n"
        )
    else:
        html += f'  <p class="kembali-body">{fixed["no_open_tasks"]}</p>\n'
    if can_work:
        number = case.number
        add_task = (
            f' ·\n    <a href="{_case_url(number, "cases:task_new")}">{fixed["add_task"]}</a>'
            if case.is_open
            else ""
        )
        html += (
            '  <p class="kembali-body">\n'
            f'    <a href="{_case_url(number, "cases:note_new")}">{fixed["add_note"]}</a> ·\n'
            f'    <a href="{_case_url(number, "cases:contact_new")}">'
            f"{fixed['record_contact']}</a>{add_task}\n"
            "  </p>\n"
        )
    return html + "</section>\n"


def case_page_html(
    case,
    *,
    user,
    person,
    age: int,
    decision,
    rules: list[dict],
    due_next: str,
    actions,
    timeline_html: str,
    csrf_token: str,
    error: str = "",
) -> SafeString:
    """The case page's content (base.html's content block)."""
    fixed = _fixed(get_language())
    consent = (
        _number_section("cases/consent_case_section.html", case.number)
        if case.case_manager_id
        else ""
    )
    parts = [
        *_heading(case, person, fixed, error=error),
        _due_next(case, fixed, due_next=due_next, actions=actions, csrf_token=csrf_token),
        _person(person, fixed, age=age),
        _case_table(case, fixed),
        _eligibility(decision, rules, fixed),
        consent,
        "\n",
        _number_section("plans/_case_plan_link.html", case.number),
        "\n",
        _return_to_work(case, fixed),
        _tasks(case, user, fixed, csrf_token=csrf_token),
        "\n\n"
        '<section aria-labelledby="timeline-title">\n'
        f'  <h2 class="kembali-heading-m" id="timeline-title">{fixed["timeline"]}</h2>\n'
        '  <ol class="kembali-timeline" reversed>\n'
        f"    {timeline_html}\n"
        "  </ol>\n"
        "</section>\n",
    ]
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)
