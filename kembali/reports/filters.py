"""The dashboard's filter form: a GET form whose clean data becomes ReportFilters.

A supervisor's office is fixed to their own (the form does not offer another);
national administrators and analysts may pick any office or none."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db import connections, router
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kembali.accounts.models import Office, Role
from kembali.people.models import Injury, Sex
from kembali.reference.models import State
from kembali.reports.kpis import AGE_BANDS, ReportFilters

ANY = [("", _("All"))]
AGE_LABELS = {
    "18-29": _("Under 30"),
    "30-39": _("30 to 39"),
    "40-49": _("40 to 49"),
    "50-59": _("50 to 59"),
    "60+": _("60 and over"),
}
RULE_LABELS = [
    ("1", _("Rule 1: work injury, receiving Temporary Disablement Benefit")),
    ("2", _("Rule 2: applying for Permanent Disablement Benefit, recommended by a board")),
    ("3", _("Rule 3: under 50, applying for Invalidity Pension, recommended by a board")),
    ("4", _("Rule 4: certified invalid, under 40")),
]
# Longest period one report covers: longer ones are slow to read and to draw.
MAX_YEARS = 20


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The year so far."""
    today = today or timezone.localdate()
    return dt.date(today.year, 1, 1), today


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _choices_of(model, value: str, label: str, *, order_by: str, pk=None) -> list[tuple]:
    """(value, label) of each row of `model`, or of the row whose primary key is `pk`,
    in one plain SELECT: the form is built on every dashboard view, and the ORM took
    longer to build these queries than the database to answer them."""
    meta = model._meta
    connection = connections[router.db_for_read(model)]
    q = connection.ops.quote_name

    def column(name):
        return q(meta.get_field(name).column)

    # Identifiers only, from the model and quoted; the key is a parameter.
    sql = f"SELECT {column(value)}, {column(label)} FROM {q(meta.db_table)}"  # noqa: S608
    params = []
    if pk is not None:
        sql += f" WHERE {q(meta.pk.column)} = %s"
        params.append(pk)
    sql += f" ORDER BY {column(order_by)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(str(key), text) for key, text in cursor.fetchall()]


def _state_choices(*, code: str | None = None) -> list[tuple[str, str]]:
    """Each state (or the one with this code) by its name in the reader's language,
    as State.local_name gives it, in the order of the English names."""
    name = "name_ms" if get_language() == "ms" else "name"
    return _choices_of(State, "code", name, order_by="name", pk=code)


class ReportFilterForm(forms.Form):
    start = forms.DateField(
        label=_("From"), widget=DateInput(), help_text=_("For example, 2026-01-01")
    )
    end = forms.DateField(label=_("To"), widget=DateInput(), help_text=_("Inclusive"))
    state = forms.ChoiceField(label=_("State"), required=False)
    office = forms.ChoiceField(label=_("Office"), required=False)
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=ANY + list(Sex.choices))
    age_band = forms.ChoiceField(
        label=_("Age on referral"),
        required=False,
        choices=ANY + [(key, AGE_LABELS[key]) for key in AGE_BANDS],
    )
    injury_group = forms.ChoiceField(
        label=_("Injury or disease group"),
        required=False,
        choices=ANY + list(Injury.Kind.choices),
    )
    eligibility_rule = forms.ChoiceField(
        label=_("Eligibility rule"), required=False, choices=ANY + RULE_LABELS
    )

    def __init__(self, data=None, *, user):
        start, end = default_period()
        if data is not None:
            data = data.copy()
            data.setdefault("start", start.isoformat())
            data.setdefault("end", end.isoformat())
            if not data.get("start"):
                data["start"] = start.isoformat()
            if not data.get("end"):
                data["end"] = end.isoformat()
        super().__init__(data)
        self.user = user
        self.fixed_office = user.office if user.role == Role.SUPERVISOR else None
        if self.fixed_office is not None:
            office = self.fixed_office
            self.fields["office"].choices = [(str(office.pk), office.name)]
            self.fields["office"].help_text = _("Supervisors see their own office.")
            self.fields["state"].choices = _state_choices(code=office.state_id)
            self.fields["state"].help_text = _("The state of your office.")
        else:
            self.fields["state"].choices = ANY + _state_choices()
            self.fields["office"].choices = ANY + _choices_of(Office, "id", "name", order_by="code")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if start > end:
                self.add_error("end", _("The end of the period must be on or after its start."))
            elif (end - start).days > MAX_YEARS * 366:
                self.add_error(
                    "start",
                    _("A report covers at most %(years)s years: choose a later start.")
                    % {"years": MAX_YEARS},
                )
        return cleaned

    def report_filters(self) -> ReportFilters:
        """The filters (call after is_valid())."""
        data = self.cleaned_data
        office_id = int(data["office"]) if data.get("office") else None
        state = data.get("state") or None
        if self.fixed_office is not None:
            office_id, state = self.fixed_office.pk, None
        return ReportFilters(
            start=data["start"],
            end=data["end"],
            state=state,
            office_id=office_id,
            sex=data.get("sex") or None,
            age_band=data.get("age_band") or None,
            injury_group=data.get("injury_group") or None,
            eligibility_rule=data.get("eligibility_rule") or None,
        )
