"""The timeline's sources read together: the same entries, in the same order, as
each source reading alone; on PostgreSQL in one round trip; notes and contacts
read as values, with what the case page showed of them before."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from kembali.cases import timeline
from kembali.cases.models import Case, CaseContact, Status
from kembali.cases.services_monitoring import contact_create, note_create
from kembali.cases.timeline import case_timeline
from kembali.core import dbbatch
from tests.factories import CaseFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_case(kl_office, aisyah, bala):
    case = CaseFactory(
        office=kl_office,
        status=Status.IN_REHABILITATION,
        case_manager=aisyah,
        placement_officer=bala,
        person=PersonFactory(full_name="Siti Aminah binti Yusof"),
    )
    note_create(case=case, actor=aisyah, text="Spoke to the physiotherapist.")
    note_create(case=case, actor=bala, text="CV sent to two employers.")
    contact_create(
        case=case,
        actor=bala,
        party=CaseContact.Party.EMPLOYER,
        method=CaseContact.Method.PHONE,
        contacted_at=timezone.now() - dt.timedelta(hours=3),
        summary="Light duties possible.",
        party_name="Encik Rahim, HR",
        follow_up_needed=True,
    )
    return case


def _fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def _alone(case, monkeypatch) -> list:
    """The timeline with every source reading on its own."""
    with monkeypatch.context() as patched:
        patched.setattr(timeline, "sends_together", lambda alias: False)
        return case_timeline(_fresh(case))


def test_read_together_the_entries_are_those_each_source_reads_alone(busy_case, monkeypatch):
    together = case_timeline(_fresh(busy_case))

    assert together == _alone(busy_case, monkeypatch)
    kinds = [entry.kind for entry in together]
    assert kinds.count("note") == 2 and kinds.count("contact") == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a round trip is PostgreSQL's")
def test_on_postgresql_the_sources_go_in_one_round_trip(busy_case, monkeypatch):
    sent = []
    fetch = dbbatch.fetch_together

    def counted(alias, statements):
        sent.append(len(statements))
        return fetch(alias, statements)

    monkeypatch.setattr(timeline, "fetch_together", counted)
    case = _fresh(busy_case)
    with CaptureQueriesContext(connection) as together:
        entries = case_timeline(case)

    assert sent == [2]  # the notes and the contact: every marked source with rows
    with CaptureQueriesContext(connection) as alone:
        assert _alone(busy_case, monkeypatch) == entries
    assert len(together) == len(alone) - 1  # _alone reads the case once more
    assert not hasattr(case, "_timeline_read")  # nothing left on the case


def test_notes_show_their_text_and_author(busy_case, aisyah, bala):
    notes = [e for e in case_timeline(_fresh(busy_case)) if e.kind == "note"]

    assert {(e.title, e.detail, e.actor) for e in notes} == {
        ("Note", "Spoke to the physiotherapist.", aisyah.display_name),
        ("Note", "CV sent to two employers.", bala.display_name),
    }
    assert all(e.at.tzinfo is not None for e in notes)


def test_a_note_by_someone_without_a_name_shows_the_username(busy_case):
    nameless = UserFactory(first_name="", last_name="", username="petugas9", role="case_manager")
    nameless.office = busy_case.office
    nameless.save()
    busy_case.case_manager = nameless
    busy_case.save()
    note_create(case=busy_case, actor=nameless, text="Handover.")

    [note] = [e for e in case_timeline(_fresh(busy_case)) if e.detail == "Handover."]

    assert note.actor == "petugas9"


def test_a_contact_names_whom_how_and_the_follow_up_in_the_readers_language(busy_case, bala):
    [contact] = [e for e in case_timeline(_fresh(busy_case)) if e.kind == "contact"]

    assert contact.title == "Contact with Employer (Encik Rahim, HR) by phone"
    assert contact.detail == "Light duties possible.\nFollow-up needed."
    assert contact.actor == bala.display_name
    with translation.override("ms"):
        [malay] = [e for e in case_timeline(_fresh(busy_case)) if e.kind == "contact"]
    assert malay.title != contact.title
    assert "Encik Rahim, HR" in malay.title
    assert malay.detail == "Light duties possible.\nSusulan diperlukan."
