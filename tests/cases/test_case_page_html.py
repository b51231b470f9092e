"""The case page written in Python (kembali.cases.views.detail_page, and its timeline:
kembali.cases.views.detail_timeline) is what the templates wrote for it, over
realistic cases in both languages; the open tasks are not read again when the
timeline's probe found none."""

# ruff: noqa: E501 (the reference template's lines are the template's own)
import datetime as dt
import re

import pytest
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import connection
from django.shortcuts import render
from django.template import engines
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from kembali.cases.actions import next_actions
from kembali.cases.eligibility import age_on
from kembali.cases.models import ClosureReason, EligibilityDecision, Status
from kembali.cases.services import case_assign, referral_create
from kembali.cases.services_monitoring import task_create
from kembali.cases.timeline import TimelineEntry, case_timeline
from kembali.cases.views import detail
from kembali.cases.views.detail import eligibility_rules, load_case, render_case_page
from kembali.cases.views.detail_page import case_page_html
from kembali.cases.views.detail_timeline import timeline_html
from kembali.cases.workflow import due_next
from tests.cases.test_case_page import siti_referral
from tests.factories import CaseFactory, PersonFactory

REFERENCE_TIMELINE = """{% for entry in timeline %}
    <li class="kembali-timeline__item kembali-timeline__item--{{ entry.kind }}">
      <h3 class="kembali-heading-s kembali-timeline__title">{{ entry.title }}</h3>
      <p class="kembali-hint kembali-timeline__meta"><time datetime="{{ entry.at|date:'c' }}">{{ entry.at|date:"j M Y, H:i" }}</time>{% if entry.actor %} · {{ entry.actor }}{% endif %}</p>
      {% if entry.detail %}<p class="kembali-body">{{ entry.detail|linebreaksbr }}</p>{% endif %}
    </li>
    {% endfor %}"""


def _squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()


ENTRIES = [
    TimelineEntry(
        at=dt.datetime(2026, 8, 31, 17, 5, tzinfo=dt.UTC),  # 1 Sep, 01:05 in Kuala Lumpur
        kind="transition",
        title='Moved to "Assessed" <now>',
        detail="First line & more\nsecond <line>\r\nthird",
        actor="Aisyah <Rahman>",
    ),
    TimelineEntry(at=dt.datetime(2026, 1, 2, 9, 0, tzinfo=dt.UTC), kind="referral", title="R"),
    TimelineEntry(
        at=dt.datetime(2025, 12, 31, 23, 59),  # naive: shown as it is
        kind="note",
        title="Safe",
        detail=mark_safe("<em>already safe</em>\nline"),
    ),
]


@pytest.mark.parametrize("language", ["en", "ms"])
def test_the_timeline_is_what_the_template_wrote(language):
    template = engines["django"].from_string(REFERENCE_TIMELINE)
    with translation.override(language):
        ours = timeline_html(ENTRIES)
        reference = template.render({"timeline": ENTRIES})
    assert _squeezed(ours) == _squeezed(reference)
    assert "2026-09-01T01:05:00+08:00" in ours  # in the project's time zone
    assert "second &lt;line&gt;<br>third" in ours and "<em>already safe</em><br>line" in ours


def _task_reads(queries) -> list:
    return [q for q in queries.captured_queries if q["sql"].startswith('SELECT "cases_casetask"')]


@pytest.mark.django_db
def test_a_case_without_tasks_is_not_asked_for_them_twice(client, aisyah, kl_office):
    case = CaseFactory(office=kl_office, case_manager=aisyah)
    client.force_login(aisyah)
    url = reverse("cases:detail", args=[case.number])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert "No open tasks." in page
    assert not _task_reads(queries)

    task_create(
        case=case,
        actor=aisyah,
        title="Call the employer",
        due_date=timezone.localdate() + dt.timedelta(days=7),
        assigned_to=aisyah,
    )
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert "Call the employer" in page and "No open tasks." not in page
    assert len(_task_reads(queries)) == 1  # the timeline's read, shared with the open tasks


