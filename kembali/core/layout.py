"""The page header and primary navigation, written in Python.

Every page shows them, and as Django template code they cost more than a small
page's own content (a dozen {% url %} and {% translate %} tags, a loop, the user's
office and unread count). Here the fixed parts (translated labels and reversed
addresses) are escaped once per language and URL configuration and kept for the
life of the process; a request only fills in what is its own: the CSRF token, the
current address, the user's name, role, office and unread count, and which menu
item is current. The HTML is what the templates wrote, tag for tag
(tests/core/test_layout.py compares them)."""

from __future__ import annotations

import functools

from django.conf import settings
from django.http import HttpResponse
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape, escape, format_html
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kembali.accounts import roles

# The header's addresses.
_HEADER_URLS = (
    "core:home",
    "set_language",
    "notifications:list",
    "tokens:list",
    "accounts:totp_enrol",
    "accounts:password_change",
    "accounts:logout",
)


def _urlconf() -> tuple[str, str]:
    return get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()


@functools.lru_cache(maxsize=16)
def _fixed(language: str, urlconf: str, script_prefix: str) -> dict[str, str]:
    """The header's translated labels and addresses, escaped, in one language.
    Called with that language active (page_header)."""
    urls = {name: escape(reverse(name, urlconf=urlconf)) for name in _HEADER_URLS}
    return {
        "home": urls["core:home"],
        "set_language": urls["set_language"],
        "notifications": urls["notifications:list"],
        "tokens": urls["tokens:list"],
        "totp": urls["accounts:totp_enrol"],
        "password": urls["accounts:password_change"],
        "logout": urls["accounts:logout"],
        "tagline": escape(gettext("Return to Work case management")),
        "language": escape(gettext("Language")),
        "notifications_label": escape(pgettext("header", "Notifications")),
        "unread": escape(gettext("unread")),
        "tokens_label": escape(pgettext("header", "API tokens")),
        "totp_label": escape(pgettext("header", "Two-step sign-in")),
        "password_label": escape(gettext("Change password")),
        "sign_out": escape(gettext("Sign out")),
    }


_SWITCH_TO_ENGLISH = (
    '<button type="submit" name="language" value="en" lang="en" '
    'class="kembali-language-switch__button">English</button>\n'
    '            <span class="kembali-language-switch__current" aria-current="true" '
    'lang="ms">Bahasa Melayu</span>'
)
_SWITCH_TO_MALAY = (
    '<span class="kembali-language-switch__current" aria-current="true" '
    'lang="en">English</span>\n'
    '            <button type="submit" name="language" value="ms" lang="ms" '
    'class="kembali-language-switch__button">Bahasa Melayu</button>'
)


def csrf_input(token) -> str:
    """What {% csrf_token %} writes."""
    if not token or token == "NOTPROVIDED":
        return ""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


def page_header(*, request, user, csrf_token, unread: int) -> SafeString:
    """The inside of <header class="kembali-header">: service name, language
    switch, the signed-in user's name, role, office and links, and the menu."""
    language = get_language() or settings.LANGUAGE_CODE
    fixed = _fixed(language, *_urlconf())
    parts = [
        '<div class="kembali-width-container kembali-header__container">\n'
        '      <div class="kembali-header__service">\n'
        f'        <a href="{fixed["home"]}" class="kembali-header__name">Kembali</a>\n'
        f'        <span class="kembali-header__tagline">{fixed["tagline"]}</span>\n'
        "      </div>\n"
        '      <div class="kembali-header__tools">\n'
    ]
    if request is not None:
        switch = _SWITCH_TO_ENGLISH if language == "ms" else _SWITCH_TO_MALAY
        parts.append(
            f'        <form method="post" action="{fixed["set_language"]}" '
            'class="kembali-language-switch">\n'
            f"          {csrf_input(csrf_token)}\n"
            '          <input type="hidden" name="next" '
            f'value="{escape(request.get_full_path())}">\n'
            f'          <span class="kembali-visually-hidden">{fixed["language"]}:</span>\n'
            f"            {switch}\n"
            "        </form>\n"
        )
    current = _current_view(request)
    if user is not None and user.is_authenticated:
        office = user.office
        role = _role_label(user.role)
        if office:
            role = f"{role}, {escape(office.name)}"
        count = (
            f' <span class="kembali-header__count">{unread}<span '
            f'class="kembali-visually-hidden"> {fixed["unread"]}</span></span>'
            if unread
            else ""
        )
        here = _CURRENT if current == "notifications:list" else ""
        parts.append(
            '        <div class="kembali-header__user">\n'
            f'          <p class="kembali-header__user-name">{escape(user.display_name)}</p>\n'
            f'          <p class="kembali-header__user-role">{role}</p>\n'
            '          <ul class="kembali-header__user-actions">\n'
            f'            <li><a href="{fixed["notifications"]}" class="kembali-header__link"'
            f"{here}>{fixed['notifications_label']}{count}</a></li>\n"
            f'            <li><a href="{fixed["tokens"]}" class="kembali-header__link">'
            f"{fixed['tokens_label']}</a></li>\n"
            f'            <li><a href="{fixed["totp"]}" class="kembali-header__link">'
            f"{fixed['totp_label']}</a></li>\n"
            f'            <li><a href="{fixed["password"]}" class="kembali-header__link">'
            f"{fixed['password_label']}</a></li>\n"
            "          </ul>\n"
            f'          <form method="post" action="{fixed["logout"]}" '
            'class="kembali-header__logout">\n'
            f"            {csrf_input(csrf_token)}\n"
            '            <button type="submit" class="kembali-header__button">'
            f"{fixed['sign_out']}</button>\n"
            "          </form>\n"
            "        </div>\n"
        )
    parts.append("      </div>\n    </div>\n    ")
    parts.append(primary_navigation(request=request, user=user))
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)


