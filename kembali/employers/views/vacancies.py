"""The vacancy pages: list, detail, the form (new and change), closing, CSV upload."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kembali.core.csvimport import ImportFileError, decode_upload
from kembali.core.digits import is_digits
from kembali.employers.access import (
    access_employer,
    access_vacancy,
    may_edit_employers,
    require_edit,
    require_view,
)
from kembali.employers.forms import (
    VacancyCloseForm,
    VacancyFilterForm,
    VacancyForm,
    VacancyImportForm,
)
from kembali.employers.imports import COLUMN_HELP, vacancies_import
from kembali.employers.models import Employer, Vacancy
from kembali.employers.selectors import vacancy_list as vacancy_list_qs
from kembali.employers.vacancies import (
    VacancyInput,
    VacancyInvalid,
    VacancyStale,
    vacancy_close,
    vacancy_create,
    vacancy_update,
)
from kembali.employers.views.common import form_page
from kembali.reference.selectors import occupation_search, unit_groups


@login_required
def vacancy_list(request):
    require_view(request.user)
    form = VacancyFilterForm(request.GET or None)
    criteria = form.cleaned_data if form.is_valid() else {}
    employer = None
    if criteria.get("employer"):
        employer = Employer.objects.filter(employer_code=criteria["employer"]).first()
        if employer is None:
            form.add_error("employer", _("No employer on file has this code."))
    vacancies = (
        Vacancy.objects.none()
        if form.errors
        else vacancy_list_qs(
            state=criteria.get("state"),
            isco_major=criteria.get("isco_major", ""),
            status=criteria.get("status", ""),
            employer=employer,
            q=criteria.get("q", ""),
        )
    )
    page = Paginator(vacancies, settings.KEMBALI_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "employers/vacancy_list.html",
        {
            "form": form,
            "page_obj": page,
            "vacancies": page.object_list,
            "filtered": any(criteria.values()),
            "may_edit": may_edit_employers.test(request.user),
        },
    )


@login_required
def vacancy_detail(request, pk):
    vacancy = access_vacancy(
        request.user, pk, queryset=Vacancy.objects.select_related("employer", "state", "isco_unit")
    )
    form = VacancyForm()  # for the labels of the demand dimensions
    return render(
        request,
        "employers/vacancy_detail.html",
        {
            "vacancy": vacancy,
            "demands": [
                (form.fields[name].label, getattr(vacancy, f"get_{name}_display")())
                for name in ("strength_level", *VacancyForm.LEVEL_FIELDS)
            ],
            "accessibility": [
                (form.fields[name].label, getattr(vacancy, name))
                for name in (
                    "wheelchair_access",
                    "accessible_toilet",
                    "flexible_hours",
                    "remote_work",
                    "assistive_technology",
                )
            ],
            "may_edit": may_edit_employers.test(request.user),
        },
    )


def _vacancy_form_page(request, form, *, vacancy=None):
    return render(
        request,
        "employers/vacancy_form.html",
        {"form": form, "vacancy": vacancy},
        status=422 if form.errors else 200,
    )


@login_required
def vacancy_new(request):
    require_edit(request.user)
    initial = {}
    if request.GET.get("employer"):
        employer = access_employer(request.user, request.GET["employer"])
        initial = {
            "employer_code": employer.employer_code,
            "state": employer.state_id,
            "district": employer.district,
        }
    form = VacancyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            vacancy = vacancy_create(actor=request.user, data=form.to_input())
        except VacancyInvalid as exc:
            form.show_service_errors(exc.errors)
        else:
            messages.success(request, _("Vacancy added."))
            return redirect("employers:vacancy_detail", pk=vacancy.pk)
    return _vacancy_form_page(request, form)


@login_required
def vacancy_edit(request, pk):
    vacancy = access_vacancy(
        request.user, pk, edit=True, queryset=Vacancy.objects.select_related("employer")
    )
    data = VacancyInput.from_vacancy(vacancy)
    initial = {
        **vars(data),
        "employer_code": vacancy.employer.employer_code,
        "state": vacancy.state_id,
        "version": vacancy.version,
    }
    form = VacancyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        new = form.to_input()
        changes = {k: v for k, v in vars(new).items() if getattr(data, k) != v}
        try:
            vacancy_update(
                actor=request.user,
                vacancy=vacancy,
                changes=changes,
                expected_version=form.cleaned_data["version"],
            )
        except VacancyInvalid as exc:
            form.show_service_errors(exc.errors)
        except VacancyStale as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Vacancy updated."))
            return redirect("employers:vacancy_detail", pk=vacancy.pk)
    return _vacancy_form_page(request, form, vacancy=vacancy)


@login_required
def vacancy_close_view(request, pk):
    vacancy = access_vacancy(
        request.user, pk, edit=True, queryset=Vacancy.objects.select_related("employer")
    )
    form = VacancyCloseForm(request.POST or None, initial={"version": vacancy.version})
    if request.method == "POST" and form.is_valid():
        try:
            vacancy_close(
                actor=request.user,
                vacancy=vacancy,
                status=form.cleaned_data["status"],
                expected_version=form.cleaned_data["version"],
            )
        except VacancyStale as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Vacancy closed: it is no longer offered in matching."))
            return redirect("employers:vacancy_detail", pk=vacancy.pk)
    return form_page(
        request,
        form,
        title=_("Close the vacancy %(title)s") % {"title": vacancy.title},
        submit=_("Close the vacancy"),
        back=("employers:vacancy_detail", (vacancy.pk,)),
    )


@login_required
def vacancy_import(request):
    require_edit(request.user)
    form = VacancyImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = decode_upload(upload.read())
        except ImportFileError as exc:
            form.add_error("file", exc.message)
        else:
            report = vacancies_import(
                actor=request.user,
                source=text,
                mode=form.cleaned_data["mode"],
                filename=upload.name,
            )
            if report.file_error:
                form.add_error("file", report.file_error)
                report = None
    return render(
        request,
        "employers/vacancy_import.html",
        {"form": form, "report": report, "columns": COLUMN_HELP},
        status=422 if form.errors or (report and report.refused) else 200,
    )


@login_required
def occupation_options(request):
    """<option> elements for the occupation code's datalist."""
    require_view(request.user)
    query = (request.GET.get("isco_code", "") or request.GET.get("q", "")).strip()
    options: list[tuple[str, str]] = []
    if is_digits(query):
        options = [
            (g.code, g.local_title) for g in unit_groups().filter(code__startswith=query)[:15]
        ]
    elif len(query) >= 3:
        options = [
            (o.isco_unit_id, f"{o.title} ({o.isco_unit.local_title})")
            for o in occupation_search(query, limit=15)
        ]
    return render(request, "employers/_occupation_options.html", {"options": options})
