"""Notes, contacts and tasks on a case, and the user's own tasks across cases."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kembali.cases.forms_monitoring import ContactForm, NoteForm, TaskForm
from kembali.cases.models import CaseTask
from kembali.cases.services_monitoring import (
    MonitoringError,
    contact_create,
    may_work_on,
    my_open_tasks,
    note_create,
    task_assignees,
    task_complete,
    task_create,
)
from kembali.cases.views.detail import load_case
from kembali.cases.workflow import WorkflowError


def _case_for_work(request, number: str):
    case = load_case(request, number)
    if not may_work_on(request.user, case):
        raise PermissionDenied
    return case


def _refused(form, exc: WorkflowError) -> None:
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, exc.detail)


def _page(request, case, form, template: str, **extra):
    status = 422 if form.errors else 200
    return render(request, template, {"case": case, "form": form, **extra}, status=status)


@functools.lru_cache(maxsize=8)
def _blank_note_field(language: str) -> str:
    """The note form's text field as includes/field.html draws it before anything is
    typed: the same for every case and user in a language (label, hint, an empty
    textarea), so drawn once, not through the form renderer's templates on each GET.
    Called with `language` active."""
    return render_to_string("includes/field.html", {"field": NoteForm()["text"]})


@login_required
def note_new(request, number: str):
    case = _case_for_work(request, number)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            note_create(case=case, actor=request.user, text=form.cleaned_data["text"])
        except WorkflowError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The note is added."))
            return redirect("cases:detail", number=case.number)
    blank = _blank_note_field(get_language()) if not form.is_bound else ""
    return _page(request, case, form, "cases/notes_form.html", blank_field=blank)


@login_required
def contact_new(request, number: str):
    case = _case_for_work(request, number)
    form = ContactForm(request.POST or None, initial={"contact_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact_create(
                case=case,
                actor=request.user,
                party=data["party"],
                party_name=data["party_name"],
                method=data["method"],
                contacted_at=form.contacted_at(),
                summary=data["summary"],
                follow_up_needed=data["follow_up_needed"],
                follow_up_by=data["follow_up_by"],
            )
        except WorkflowError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The contact is recorded."))
            return redirect("cases:detail", number=case.number)
    return _page(request, case, form, "cases/notes_contact_form.html")


@login_required
def task_new(request, number: str):
    case = _case_for_work(request, number)
    assignees = task_assignees(case)
    initial = {"assigned_to": case.case_manager_id or request.user.pk}
    form = TaskForm(request.POST or None, initial=initial, assignees=assignees)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task_create(
                case=case,
                actor=request.user,
                title=data["title"],
                due_date=data["due_date"],
                assigned_to=data["assigned_to"],
            )
        except WorkflowError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The task is added."))
            return redirect("cases:detail", number=case.number)
    return _page(request, case, form, "cases/tasks_form.html")


@login_required
@require_POST
def task_done(request, number: str, task_id: int):
    case = load_case(request, number)
    task = get_object_or_404(CaseTask.objects.select_related("case"), pk=task_id, case=case)
    try:
        task_complete(task=task, actor=request.user)
    except MonitoringError as exc:
        messages.error(request, exc.detail)
    except WorkflowError:
        raise PermissionDenied from None
    else:
        messages.success(request, _("“%(title)s” is done.") % {"title": task.title})
    back = request.POST.get("next", "")
    if back == "my_tasks":
        return redirect("cases:my_tasks")
    return redirect("cases:detail", number=case.number)


@login_required
def my_tasks(request):
    tasks = list(my_open_tasks(request.user))
    today = timezone.localdate()
    return render(
        request,
        "cases/tasks_mine.html",
        {
            "tasks": tasks,
            "today": today,
            "overdue_count": sum(1 for t in tasks if t.due_date < today),
        },
    )
