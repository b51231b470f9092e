"""Forms of the case pages. They parse and check the shape of the input; the rules
(NRIC, duplicates, eligibility, the workflow) live in the services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kembali.accounts.models import Office
from kembali.cases.models import ClosureReason
from kembali.cases.services import (
    BenefitInput,
    BoardRecommendationInput,
    EmploymentInput,
    InjuryInput,
    PersonInput,
    ReferralError,
    ReferralInput,
)
from kembali.people.models import BenefitStatus, BoardRecommendation, Injury, Sex
from kembali.reference.models import State


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _date(label, *, required=True, help_text=""):
    return forms.DateField(label=label, required=required, widget=DateInput(), help_text=help_text)


YES_NO = [("yes", _("Yes")), ("no", _("No"))]
LANGUAGES = [("ms", "Bahasa Melayu"), ("en", "English")]


class ReferralForm(forms.Form):
    """The referral as one page. Field groups (fieldsets) are listed in FIELDSETS."""

    # The referral
    office = forms.ModelChoiceField(label=_("RTW office"), queryset=Office.objects.none())
    referral_date = _date(_("Referral date"))
    referral_reference = forms.CharField(
        label=_("Referral reference"),
        max_length=40,
        required=False,
        help_text=_(
            "The referrer's own reference, if there is one. A referral with a "
            "reference already received is not registered twice."
        ),
    )
    referred_by = forms.CharField(
        label=_("Referred by"),
        max_length=150,
        required=False,
        help_text=_("For example the benefit branch, a doctor or the employer."),
    )
    is_contributor = forms.ChoiceField(
        label=_("Is the person a contributor of the scheme?"),
        choices=YES_NO,
        initial="yes",
    )
    # The person
    nric = forms.CharField(
        label=_("NRIC (MyKad number)"),
        max_length=14,
        help_text=_(
            "12 digits, for example 900115-14-5678. The date of birth and sex are read from it."
        ),
        widget=forms.TextInput(attrs={"spellcheck": "false", "inputmode": "numeric"}),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    date_of_birth = _date(
        _("Date of birth"),
        required=False,
        help_text=_("Only if you want it checked against the NRIC."),
    )
    sex = forms.ChoiceField(
        label=_("Sex"), required=False, choices=[("", _("As the NRIC says")), *Sex.choices]
    )
    socso_number = forms.CharField(label=_("SOCSO number"), max_length=20, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    postcode = forms.RegexField(
        label=_("Postcode"),
        regex=r"^\d{5}$",
        required=False,
        error_messages={"invalid": _("Enter a postcode of 5 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    district = forms.CharField(label=_("District"), max_length=60, required=False)
    state = forms.ModelChoiceField(
        label=_("State or federal territory"),
        queryset=State.objects.all(),
        empty_label=_("Choose a state"),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=LANGUAGES, initial="ms"
    )
    dependants = forms.IntegerField(
        label=_("Number of dependants"), min_value=0, max_value=50, required=False
    )
    # The injury or disease
    injury_date = _date(_("Date of the injury or diagnosis"))
    injury_kind = forms.ChoiceField(
        label=_("Kind of injury or disease"),
        choices=[("", _("Choose the kind")), *Injury.Kind.choices],
    )
    injury_work_related = forms.ChoiceField(label=_("Is it work-related?"), choices=YES_NO)
    injury_description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3})
    )
    injury_body_part = forms.CharField(label=_("Body part"), max_length=60, required=False)
    injury_icd10 = forms.RegexField(
        label=_("ICD-10 code"),
        regex=r"^[A-Za-z]\d{2}(\.\d{1,4})?$",
        required=False,
        max_length=8,
        error_messages={"invalid": _("Enter an ICD-10 code such as S62.5.")},
    )
    # Benefits: a date means the person holds it (or applies) from that date.
    tdb_from = _date(_("Receiving Temporary Disablement Benefit since"), required=False)
    pdb_from = _date(_("Applied for Permanent Disablement Benefit on"), required=False)
    invalidity_from = _date(_("Applied for Invalidity Pension on"), required=False)
    certified_invalid_from = _date(_("Certified invalid on"), required=False)
    # Medical board
    board = forms.ChoiceField(
        label=_("Medical board"),
        required=False,
        choices=[("", _("No board has seen the person")), *BoardRecommendation.Board.choices],
    )
    board_date = _date(_("Date of the board's decision"), required=False)
    board_recommended = forms.ChoiceField(
        label=_("Did the board recommend rehabilitation?"),
        required=False,
        choices=[("", _("Choose")), *YES_NO],
    )
    # Employment before the injury
    employer_name = forms.CharField(label=_("Employer"), max_length=150)
    employer_code = forms.CharField(label=_("SOCSO employer code"), max_length=12, required=False)
    isco_code = forms.RegexField(
        label=_("Occupation (ISCO-08 unit group code)"),
        regex=r"^\d{4}$",
        help_text=_("4 digits. Type a job title to see matching occupations and their codes."),
        error_messages={"invalid": _("Enter the 4-digit code of an ISCO-08 unit group.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    job_title = forms.CharField(label=_("Job title"), max_length=150)
    monthly_wage = forms.DecimalField(
        label=_("Monthly wage (RM)"), min_value=0, max_digits=9, decimal_places=2
    )
    employment_start = _date(_("Worked there since"))
    employment_end = _date(
        _("Until"), required=False, help_text=_("Leave empty if the job has not ended.")
    )

    FIELDSETS = [
        (
            _("The referral"),
            ["office", "referral_date", "referral_reference", "referred_by", "is_contributor"],
        ),
        (
            _("The person"),
            [
                "nric",
                "full_name",
                "date_of_birth",
                "sex",
                "socso_number",
                "preferred_language",
                "dependants",
            ],
        ),
        (
            _("Contact details and address"),
            ["phone", "email", "address", "postcode", "district", "state"],
        ),
        (
            _("The injury or disease"),
            [
                "injury_date",
                "injury_kind",
                "injury_work_related",
                "injury_description",
                "injury_body_part",
                "injury_icd10",
            ],
        ),
        (_("Benefits"), ["tdb_from", "pdb_from", "invalidity_from", "certified_invalid_from"]),
        (_("Medical board recommendation"), ["board", "board_date", "board_recommended"]),
        (
            _("Employment before the injury"),
            [
                "employer_name",
                "employer_code",
                "isco_code",
                "job_title",
                "monthly_wage",
                "employment_start",
                "employment_end",
            ],
        ),
    ]

    # Where the service's field paths are shown on this form.
    SERVICE_FIELDS = {
        "person.nric": "nric",
        "person.full_name": "full_name",
        "person.date_of_birth": "date_of_birth",
        "person.sex": "sex",
        "person.state_code": "state",
        "referral_date": "referral_date",
        "referral_reference": "referral_reference",
        "injury.date": "injury_date",
        "employment.isco_code": "isco_code",
        "employment.employer_code": "employer_code",
        "employment.end_date": "employment_end",
    }

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if offices is None:
            del self.fields["office"]
        else:
            self.fields["office"].queryset = offices
        self.fields["referral_date"].initial = timezone.localdate

    def fieldsets(self):
        for legend, names in self.FIELDSETS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                yield legend, fields

    def clean(self):
        data = super().clean()
        board = data.get("board")
        if board:
            if not data.get("board_date"):
                self.add_error("board_date", _("Enter the date of the board's decision."))
            if not data.get("board_recommended"):
                self.add_error(
                    "board_recommended", _("Say whether the board recommended rehabilitation.")
                )
        elif data.get("board_date") or data.get("board_recommended"):
            self.add_error("board", _("Choose the board that made the recommendation."))
        return data

    def add_service_errors(self, error: ReferralError) -> None:
        for path, messages in error.errors.items():
            field = self.SERVICE_FIELDS.get(path)
            for message in messages:
                self.add_error(field if field in self.fields else None, message)

    def to_input(self, *, source: str) -> ReferralInput:
        d = self.cleaned_data
        benefits = tuple(
            BenefitInput(kind=kind, start_date=d[name])
            for name, kind in (
                ("tdb_from", BenefitStatus.Kind.TDB_RECEIVING),
                ("pdb_from", BenefitStatus.Kind.PDB_APPLYING),
                ("invalidity_from", BenefitStatus.Kind.INVALIDITY_APPLYING),
                ("certified_invalid_from", BenefitStatus.Kind.CERTIFIED_INVALID),
            )
            if d.get(name)
        )
        boards = ()
        if d.get("board"):
            boards = (
                BoardRecommendationInput(
                    board=d["board"],
                    date=d["board_date"],
                    recommended_rehabilitation=d["board_recommended"] == "yes",
                ),
            )
        return ReferralInput(
            person=PersonInput(
                nric=d["nric"],
                full_name=d["full_name"],
                state_code=d["state"].code,
                date_of_birth=d.get("date_of_birth"),
                sex=d.get("sex") or "",
                socso_number=d.get("socso_number", ""),
                phone=d.get("phone", ""),
                email=d.get("email", ""),
                address=d.get("address", ""),
                postcode=d.get("postcode", ""),
                district=d.get("district", ""),
                preferred_language=d["preferred_language"],
                dependants=d.get("dependants"),
            ),
            referral_date=d["referral_date"],
            source=source,
            is_contributor=d["is_contributor"] == "yes",
            referral_reference=d.get("referral_reference") or None,
            referred_by=d.get("referred_by", ""),
            injury=InjuryInput(
                date=d["injury_date"],
                kind=d["injury_kind"],
                work_related=d["injury_work_related"] == "yes",
                description=d["injury_description"],
                body_part=d.get("injury_body_part", ""),
                icd10=d.get("injury_icd10", ""),
            ),
            employment=EmploymentInput(
                employer_name=d["employer_name"],
                isco_code=d["isco_code"],
                job_title=d["job_title"],
                monthly_wage=d["monthly_wage"],
                start_date=d["employment_start"],
                end_date=d.get("employment_end"),
                employer_code=d.get("employer_code", ""),
            ),
            benefits=benefits,
            board_recommendations=boards,
        )


class VersionForm(forms.Form):
    """Carries the version of the case the user saw, so a stale step is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReasonForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )


class OptionalReasonForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class ClosureRequestForm(VersionForm):
    closure_reason = forms.ChoiceField(label=_("Why is the case ending?"))
    reason = forms.CharField(
        label=_("Details"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("What happened, and when. The supervisor reads this before approving."),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closure_reason"].choices = [
            ("", _("Choose a reason")),
            *[(value, ClosureReason(value).label) for value in choices],
        ]


class AssignForm(VersionForm):
    case_manager = forms.ChoiceField(label=_("Case manager"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Needed only when you reassign the case."),
    )

    def __init__(self, *args, loads=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.loads = list(loads)
        self.fields["case_manager"].choices = [
            (str(row.user.pk), row.user.display_name) for row in self.loads
        ]

    def chosen(self):
        wanted = self.cleaned_data["case_manager"]
        return next(row.user for row in self.loads if str(row.user.pk) == wanted)
