"""The case page's timeline written in Python (kembali.cases.views.detail_timeline)
is what the template wrote for it; the open tasks are not read again when the
timeline's probe found none."""

# ruff: noqa: E501 (the reference template's lines are the template's own)
import datetime as dt
import re

import pytest
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from kembali.cases.services_monitoring import task_create
from kembali.cases.timeline import TimelineEntry
from kembali.cases.views.detail_timeline import timeline_html
from tests.factories import CaseFactory

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
