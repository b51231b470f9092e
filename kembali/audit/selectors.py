"""Searching the audit trail, built to stay fast at tens of millions of rows.

- Every search is a range over an index: (office, at) for a supervisor, (object
  type, object id, at) for one object, (case id, at) for everything about one
  case, (actor, at) for one person, and `at` alone for a national
  administrator's unfiltered view.
- Pages are cut with a keyset cursor on (at, id), never OFFSET, and nothing
  counts the whole table: a page fetches one row more than it shows, to know
  whether an older page exists.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone

from kembali.accounts.models import Role
from kembali.audit.models import AccessEvent, AuditEvent
from kembali.audit.services import CASE_LABEL
from kembali.core.digits import is_digits

CHANGES = "changes"
READS = "reads"
KINDS = {CHANGES: AuditEvent, READS: AccessEvent}


def may_search_audit(user) -> bool:
    """Supervisors search their own office's trail, national administrators all."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.role in (Role.SUPERVISOR, Role.NATIONAL_ADMIN)
        and (user.role == Role.NATIONAL_ADMIN or user.office_id is not None)
    )


@dataclass(frozen=True)
class AuditQuery:
    kind: str = CHANGES
    actor_id: int | None = None
    office_id: int | None = None
    object_type: str = ""
    object_id: str = ""
    case_id: int | None = None  # every event about this case, whatever the object
    action: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass
class AuditPage:
    events: list = field(default_factory=list)
    next_cursor: str | None = None  # None: this is the oldest page


def events_visible_to(user, kind: str = CHANGES) -> QuerySet:
    model = KINDS[kind]
    if not may_search_audit(user):
        return model.objects.none()
    qs = model.objects.all()
    if user.role != Role.NATIONAL_ADMIN:
        qs = qs.filter(office_id=user.office_id)
    return qs


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def encode_cursor(event) -> str:
    """<microseconds since 1970>_<id> of a page's last row: plain digits, safe in a URL."""
    return f"{(event.at - _EPOCH) // _MICROSECOND}_{event.pk}"


def decode_cursor(cursor: str) -> tuple[dt.datetime, int] | None:
    """The (at, id) a cursor names; None if it is not one (then the newest page)."""
    at_text, _sep, id_text = (cursor or "").partition("_")
    if not (is_digits(at_text) and is_digits(id_text)):
        return None
    try:
        at = _EPOCH + int(at_text) * _MICROSECOND
    except OverflowError:
        return None
    return at, int(id_text)


def audit_search(user, query: AuditQuery, *, cursor: str = "", page_size: int = 50) -> AuditPage:
    """One page of events, newest first, that this user may see and that match."""
    qs = events_visible_to(user, query.kind)
    if query.office_id is not None:
        qs = qs.filter(office_id=query.office_id)
    if query.actor_id is not None:
        qs = qs.filter(actor_id=query.actor_id)
    if query.case_id is not None:
        qs = qs.filter(case_id=query.case_id)
    else:
        if query.object_type:
            qs = qs.filter(object_type=query.object_type)
        if query.object_id:
            qs = qs.filter(object_id=query.object_id)
    if query.action:
        action_field = "action" if query.kind == CHANGES else "what"
        qs = qs.filter(**{action_field: query.action})
    if query.date_from:
        qs = qs.filter(at__gte=_start_of(query.date_from))
    if query.date_to:
        qs = qs.filter(at__lt=_start_of(query.date_to + dt.timedelta(days=1)))
    position = decode_cursor(cursor)
    if position is not None:
        at, pk = position
        # at <= the cursor's time bounds the index range; the OR alone would
        # make PostgreSQL read every newer row before the page.
        qs = qs.filter(at__lte=at).filter(Q(at__lt=at) | Q(at=at, pk__lt=pk))
    rows = list(qs.select_related("actor", "office").order_by("-at", "-id")[: page_size + 1])
    has_older = len(rows) > page_size
    rows = rows[:page_size]
    return AuditPage(events=rows, next_cursor=encode_cursor(rows[-1]) if has_older else None)


def object_type_choices() -> list[tuple[str, str]]:
    """Every Kembali model as (label, name): what an audit row's object_type holds.
    Taken from the code, not from a DISTINCT over the table."""
    choices = []
    for model in apps.get_models():
        if model.__module__.startswith("kembali.") and model._meta.app_label != "audit":
            choices.append((model._meta.label_lower, str(model._meta.verbose_name).capitalize()))
    return sorted(choices, key=lambda choice: choice[1])


def object_type_name(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name).capitalize()
    except (LookupError, ValueError):
        return label


def resolve_object_id(object_type: str, text: str) -> str | None:
    """The stored object id for what a person types: a case number for a case,
    an IC number for an insured person, else the id itself. None if no such
    case or person exists.

    The models are looked up by name: audit is a floor below cases and people
    and must not import them."""
    text = text.strip()
    if object_type == CASE_LABEL and not is_digits(text):
        case_model = apps.get_model("cases", "Case")
        pk = case_model.objects.filter(number__iexact=text).values_list("pk", flat=True).first()
        return None if pk is None else str(pk)
    nric = text.replace("-", "")
    if object_type == "people.insuredperson" and len(nric) == 12 and is_digits(nric):
        person_model = apps.get_model("people", "InsuredPerson")
        pk = person_model.objects.filter(nric=nric).values_list("pk", flat=True).first()
        return None if pk is None else str(pk)
    return text
