"""The employer CRM pages: list, detail, the record, contacts, engagements, the funnel,
accessibility and the fiscal benefits record. Who may: kembali.employers.access."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kembali.employers.access import access_employer, may_edit_employers, require_edit, require_view
from kembali.employers.forms import (
    AccessibilityForm,
    ContactForm,
    EmployerFilterForm,
    EmployerForm,
    EngagementForm,
    FiscalBenefitsForm,
    FunnelForm,
)
from kembali.employers.models import EMPLOYER_ACCESSIBILITY_FIELDS, Contact, Employer
from kembali.employers.selectors import employer_detail as employer_detail_qs
from kembali.employers.selectors import employer_list as employer_list_qs
from kembali.employers.selectors import engagement_target
from kembali.employers.services import (
    EMPLOYER_FIELDS,
    EmployerError,
    contact_add,
    contact_remove,
    contact_update,
    employer_accessibility_update,
    employer_create,
    employer_fiscal_benefits_inform,
    employer_funnel_change,
    employer_update,
    engagement_record,
    second_officer_warning,
)
from kembali.employers.views.common import form_page, service_error


@login_required
def employer_list(request):
    require_view(request.user)
    form = EmployerFilterForm(request.GET or None)
    criteria = form.cleaned_data if form.is_valid() else {}
    employers = employer_list_qs(
        q=criteria.get("q", ""),
        state=criteria.get("state"),
        funnel=criteria.get("funnel", ""),
        owner=criteria.get("owner"),
    )
    page = Paginator(employers, settings.KEMBALI_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "employers/employer_list.html",
        {
            "form": form,
            "page_obj": page,
            "employers": page.object_list,
            "filtered": any(criteria.values()),
            "target": engagement_target(),
            "may_edit": may_edit_employers.test(request.user),
        },
    )


@login_required
def employer_new(request):
    require_edit(request.user)
    form = EmployerForm(request.POST or None, initial={"owner": request.user.pk})
    if request.method == "POST" and form.is_valid():
        try:
            employer = employer_create(actor=request.user, data=form.cleaned_data)
        except EmployerError as exc:
            service_error(form, exc)
        else:
            messages.success(request, _("Employer added."))
            return redirect("employers:detail", pk=employer.pk)
    return form_page(
        request,
        form,
        title=_("Add an employer"),
        submit=_("Add the employer"),
        back=("employers:list", ()),
    )


@login_required
def employer_detail(request, pk):
    employer = access_employer(request.user, pk, queryset=employer_detail_qs(pk))
    may_edit = may_edit_employers.test(request.user)
    return render(
        request,
        "employers/employer_detail.html",
        {
            "employer": employer,
            "may_edit": may_edit,
            "measures": [
                (employer._meta.get_field(name).verbose_name, getattr(employer, name))
                for name in EMPLOYER_ACCESSIBILITY_FIELDS
            ],
            "warning": second_officer_warning(employer, request.user) if may_edit else "",
        },
    )


@login_required
def employer_edit(request, pk):
    employer = access_employer(request.user, pk, edit=True)
    initial = {name: getattr(employer, name) for name in EMPLOYER_FIELDS}
    initial["state"] = employer.state_id
    initial["owner"] = employer.owner_id
    form = EmployerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            employer_update(actor=request.user, employer=employer, data=form.cleaned_data)
        except EmployerError as exc:
            service_error(form, exc)
        else:
            messages.success(request, _("Employer updated."))
            return redirect("employers:detail", pk=employer.pk)
    return form_page(
        request,
        form,
        title=_("Change %(name)s") % {"name": employer.name},
        submit=_("Save the changes"),
        back=("employers:detail", (employer.pk,)),
    )


@login_required
def contact_new(request, pk):
    employer = access_employer(request.user, pk, edit=True)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact_add(actor=request.user, employer=employer, data=form.cleaned_data)
        messages.success(request, _("Contact added."))
        return redirect("employers:detail", pk=employer.pk)
    return form_page(
        request,
        form,
        title=_("Add a contact at %(name)s") % {"name": employer.name},
        submit=_("Add the contact"),
        back=("employers:detail", (employer.pk,)),
    )


def _contact(request, pk, contact_pk) -> Contact:
    employer = access_employer(request.user, pk, edit=True)
    return get_object_or_404(
        Contact.objects.select_related("employer"), pk=contact_pk, employer=employer
    )


@login_required
def contact_edit(request, pk, contact_pk):
    contact = _contact(request, pk, contact_pk)
    initial = {
        "name": contact.name,
        "position": contact.position,
        "phone": contact.phone,
        "email": contact.email,
    }
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        contact_update(actor=request.user, contact=contact, data=form.cleaned_data)
        messages.success(request, _("Contact updated."))
        return redirect("employers:detail", pk=pk)
    return form_page(
        request,
        form,
        title=_("Change the contact %(name)s") % {"name": contact.name},
        submit=_("Save the changes"),
        back=("employers:detail", (pk,)),
    )


@login_required
@require_POST
def contact_delete(request, pk, contact_pk):
    contact = _contact(request, pk, contact_pk)
    contact_remove(actor=request.user, contact=contact)
    messages.success(request, _("Contact removed."))
    return redirect("employers:detail", pk=pk)


@login_required
def engagement_new(request, pk):
    employer = access_employer(
        request.user, pk, edit=True, queryset=Employer.objects.select_related("owner")
    )
    form = EngagementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = engagement_record(actor=request.user, employer=employer, **form.cleaned_data)
        except EmployerError as exc:
            service_error(form, exc)
        else:
            messages.success(request, _("Engagement recorded."))
            if result.warning:
                messages.warning(request, result.warning)
            return redirect("employers:detail", pk=employer.pk)
    return form_page(
        request,
        form,
        title=_("Record an engagement with %(name)s") % {"name": employer.name},
        submit=_("Record the engagement"),
        back=("employers:detail", (employer.pk,)),
        warning=second_officer_warning(employer, request.user),
    )


@login_required
def funnel_change(request, pk):
    employer = access_employer(request.user, pk, edit=True)
    form = FunnelForm(request.POST or None, initial={"to_status": employer.funnel_status})
    if request.method == "POST" and form.is_valid():
        try:
            employer_funnel_change(actor=request.user, employer=employer, **form.cleaned_data)
        except EmployerError as exc:
            service_error(form, exc)
        else:
            messages.success(request, _("Funnel status changed."))
            return redirect("employers:detail", pk=employer.pk)
    return form_page(
        request,
        form,
        title=_("Change the funnel status of %(name)s") % {"name": employer.name},
        submit=_("Change the status"),
        back=("employers:detail", (employer.pk,)),
    )


@login_required
def accessibility_edit(request, pk):
    employer = access_employer(request.user, pk, edit=True)
    initial = {name: getattr(employer, name) for name in EMPLOYER_ACCESSIBILITY_FIELDS}
    initial["notes"] = employer.accessibility_notes
    form = AccessibilityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        employer_accessibility_update(
            actor=request.user,
            employer=employer,
            measures=form.cleaned_data,
            notes=form.cleaned_data["notes"],
        )
        messages.success(request, _("Accessibility and inclusion measures saved."))
        return redirect("employers:detail", pk=employer.pk)
    return render(
        request,
        "employers/accessibility_form.html",
        {"form": form, "employer": employer},
        status=422 if form.errors else 200,
    )


@login_required
def fiscal_benefits(request, pk):
    employer = access_employer(request.user, pk, edit=True)
    form = FiscalBenefitsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            employer_fiscal_benefits_inform(
                actor=request.user, employer=employer, on=form.cleaned_data["informed_on"]
            )
        except EmployerError:
            form.add_error("informed_on", _("The date cannot be in the future."))
        else:
            messages.success(
                request, _("Recorded that the employer was informed of the fiscal benefits.")
            )
            return redirect("employers:detail", pk=employer.pk)
    return form_page(
        request,
        form,
        title=_("Informed %(name)s of the fiscal benefits") % {"name": employer.name},
        lead=_(
            "Record the date you informed the employer of the tax incentives for "
            "employing persons with disabilities."
        ),
        submit=_("Record it"),
        back=("employers:detail", (employer.pk,)),
    )
