"""The page header and menu written in Python (kembali.core.layout) say what the
template said, in both languages and for every role; the middleware loads the
signed-in user (kembali.accounts.backends.UserBackend) with the header's office
and unread count in the same query, as the ORM loads them."""

# ruff: noqa: E501 (the reference template's lines are the template's own)
import re
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import get_user
from django.db import connection
from django.template import engines
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from kembali.core import layout
from kembali.notifications.services import notification_mark_read, notification_send

pytestmark = pytest.mark.django_db

# What base.html and includes/navigation.html wrote before the header moved to
# Python, kept here as the reference the Python must match.
REFERENCE_HEADER = """{% load i18n %}
    <div class="kembali-width-container kembali-header__container">
      <div class="kembali-header__service">
        <a href="{% url 'core:home' %}" class="kembali-header__name">Kembali</a>
        <span class="kembali-header__tagline">{% translate "Return to Work case management" %}</span>
      </div>
      <div class="kembali-header__tools">
        {% if request %}
        <form method="post" action="{% url 'set_language' %}" class="kembali-language-switch">
          {% csrf_token %}
          <input type="hidden" name="next" value="{{ request.get_full_path }}">
          <span class="kembali-visually-hidden">{% translate "Language" %}:</span>
          {% if LANGUAGE_CODE == "ms" %}
            <button type="submit" name="language" value="en" lang="en" class="kembali-language-switch__button">English</button>
            <span class="kembali-language-switch__current" aria-current="true" lang="ms">Bahasa Melayu</span>
          {% else %}
            <span class="kembali-language-switch__current" aria-current="true" lang="en">English</span>
            <button type="submit" name="language" value="ms" lang="ms" class="kembali-language-switch__button">Bahasa Melayu</button>
          {% endif %}
        </form>
        {% endif %}
        {% if user.is_authenticated %}
        <div class="kembali-header__user">
          <p class="kembali-header__user-name">{{ user.display_name }}</p>
          <p class="kembali-header__user-role">{{ user.get_role_display }}{% if user.office %}, {{ user.office.name }}{% endif %}</p>
          <ul class="kembali-header__user-actions">
            <li><a href="{% url 'notifications:list' %}" class="kembali-header__link"{% if request.resolver_match.view_name == "notifications:list" %} aria-current="page"{% endif %}>{% translate "Notifications" context "header" %}{% if unread %} <span class="kembali-header__count">{{ unread }}<span class="kembali-visually-hidden"> {% translate "unread" %}</span></span>{% endif %}</a></li>
            <li><a href="{% url 'tokens:list' %}" class="kembali-header__link">{% translate "API tokens" context "header" %}</a></li>
            <li><a href="{% url 'accounts:totp_enrol' %}" class="kembali-header__link">{% translate "Two-step sign-in" context "header" %}</a></li>
            <li><a href="{% url 'accounts:password_change' %}" class="kembali-header__link">{% translate "Change password" %}</a></li>
          </ul>
          <form method="post" action="{% url 'accounts:logout' %}" class="kembali-header__logout">
            {% csrf_token %}
            <button type="submit" class="kembali-header__button">{% translate "Sign out" %}</button>
          </form>
        </div>
        {% endif %}
      </div>
    </div>
    {% if items %}
<nav class="kembali-navigation" aria-label="{% translate 'Menu' %}">
  <ul class="kembali-width-container kembali-navigation__list">
    {% for item in items %}
    <li class="kembali-navigation__item">
      <a href="{{ item.url }}" class="kembali-navigation__link"{% if item.current %} aria-current="page"{% endif %}>{{ item.label }}</a>
    </li>
    {% endfor %}
  </ul>
</nav>
{% endif %}"""


def _squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()


def _reference(request, user, unread: int, language: str) -> str:
    current = request.resolver_match.view_name if request.resolver_match else ""
    urls = layout._navigation_urls(*layout._urlconf())
    items = [
        {"label": label, "url": urls[name], "current": name == current}
        for label, name, who in layout.NAVIGATION
        if name in urls and user.is_authenticated and layout.allows(who, user)
    ]
    template = engines["django"].from_string(REFERENCE_HEADER)
    context = {
        "request": request,
        "user": user,
        "unread": unread,
        "items": items,
        "LANGUAGE_CODE": language,
        "csrf_token": "TOKEN",
    }
    return template.render(context)


def _request(path: str, user):
    from django.urls import resolve

    request = RequestFactory().get(path, {"next": '"<&>'})
    request.user = user
    request.resolver_match = resolve(path)
    return request


@pytest.mark.parametrize("username", ["aisyah", "bala", "chong", "devi", "ehsan"])
@pytest.mark.parametrize("language", ["en", "ms"])
@pytest.mark.parametrize("path_name", ["cases:list", "notifications:list", "core:home"])
def test_the_header_is_what_the_template_wrote(request, username, language, path_name):
    user = request.getfixturevalue(username)
    user.first_name = 'Nur "Aina" <b>'  # escaped, as the template escaped it
    page = _request(reverse(path_name), user)
    with translation.override(language):
        for unread in (0, 3):
            ours = layout.page_header(request=page, user=user, csrf_token="TOKEN", unread=unread)
            assert _squeezed(ours) == _squeezed(_reference(page, user, unread, language))
    assert "Nur &quot;Aina&quot; &lt;b&gt;" in ours


