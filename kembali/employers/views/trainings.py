"""Disability equality trainings: the list with the counts per year, one training
with its attending employers, and the forms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kembali.employers.access import access_training, may_edit_employers, require_edit, require_view
from kembali.employers.forms import AttendanceForm, TrainingForm
from kembali.employers.models import Training, TrainingAttendance
from kembali.employers.selectors import training_counts_per_year
from kembali.employers.selectors import training_list as training_list_qs
from kembali.employers.trainings import (
    TRAINING_FIELDS,
    TrainingError,
    attendance_remove,
    attendance_set,
    training_create,
    training_delete,
    training_update,
)
from kembali.employers.views.common import form_page, service_error


@login_required
def training_list(request):
    require_view(request.user)
    return render(
        request,
        "employers/training_list.html",
        {
            "years": training_counts_per_year(),
            "trainings": training_list_qs()[:200],
            "may_edit": may_edit_employers.test(request.user),
        },
    )


@login_required
def training_new(request):
    require_edit(request.user)
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        training = training_create(actor=request.user, data=form.cleaned_data)
        messages.success(request, _("Training added. Now add the employers that attended."))
        return redirect("employers:training_detail", pk=training.pk)
    return form_page(
        request,
        form,
        title=_("Add a disability equality training"),
        submit=_("Add the training"),
        back=("employers:training_list", ()),
    )


@login_required
def training_detail(request, pk):
    training = access_training(
        request.user,
        pk,
        queryset=Training.objects.select_related("state").prefetch_related("attendances__employer"),
    )
    may_edit = may_edit_employers.test(request.user)
    form = AttendanceForm(request.POST or None) if may_edit else None
    if request.method == "POST":
        require_edit(request.user)
        if form.is_valid():
            try:
                attendance_set(
                    actor=request.user,
                    training=training,
                    employer=form.employer,
                    attended=form.cleaned_data["attended"],
                    people=form.cleaned_data["people"],
                )
            except TrainingError as exc:
                service_error(form, exc)
            else:
                messages.success(request, _("Attendance saved."))
                return redirect("employers:training_detail", pk=training.pk)
    return render(
        request,
        "employers/training_detail.html",
        {"training": training, "form": form, "may_edit": may_edit},
        status=422 if form is not None and form.errors else 200,
    )


@login_required
def training_edit(request, pk):
    training = access_training(request.user, pk, edit=True)
    initial = {name: getattr(training, name) for name in TRAINING_FIELDS}
    initial["state"] = training.state_id
    form = TrainingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        training_update(actor=request.user, training=training, data=form.cleaned_data)
        messages.success(request, _("Training updated."))
        return redirect("employers:training_detail", pk=training.pk)
    return form_page(
        request,
        form,
        title=_("Change the training"),
        submit=_("Save the changes"),
        back=("employers:training_detail", (training.pk,)),
    )


@login_required
@require_POST
def training_delete_view(request, pk):
    training = access_training(request.user, pk, edit=True)
    training_delete(actor=request.user, training=training)
    messages.success(request, _("Training deleted."))
    return redirect("employers:training_list")


@login_required
@require_POST
def attendance_delete(request, pk, attendance_pk):
    training = access_training(request.user, pk, edit=True)
    attendance = get_object_or_404(TrainingAttendance, pk=attendance_pk, training=training)
    attendance_remove(actor=request.user, attendance=attendance)
    messages.success(request, _("Employer removed from the training."))
    return redirect("employers:training_detail", pk=training.pk)