_CURRENT = ' aria-current="page"'


def _role_label(role: str) -> str:
    """user.get_role_display(), escaped: the labels are read once per language
    (Django's own rebuilds a dictionary of every choice on each call)."""
    return _role_labels(get_language() or settings.LANGUAGE_CODE).get(role) or escape(role)


@functools.lru_cache(maxsize=8)
def _role_labels(language: str) -> dict[str, str]:
    from kembali.accounts.models import Role

    return {value: escape(label) for value, label in Role.choices}


def _current_view(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else ""


# Primary navigation: (label, url name, who sees it). Who sees it is a role
# predicate, or the dotted path of the same check the page itself makes (imported
# when first used: core sits below the domain apps); it may look only at the user's
# role, whether they are active and whether they have an office (navigation_items
# keeps its answers per those). A route another app has not
# added yet is left out silently, so the menu never links to a missing page.
# Kept to the daily work of each role (at most nine links, so that it fits one
# line on a laptop in both languages, which a test checks); vacancies and
# trainings are reached from the employers page by the roles for whom they are not
# daily work; a supervisor oversees cases rather than holding tasks, so the
# tasks page is left out of that menu (its address still works).
NAVIGATION = [
    # A context of its own: Django admin's catalogue also has "Home" (as "Utama").
    (pgettext_lazy("primary navigation", "Home"), "core:home", None),
    (_("Cases"), "cases:list", roles.sees_personal_data),
    (_("My cases"), "cases:mine", roles.is_case_manager | roles.is_placement_officer),
    (_("My tasks"), "cases:my_tasks", roles.is_case_manager | roles.is_placement_officer),
    (_("New referral"), "cases:new", "kembali.cases.services.may_create_referral"),
    (_("Import referrals"), "cases:import", roles.is_supervisor | roles.is_national_admin),
    (_("Providers"), "providers:list", roles.sees_personal_data),
    (_("Employers"), "employers:list", "kembali.employers.access.may_view_employers"),
    (_("Vacancies"), "employers:vacancy_list", roles.is_placement_officer),
    (_("Trainings"), "employers:training_list", roles.is_placement_officer),
    (_("Reports"), "reports:dashboard", "kembali.reports.views.may_see_reports"),
    (_("Audit trail"), "audit:trail", "kembali.audit.selectors.may_search_audit"),
    (
        pgettext_lazy("primary navigation", "Locked accounts"),
        "accounts:locked",
        "kembali.accounts.lockout.may_manage_lockouts",
    ),
]


@functools.cache
def _imported(path: str):
    return import_string(path)


def allows(predicate, user) -> bool:
    if predicate is None:
        return True
    if isinstance(predicate, str):
        predicate = _imported(predicate)
    test = getattr(predicate, "test", predicate)  # a rules predicate, or a function
    return bool(test(user))


@functools.lru_cache(maxsize=8)
def _navigation_urls(urlconf: str, script_prefix: str) -> dict[str, str]:
    """The menu's addresses, reversed once per URL configuration and script prefix."""
    urls = {}
    for _label, url_name, _who in NAVIGATION:
        try:
            urls[url_name] = reverse(url_name, urlconf=urlconf)
        except NoReverseMatch:
            continue
    return urls


def navigation_items(user) -> tuple[str, ...]:
    """The url names of the menu items this user sees, in menu order."""
    if user is None or not user.is_authenticated:
        return ()
    key = (user.role, user.is_active, user.office_id is None, *_urlconf())
    items = _ITEMS_OF.get(key)
    if items is None:
        urls = _navigation_urls(*_urlconf())
        items = tuple(
            url_name
            for _label, url_name, who in NAVIGATION
            if url_name in urls and allows(who, user)
        )
        _ITEMS_OF[key] = items
    return items


# The menu's items per role, activity and having an office: what every "who sees it"
# above decides from (tests/core/test_layout.py checks each against the uncached
# answer). Asking the dozen checks on every page cost more than the menu's HTML.
_ITEMS_OF: dict[tuple, tuple[str, ...]] = {}


def primary_navigation(*, request, user) -> str:
    items = navigation_items(user)
    if not items:
        return ""
    language = get_language() or settings.LANGUAGE_CODE
    current = _current_view(request)
    current = current if current in items else ""  # one menu for the pages off it
    return _navigation_html(items, current, language, *_urlconf())


@functools.lru_cache(maxsize=512)
def _navigation_html(
    items: tuple[str, ...], current: str, language: str, urlconf: str, script_prefix: str
) -> str:
    """The menu for one set of items, current page and language: the same for
    everyone of a role, so written once (called with `language` active)."""
    urls = _navigation_urls(urlconf, script_prefix)
    labels = {url_name: label for label, url_name, _who in NAVIGATION}
    links = "".join(
        "\n    "
        '<li class="kembali-navigation__item">\n'
        f'      <a href="{escape(urls[name])}" class="kembali-navigation__link"'
        f"{_CURRENT if name == current else ''}>{escape(labels[name])}</a>\n"
        "    </li>\n    "
        for name in items
    )
    menu = escape(gettext("Menu"))
    return (
        f'\n<nav class="kembali-navigation" aria-label="{menu}">\n'
        '  <ul class="kembali-width-container kembali-navigation__list">\n    '
        f"{links}\n  </ul>\n</nav>\n"
    )


# The page frame: everything of base.html that is the same on every page in a
# language (the head with the stylesheet and htmx, the skip link, the footer) is in
# includes/page_frame.html, drawn once per language and settings with marks where a
# page's own parts go, and cut at those marks. A request then only joins the pieces
# with its title, CSRF token, header and content (base.html), instead of running a
# dozen {% translate %}, {% static %} and {% htmx_script %} tags.
FRAME_MARKS = ("title", "csrf_token", "header", "body")


@functools.lru_cache(maxsize=16)
def _frame_pieces(language: str, debug: bool, static_url: str) -> tuple[str, ...]:
    """The frame cut at its marks: five pieces around title, token, header and body
    (called with `language` active; `debug` and `static_url` change what
    {% htmx_script %} and {% static %} write)."""
    from django.template.loader import render_to_string

    marks = {name: f"KEMBALI-FRAME-{name.upper()}-MARK" for name in FRAME_MARKS}
    html = render_to_string("includes/page_frame.html", {"language": language, "marks": marks})
    pieces = []
    for name in FRAME_MARKS:
        before, found, html = html.partition(marks[name])
        if not found or marks[name] in html:
            raise RuntimeError(f"includes/page_frame.html must show {{{{ marks.{name} }}}} once")
        pieces.append(before)
    # base.html ends with its own newline, after the frame's last piece.
    pieces.append(html.removesuffix("\n"))
    return tuple(pieces)


def frame_pieces() -> tuple[str, ...]:
    """The frame of a page in the active language: (start, after the title, after
    the token, after the header, after the body)."""
    language = get_language() or settings.LANGUAGE_CODE
    return _frame_pieces(language, settings.DEBUG, settings.STATIC_URL)


def page_response(
    request, *, title: str, content: str, csrf_token: str | None = None, status: int = 200
) -> HttpResponse:
    """A page as a template extending base.html renders it, written without the
    template engine: `title` (text, escaped unless safe) is base.html's title block,
    `content` (safe HTML) its content block, whole; with the header, the menu and the
    messages waiting for this request, which it marks as shown, as base.html does.

    `{% extends %}` walks base.html's nodes and runs every context processor on each
    render: a third of a millisecond, more than the frame's own text costs to join.
    tests/core/test_layout.py compares its bytes with base.html's in both languages."""
    from django.contrib.messages import get_messages
    from django.middleware.csrf import get_token

    from kembali.core.templatetags.kembali import unread_notifications

    token = csrf_token if csrf_token is not None else get_token(request)
    start, after_title, after_token, after_header, end = frame_pieces()
    user = getattr(request, "user", None)
    header = page_header(
        request=request,
        user=user,
        csrf_token=token,
        unread=unread_notifications({"request": request}),
    )
    parts = [
        start,
        conditional_escape(title),
        after_title,
        escape(str(token)),
        after_token,
        header,
        after_header,
        '\n  <div class="kembali-width-container">\n    ',
    ]
    messages = get_messages(request)
    if messages:
        parts.append('\n    <div class="kembali-messages" role="status">\n      ')
        for message in messages:  # marks them as shown, as the template's loop does
            parts.append(
                '\n      <div class="kembali-notification kembali-notification--'
                f'{conditional_escape(message.tags or "info")}">\n'
                f'        <p class="kembali-body">{conditional_escape(str(message))}</p>\n'
                "      </div>\n      "
            )
        parts.append("\n    </div>\n    ")
    parts += [
        '\n    <main id="main" class="kembali-main" tabindex="-1">\n      ',
        content,
        "\n    </main>\n  </div>",
        end,
        "\n",
    ]
    return HttpResponse("".join(parts), status=status)