def test_signed_out_there_is_no_user_part_and_no_menu():
    from django.contrib.auth.models import AnonymousUser

    page = _request(reverse("accounts:login"), AnonymousUser())
    ours = layout.page_header(request=page, user=page.user, csrf_token="TOKEN", unread=0)
    assert _squeezed(ours) == _squeezed(_reference(page, page.user, 0, "en"))
    assert "kembali-navigation" not in ours and "Sign out" not in ours


# --- The signed-in user, loaded with the header's office and unread count -------


def _session_request(client, user):
    client.force_login(user)
    request = RequestFactory().get("/")
    store = import_module(settings.SESSION_ENGINE).SessionStore
    request.session = store(client.session.session_key)
    return request


def test_the_user_comes_with_office_and_unread_count_in_one_query(client, aisyah, chong):
    notification_send(user=aisyah, subject="One")
    second = notification_send(user=aisyah, subject="Two")
    notification_send(user=chong, subject="Someone else's")
    request = _session_request(client, aisyah)
    assert request.session["_auth_user_id"]  # the session read before counting
    assert request.session["_auth_user_backend"] == "kembali.accounts.backends.UserBackend"
    with CaptureQueriesContext(connection) as queries:
        user = get_user(request)
        assert user.office.name == "PERKESO RTW Kuala Lumpur"
        assert user.unread_notifications == 2
    assert len(queries) == 1
    assert user == aisyah
    notification_mark_read(user=aisyah, notification_id=second.pk)
    assert get_user(request).unread_notifications == 1


def _values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_every_value_is_the_one_django_loads(client, aisyah):
    """Dates, booleans and the rest come through the ORM's converters as the ORM's
    own load gives them (SQLite keeps dates as text, PostgreSQL as timestamps)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    aisyah.last_login = timezone.now()
    aisyah.save()
    request = _session_request(client, aisyah)
    ours = get_user(request)
    theirs = get_user_model().objects.select_related("office").get(pk=aisyah.pk)
    assert _values(ours) == _values(theirs)
    assert isinstance(ours.last_login, type(theirs.last_login)) and ours.last_login
    assert _values(ours.office) == _values(theirs.office)


def test_a_user_without_an_office_loads_too(client, aisyah):
    aisyah.office = None
    aisyah.save()
    request = _session_request(client, aisyah)
    user = get_user(request)
    assert user == aisyah and user.office is None and user.unread_notifications == 0


@pytest.mark.parametrize(
    "change",
    ["deactivated", "password changed", "deleted", "unknown backend", "no session"],
)
def test_the_user_is_refused_as_django_refuses_them(client, aisyah, change):
    loader = get_user  # through the project's backend (UserBackend)
    request = _session_request(client, aisyah)
    assert loader(request) == aisyah
    request = _session_request(client, aisyah)
    if change == "deactivated":
        aisyah.is_active = False
        aisyah.save()
    elif change == "password changed":
        aisyah.set_password("another secret 123")
        aisyah.save()
    elif change == "deleted":
        aisyah.delete()
    elif change == "unknown backend":
        request.session["_auth_user_backend"] = "some.removed.Backend"
    else:
        request.session.flush()
    assert not loader(request).is_authenticated
    if change == "password changed":  # the session is ended
        assert request.session.get("_auth_user_id") is None


def test_pages_show_the_unread_count_without_a_query_of_their_own(client, aisyah):
    client.force_login(aisyah)
    client.get(reverse("tokens:list"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("tokens:list"))
    notification_send(user=aisyah, subject="Task overdue")
    with CaptureQueriesContext(connection) as after:
        html = client.get(reverse("tokens:list")).content.decode()
    assert 'kembali-header__count">1<' in html
    assert "PERKESO RTW Kuala Lumpur" in html  # the office, from the same query
    assert len(after) == len(before)
    sql = " ".join(q["sql"] for q in after.captured_queries)
    assert "notifications_notification" in sql and sql.count("accounts_office") == 1


@pytest.mark.parametrize("active", [True, False])
@pytest.mark.parametrize("with_office", [True, False])
def test_the_menu_kept_per_role_is_what_each_check_answers(kl_office, active, with_office):
    """navigation_items keeps its answer per role, activity and having an office: for
    every such user, it is what the menu's checks answer when asked one by one."""
    from kembali.accounts.models import Role
    from tests.factories import UserFactory

    layout._ITEMS_OF.clear()
    urls = layout._navigation_urls(*layout._urlconf())
    for role in Role.values:
        for n in range(2):  # the second user of a kind gets the kept answer
            user = UserFactory(
                role=role, is_active=active, office=kl_office if with_office else None
            )
            asked = tuple(
                name
                for _label, name, who in layout.NAVIGATION
                if name in urls and layout.allows(who, user)
            )
            assert layout.navigation_items(user) == asked, (role, n)