# The content block of cases/case_detail.html, with cases/tasks_case_section.html in
# its place, as they were before the page was written in Python.
REFERENCE_PAGE = """{% load i18n kembali case_monitoring %}{% if error %}
<div class="kembali-error-summary" role="alert" aria-labelledby="step-error-title" tabindex="-1">
  <h2 class="kembali-error-summary__title" id="step-error-title">{% translate "That step was not taken" %}</h2>
  <p class="kembali-body">{{ error }}</p>
</div>
{% endif %}
<span class="kembali-caption">{% translate "Case" %} {{ case.number }}</span>
<h1 class="kembali-heading-xl">{{ person.full_name }}</h1>
<p class="kembali-body">
  <strong class="kembali-tag {{ case.status|status_tag_class }}">{{ case|choice_label:"status" }}</strong>
  {% blocktranslate with since=case.stage_changed_at|date:"j M Y" %}since {{ since }}{% endblocktranslate %}
  {% if case.closure_reason %}· {% translate "Ending:" %} {{ case|choice_label:"closure_reason" }}{% endif %}
</p>

<section aria-labelledby="due-next-title">
  <h2 class="kembali-heading-m" id="due-next-title">{% translate "What is due next" %}</h2>
  <p class="kembali-body" data-testid="due-next">{{ due_next }}</p>
  {% if actions %}
  <div class="kembali-actions">
    {% for action in actions %}
      {% if action.button %}
      <form method="post" action="{{ action.url }}" class="kembali-inline-form">
        {% csrf_token %}
        <input type="hidden" name="version" value="{{ case.version }}">
        <button type="submit" class="kembali-button{% if action.secondary %} kembali-button--secondary{% endif %}">{{ action.label }}</button>
      </form>
      {% else %}
      <a href="{{ action.url }}?version={{ case.version }}" class="kembali-button{% if action.secondary %} kembali-button--secondary{% endif %}">{{ action.label }}</a>
      {% endif %}
    {% endfor %}
  </div>
  {% endif %}
</section>

<section aria-labelledby="person-title">
  <h2 class="kembali-heading-m" id="person-title">{% translate "The person" %}</h2>
  <table class="kembali-table">
    <caption class="kembali-visually-hidden">{% translate "The person's details" %}</caption>
    <tbody>
      <tr><th scope="row">{% translate "NRIC" %}</th><td>{{ person.nric_display }}</td></tr>
      <tr><th scope="row">{% translate "Age" %}</th><td>{% blocktranslate with born=person.date_of_birth|date:"j M Y" %}{{ age }} (born {{ born }}){% endblocktranslate %}</td></tr>
      <tr><th scope="row">{% translate "Sex" %}</th><td>{{ person|choice_label:"sex" }}</td></tr>
      <tr><th scope="row">{% translate "SOCSO number" %}</th><td>{{ person.socso_number|default:"–" }}</td></tr>
      <tr><th scope="row">{% translate "Phone" %}</th><td>{{ person.phone|default:"–" }}</td></tr>
      <tr><th scope="row">{% translate "Email" %}</th><td>{{ person.email|default:"–" }}</td></tr>
      <tr><th scope="row">{% translate "Address" %}</th><td>{% if person.address %}{{ person.address|linebreaksbr }}<br>{% endif %}{{ person.postcode }} {{ person.district }}</td></tr>
      <tr><th scope="row">{% translate "State" %}</th><td>{{ person.state.local_name }}</td></tr>
      <tr><th scope="row">{% translate "Preferred language" %}</th><td>{{ person|choice_label:"preferred_language" }}</td></tr>
      <tr><th scope="row">{% translate "Dependants" %}</th><td>{{ person.dependants }}</td></tr>
    </tbody>
  </table>
</section>

<section aria-labelledby="case-title">
  <h2 class="kembali-heading-m" id="case-title">{% translate "The case" %}</h2>
  <table class="kembali-table">
    <caption class="kembali-visually-hidden">{% translate "The case's details" %}</caption>
    <tbody>
      <tr><th scope="row">{% translate "Case manager" %}</th><td data-testid="case-manager">{% if case.case_manager %}{{ case.case_manager.display_name }}{% else %}{% translate "Not assigned" %}{% endif %}</td></tr>
      {% if case.placement_officer %}<tr><th scope="row">{% translate "Job placement officer" %}</th><td>{{ case.placement_officer.display_name }}</td></tr>{% endif %}
      <tr><th scope="row">{% translate "Office" %}</th><td>{{ case.office.name }}</td></tr>
      <tr><th scope="row">{% translate "Referral date" %}</th><td>{{ case.referral_date|date:"j M Y" }}</td></tr>
      <tr><th scope="row">{% translate "Referred through" %}</th><td>{{ case|choice_label:"referral_source" }}{% if case.referred_by %}, {{ case.referred_by }}{% endif %}</td></tr>
      {% if case.referral_reference %}<tr><th scope="row">{% translate "Referral reference" %}</th><td>{{ case.referral_reference }}</td></tr>{% endif %}
    </tbody>
  </table>
</section>

<section aria-labelledby="eligibility-title">
  <h2 class="kembali-heading-m" id="eligibility-title">{% translate "Eligibility" %}</h2>
  {% if decision %}
  <p class="kembali-body" data-testid="eligibility">
    {% if decision.eligible %}<strong class="kembali-tag kembali-tag--green">{% translate "Eligible" %}</strong>
    {% else %}<strong class="kembali-tag kembali-tag--grey">{% translate "Not eligible" %}</strong>{% endif %}
    {% blocktranslate with age=decision.age %}Aged {{ age }} on the referral date.{% endblocktranslate %}
  </p>
  {% if decision.is_overridden %}
  <div class="kembali-notification">
    <p class="kembali-body">{% blocktranslate with who=decision.overridden_by.display_name when=decision.overridden_at|date:"j M Y" %}Overridden by {{ who }} on {{ when }}: eligible.{% endblocktranslate %}</p>
    <p class="kembali-body">{{ decision.override_reason }}</p>
  </div>
  {% endif %}
  <table class="kembali-table">
    <caption class="kembali-visually-hidden">{% translate "The four eligibility rules" %}</caption>
    <thead><tr><th scope="col">{% translate "Rule" %}</th><th scope="col">{% translate "Met" %}</th><th scope="col">{% translate "Why" %}</th></tr></thead>
    <tbody>
      {% for rule in rules %}
      <tr><th scope="row">{{ rule.rule }}</th><td>{% if rule.matched %}{% translate "Yes" %}{% else %}{% translate "No" %}{% endif %}</td><td>{{ rule.reason }}</td></tr>
      {% endfor %}
    </tbody>
  </table>
  {% else %}
  <p class="kembali-body">{% translate "Eligibility has not been decided." %}</p>
  {% endif %}
</section>

{% include "cases/consent_case_section.html" %}
{% include "plans/_case_plan_link.html" %}
{% case_monitoring case request.user as monitoring %}
{% if case.rtw_level %}
<section aria-labelledby="outcome-title">
  <h2 class="kembali-heading-m" id="outcome-title">{% translate "Return to work" %}</h2>
  <p class="kembali-body" data-testid="rtw-outcome">{% blocktranslate with level=case.rtw_level label=case|choice_label:"rtw_level" since=case.rtw_date|date:"j M Y" %}Level {{ level }}: {{ label }}, since {{ since }}.{% endblocktranslate %}</p>
</section>
{% endif %}
<section aria-labelledby="tasks-title">
  <h2 class="kembali-heading-m" id="tasks-title">{% translate "Open tasks" %}</h2>
  {% if monitoring.open_tasks %}
  <table class="kembali-table" data-testid="open-tasks">
    <caption class="kembali-visually-hidden">{% translate "Open tasks, soonest due first" %}</caption>
    <thead><tr>
      <th scope="col">{% translate "Due" %}</th>
      <th scope="col">{% translate "Task" %}</th>
      <th scope="col">{% translate "Assigned to" %}</th>
      {% if monitoring.can_work %}<th scope="col"><span class="kembali-visually-hidden">{% translate "Action" %}</span></th>{% endif %}
    </tr></thead>
    <tbody>
      {% for task in monitoring.open_tasks %}
      <tr>
        <td>{{ task.due_date|date:"j M Y" }}{% if task.due_date < monitoring.today %} <strong class="kembali-tag kembali-tag--red">{% translate "Overdue" %}</strong>{% endif %}</td>
        <th scope="row">{{ task.title }}</th>
        <td>{{ task.assigned_to.display_name }}</td>
        {% if monitoring.can_work %}<td>
          <form method="post" action="{% url 'cases:task_done' number=case.number task_id=task.pk %}">
            {% csrf_token %}
            <button type="submit" class="kembali-button kembali-button--secondary">{% translate "Mark done" %}<span class="kembali-visually-hidden">: {{ task.title }}</span></button>
          </form>
        </td>{% endif %}
      </tr>
      {% endfor %}
    </tbody>
  </table>
  {% else %}
  <p class="kembali-body">{% translate "No open tasks." %}</p>
  {% endif %}
  {% if monitoring.can_work %}
  <p class="kembali-body">
    <a href="{{ case.number|url_with:'cases:note_new' }}">{% translate "Add a note" %}</a> ·
    <a href="{{ case.number|url_with:'cases:contact_new' }}">{% translate "Record a contact" %}</a>{% if case.is_open %} ·
    <a href="{{ case.number|url_with:'cases:task_new' }}">{% translate "Add a task" %}</a>{% endif %}
  </p>
  {% endif %}
</section>


<section aria-labelledby="timeline-title">
  <h2 class="kembali-heading-m" id="timeline-title">{% translate "Timeline" %}</h2>
  <ol class="kembali-timeline" reversed>
    {{ timeline_html }}
  </ol>
</section>
"""

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def _both(number: str, user, *, language: str = "en", error: str = "") -> tuple[str, str]:
    """(ours, the reference's) content of the case page for this user."""
    request = RequestFactory().get(reverse("cases:detail", args=[number]))
    request.user = user
    with translation.override(language):
        case = load_case(request, number)
        person = case.person
        decision = getattr(case, "eligibility", None)
        timeline = case_timeline(case)
        context = {
            "case": case,
            "person": person,
            "age": age_on(person.date_of_birth, timezone.localdate()),
            "decision": decision,
            "rules": eligibility_rules(decision),
            "due_next": due_next(case),
            "actions": next_actions(case, user),
            "timeline_html": timeline_html(timeline),
            "error": error,
        }
        reference = engines["django"].from_string(REFERENCE_PAGE).render(context, request)
        ours = case_page_html(
            case,
            user=user,
            person=person,
            age=context["age"],
            decision=decision,
            rules=context["rules"],
            due_next=context["due_next"],
            actions=context["actions"],
            timeline_html=context["timeline_html"],
            csrf_token="token",
            error=error,
        )
    return tuple(
        _CSRF.sub('name="csrfmiddlewaretoken" value="-"', html) for html in (ours, reference)
    )


