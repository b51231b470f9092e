"""Template helpers of the shell: navigation, accessible form widgets, masking."""

from django import forms, template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kembali.accounts import roles

register = template.Library()

# Primary navigation: (label, url name, who sees it). A route another app has not
# added yet is left out silently, so the menu never links to a missing page.
NAVIGATION = [
    # A context of its own: Django admin's catalogue also has "Home" (as "Utama").
    (pgettext_lazy("primary navigation", "Home"), "core:home", None),
    (_("Cases"), "cases:list", roles.sees_personal_data),
    (_("My cases"), "cases:mine", roles.is_case_manager | roles.is_placement_officer),
]


@register.inclusion_tag("includes/navigation.html", takes_context=True)
def primary_navigation(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    items = []
    if user is None or not user.is_authenticated:
        return {"items": items}
    current = request.resolver_match.view_name if request.resolver_match else ""
    for label, url_name, predicate in NAVIGATION:
        if predicate is not None and not predicate.test(user):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "current": current == url_name})
    return {"items": items}


def _widget_class(field) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        base = "kembali-checkbox"
    elif isinstance(widget, forms.Select):
        base = "kembali-select"
    elif isinstance(widget, forms.Textarea):
        base = "kembali-textarea"
    else:
        base = "kembali-input"
    return f"{base} {base}--error" if field.errors else base


@register.simple_tag
def field_widget(field, **extra_attrs):
    """The field's widget tied to its hint and error message by aria-describedby,
    as the GOV.UK Design System does."""
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}-hint")
    if field.errors:
        described_by.append(f"{field.auto_id}-error")
    attrs = {"class": _widget_class(field)}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    attrs.update({key.replace("_", "-"): value for key, value in extra_attrs.items()})
    return field.as_widget(attrs=attrs)


@register.filter
def nric_masked(nric: str) -> str:
    """Only the last four digits: enough to tell two people apart on a list,
    not enough to be an identity number."""
    digits = "".join(ch for ch in (nric or "") if ch.isdigit())
    if len(digits) < 4:
        return ""
    return f"XXXXXX-XX-{digits[-4:]}"


@register.filter
def small_count(value) -> str:
    """Aggregates for people outside the case team: 1 to 4 is shown as "<5", so
    that a small cell cannot point at one person."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return ""
    if 0 < number < 5:
        return "<5"
    return f"{number:,}"


@register.simple_tag
def elided_page_range(page):
    """Page numbers around the current one, with ellipses (Paginator.ELLIPSIS)."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


# Status tag colours: grey for an ending, green for work regained, yellow where a
# decision is waiting, blue for everything in progress.
_STATUS_TAGS = {
    "closed": "kembali-tag--grey",
    "not_eligible": "kembali-tag--grey",
    "returned_to_work": "kembali-tag--green",
    "follow_up": "kembali-tag--green",
    "closure_pending": "kembali-tag--yellow",
    "referred": "kembali-tag--yellow",
}


@register.filter
def status_tag_class(status: str) -> str:
    return _STATUS_TAGS.get(status, "")
