"""Template helpers of the shell: navigation, accessible form widgets, masking."""

import functools

from django import forms, template
from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.encoding import iri_to_uri
from django.utils.html import escape
from django.utils.safestring import mark_safe

from kembali.core import layout

register = template.Library()


@register.simple_tag(takes_context=True)
def page_header(context):
    """The header's inside and the primary navigation (kembali.core.layout)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return layout.page_header(
        request=request,
        user=user,
        csrf_token=context.get("csrf_token"),
        unread=unread_notifications(context),
    )


@register.simple_tag(takes_context=True)
def page_frame(context, part: str):
    """base.html's frame (kembali.core.layout.frame_pieces) around the page's own
    parts: "start" up to the title, "header" from the title's end through the page
    header, "end" from the content's end to the end of the page."""
    start, after_title, after_token, after_header, end = layout.frame_pieces()
    if part == "start":
        return mark_safe(start)  # noqa: S308 (drawn from our own template)
    if part == "header":
        token = escape(str(context.get("csrf_token", "")))
        return mark_safe(f"{after_title}{token}{after_token}{page_header(context)}{after_header}")  # noqa: S308
    if part == "end":
        return mark_safe(end)  # noqa: S308
    raise template.TemplateSyntaxError(f'page_frame takes "start", "header" or "end", not {part!r}')


_STAND_IN = "KEMBALI-STAND-IN"


@register.filter
def url_with(value, url_name: str) -> str:
    """{% url url_name value %} for the rows of a table: the address is reversed
    once with a stand-in argument, and each row puts its value in its place
    (reverse() per row cost a page of 25 cases about a millisecond). A value that
    is not a plain path segment goes through reverse() itself."""
    text = str(value)
    if not text or not text.replace("-", "").isalnum():
        return reverse(url_name, args=[text])
    before, after = url_around(url_name)
    return f"{before}{text}{after}"


def url_around(url_name: str) -> tuple[str, str]:
    """The address of url_name before and after its one path argument."""
    return _url_around(url_name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@functools.lru_cache(maxsize=32)
def _url_around(url_name: str, urlconf: str, script_prefix: str) -> tuple[str, str]:
    url = iri_to_uri(reverse(url_name, args=[_STAND_IN], urlconf=urlconf))
    before, found, after = url.partition(_STAND_IN)
    if not found:
        raise NoReverseMatch(f"{url_name} does not put its argument in the path")
    return before, after


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """How many of the user's notifications are unread, for the header: counted
    when the middleware loaded the user (kembali.accounts.backends.UserLoader), else
    one COUNT on the index (user, read_at)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    counted = getattr(user, "unread_notifications", None)
    if counted is not None:
        return counted
    from kembali.notifications.models import Notification

    return Notification.objects.filter(user=user, read_at__isnull=True).count()


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
    nric = nric or ""
    digits = nric if nric.isdigit() else "".join(filter(str.isdigit, nric))
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


@register.filter
def choice_label(obj, field_name: str):
    """What obj.get_<field_name>_display() shows, for a table row: Django's method
    rebuilds a dict of the field's choices on every call, translating each label to
    hash it (a page of 25 cases spent more time there than in its queries)."""
    value = getattr(obj, field_name)
    return _choice_labels(type(obj), field_name).get(value, value)


@functools.cache
def _choice_labels(model, field_name: str) -> dict:
    # The labels stay lazy: each is translated when shown, in the active language.
    return dict(model._meta.get_field(field_name).flatchoices)