def _assert_same(ours: str, reference: str) -> None:
    assert _squeezed(ours) == _squeezed(reference)


@pytest.fixture
def siti_case(aisyah, chong, kl_office):
    case = referral_create(actor=chong, office=kl_office, referral=siti_referral()).case
    return case_assign(case=case, case_manager=aisyah, actor=chong)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ms"])
def test_a_decided_case_with_tasks_is_what_the_template_wrote(language, siti_case, aisyah, chong):
    today = timezone.localdate()
    task_create(case=siti_case, actor=aisyah, title="Call <the> employer", due_date=today)
    task_create(case=siti_case, actor=aisyah, title="Visit", due_date=today + dt.timedelta(days=3))
    # One task is overdue: its due date has passed since it was set.
    siti_case.tasks.filter(title="Visit").update(due_date=today - dt.timedelta(days=2))
    for user in (aisyah, chong):  # the case manager, and a supervisor who may work on it
        ours, reference = _both(siti_case.number, user, language=language)
        _assert_same(ours, reference)
    assert "Overdue" in ours or "Lewat" in ours
    assert "Call &lt;the&gt; employer" in ours


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ms"])
def test_a_new_case_without_a_decision_or_manager_is_what_the_template_wrote(
    language, chong, kl_office
):
    person = PersonFactory(address="", phone="", email="", socso_number="")
    case = CaseFactory(office=kl_office, person=person, referred_by="Dr. O'Neil & <Partners>")
    ours, reference = _both(case.number, chong, language=language, error="Stale <version>")
    _assert_same(ours, reference)
    assert "Stale &lt;version&gt;" in ours and "O&#x27;Neil &amp; &lt;Partners&gt;" in ours


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ms"])
def test_an_overridden_closed_case_with_an_officer_is_what_the_template_wrote(
    language, siti_case, aisyah, bala, chong, devi
):
    now = timezone.now()
    EligibilityDecision.objects.filter(case=siti_case).update(
        eligible=True,
        overridden_by=chong,
        overridden_at=now - dt.timedelta(days=40),
        override_reason="The doctor's letter <arrived>.",
    )
    siti_case.person.__class__.objects.filter(pk=siti_case.person_id).update(
        address="Lot 5, Jalan Ampang\r\nTaman <Maju>\n50450", dependants=3
    )
    type(siti_case).objects.filter(pk=siti_case.pk).update(
        placement_officer=bala,
        status=Status.CLOSED,
        closure_reason=ClosureReason.RETURNED_TO_WORK,
        rtw_level=2,
        rtw_date=now.date() - dt.timedelta(days=10),
        referral_reference="JKM/2026/<7>",
    )
    for user in (aisyah, bala, devi):
        ours, reference = _both(siti_case.number, user, language=language)
        _assert_same(ours, reference)
    assert "kembali-notification" in ours and 'data-testid="rtw-outcome"' in ours


