"""What the employer views share."""

from django.shortcuts import render
from django.urls import reverse


def form_page(request, form, *, title, submit, lead="", back=None, warning="", extra=None):
    """A page with one form: the shared template for the small forms of this app."""
    context = {
        "form": form,
        "title": title,
        "submit": submit,
        "lead": lead,
        "warning": warning,
        "back_url": reverse(back[0], args=back[1]) if back else None,
        **(extra or {}),
    }
    return render(request, "employers/form_page.html", context, status=422 if form.errors else 200)


def service_error(form, exc) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
