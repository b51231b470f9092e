"""The dashboard's filter form as HTML, drawn once per distinct form and reused.

Eight fields through includes/field.html, two of them selects of every state or
office, cost about as much as the rest of the dashboard with kept figures. Yet the
form's HTML is made only from the language, the form's address and, for each field,
its label, hint, choices and value: with the same of those the HTML is the same. So a
valid form's HTML is kept in a small per-process table keyed on exactly those, and
can never be stale: a renamed office or state changes the choices read for this view,
and so the key. A form with errors is drawn afresh each time (its messages and the
values typed are not worth keeping)."""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

TEMPLATE = "reports/_filter_form.html"
# Distinct forms kept: a few per office and language in a working day is typical.
MAX_KEPT = 256

_kept: OrderedDict[tuple, str] = OrderedDict()
_lock = threading.Lock()


def filter_form_html(form) -> SafeString:
    """The filter form drawn by reports/_filter_form.html."""
    if form.is_bound and not form.is_valid():
        return _draw(form)
    key = form_key(form)
    with _lock:
        html = _kept.get(key)
        if html is not None:
            _kept.move_to_end(key)
    if html is None:
        html = _draw(form)
        with _lock:
            _kept[key] = html
            while len(_kept) > MAX_KEPT:
                _kept.popitem(last=False)
    return mark_safe(html)  # noqa: S308 - drawn from our own template by _draw


def form_key(form) -> tuple:
    """Everything the form's HTML is made from (see the module's docstring): the
    language, the form's address, and each field's kind, label, hint, choices and
    value. A label, hint or choice that is still the one declared on the form's
    class (the very same object: copying a form's fields keeps them) is given by the
    class and the language; any other is read as text in the active language."""
    fields = tuple(_field_key(form, bound) for bound in form)
    return (
        get_language(),
        get_script_prefix(),
        get_urlconf(),
        type(form),
        form.is_bound,
        form.auto_id,
        form.prefix,
        form.label_suffix,
        fields,
    )


# Stands in the key for a text declared on the form's class.
_DECLARED = "declared"


def _field_key(form, bound) -> tuple:
    field = bound.field
    declared = form.base_fields.get(bound.name)
    widget = field.widget
    return (
        bound.name,
        type(field),
        type(widget),
        tuple(sorted(widget.attrs.items())),
        field.required,
        _text(field.label, getattr(declared, "label", None)),
        _text(field.help_text, getattr(declared, "help_text", None)),
        _choices(getattr(field, "choices", None), getattr(declared, "choices", None)),
        bound.value(),
    )


def _text(text, declared) -> str | None:
    if text is declared:
        return _DECLARED
    return None if text is None else str(text)


def _choices(choices, declared) -> tuple | str:
    if not choices:
        return ()
    if (
        declared is not None
        and len(choices) == len(declared)
        and all(mine is theirs for mine, theirs in zip(choices, declared, strict=True))
    ):
        return _DECLARED
    return _choice_texts(choices)


def _choice_texts(choices) -> tuple:
    """(value, label as text) of each choice; a group's label is its list of choices."""
    return tuple(
        (value, _choice_texts(label) if isinstance(label, list | tuple) else str(label))
        for value, label in choices
    )


def forget_all() -> None:
    """Empty the table (for tests)."""
    with _lock:
        _kept.clear()


def _draw(form) -> str:
    return render_to_string(TEMPLATE, {"form": form})