@pytest.mark.django_db
def test_the_page_shows_the_written_content_with_the_title(client, siti_case, aisyah):
    client.force_login(aisyah)
    page = client.get(reverse("cases:detail", args=[siti_case.number])).content.decode()
    assert f"<title>{siti_case.number}: Siti Nurhaliza binti Ahmad – Kembali</title>" in page
    assert 'id="timeline-title"' in page and 'id="assessment-consent-title"' in page
    assert page.count('name="csrfmiddlewaretoken"') >= 1


def _page_request(number: str, user):
    """A request for the case page, with a message waiting to be shown."""
    path = reverse("cases:detail", args=[number])
    request = RequestFactory().get(path)
    request.user = user
    request.resolver_match = resolve(path)
    request.session = {}
    request._messages = FallbackStorage(request)
    request._messages.add(messages.SUCCESS, "Saved <the> step")
    return request


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ms"])
@pytest.mark.parametrize("error", ["", "Stale <version>"])
def test_the_whole_page_is_what_case_detail_html_writes(
    language, error, chong, kl_office, monkeypatch
):
    # The page's frame is written in Python too (kembali.core.layout.page_response):
    # byte for byte what the template wrote around the same content.
    person = PersonFactory(full_name="Nur 'Aina' <binti> Ali & co")
    case = CaseFactory(office=kl_office, person=person)
    written = {}

    def recorded(case, **parts):
        written.update(parts, html=case_page_html(case, **parts))
        return written["html"]

    monkeypatch.setattr(detail, "case_page_html", recorded)
    status = 409 if error else 200
    with translation.override(language):
        request = _page_request(case.number, chong)
        ours = render_case_page(
            request,
            load_case(request, case.number, timeline_probe=True),
            error=error,
            status=status,
        )
        reference_request = _page_request(case.number, chong)
        context = {
            "case": case,
            "person": person,
            "page_html": written["html"],
            "csrf_token": written["csrf_token"],
        }
        reference = render(reference_request, "cases/case_detail.html", context, status=status)
    assert (ours.status_code, ours["Content-Type"]) == (status, reference["Content-Type"])
    assert ours.content == reference.content
    page = ours.content.decode()
    assert "<title>" + case.number + ": Nur &#x27;Aina&#x27; &lt;binti&gt; Ali &amp; co" in page
    assert "Saved &lt;the&gt; step" in page and request._messages.used
    assert page.count(written["csrf_token"]) >= 3  # the frame's header, sign-out and the page's
