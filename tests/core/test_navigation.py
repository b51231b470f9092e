"""The menu and the header's links: each role sees the pages of its daily work and
none it may not open; the unread notifications are counted in the header."""

import re

import pytest
from django.urls import reverse

from kembali.notifications.services import notification_send, notifications_mark_all_read

# Every test here reaches the database, some only through request.getfixturevalue, which
# pytest-django cannot see when it orders tests: without the mark they would run after the
# transactional tests, on a flushed database.
pytestmark = pytest.mark.django_db


def _menu(client, user) -> list[str]:
    client.force_login(user)
    html = client.get("/").content.decode()
    nav = re.search(r'<nav class="kembali-navigation".*?</nav>', html, re.S).group(0)
    return re.findall(r'href="([^"]+)"', nav)


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        (
            "aisyah",
            ["core:home", "cases:list", "cases:mine", "cases:my_tasks", "cases:new"]
            + ["providers:list", "employers:list"],
        ),
        (
            "bala",
            ["core:home", "cases:list", "cases:mine", "cases:my_tasks", "providers:list"]
            + ["employers:list", "employers:vacancy_list", "employers:training_list"],
        ),
        (
            "chong",
            ["core:home", "cases:list", "cases:new", "cases:import", "providers:list"]
            + ["employers:list", "reports:dashboard", "audit:trail", "accounts:locked"],
        ),
        (
            "devi",
            ["core:home", "cases:list", "cases:new", "cases:import", "providers:list"]
            + ["employers:list", "reports:dashboard", "audit:trail", "accounts:locked"],
        ),
        ("ehsan", ["core:home", "reports:dashboard"]),
    ],
)
def test_each_role_has_the_menu_of_its_daily_work(request, client, username, expected):
    user = request.getfixturevalue(username)
    assert _menu(client, user) == [reverse(name) for name in expected]
    for url in _menu(client, user):
        assert client.get(url).status_code == 200, url


def test_the_header_counts_unread_notifications(client, aisyah):
    client.force_login(aisyah)
    html = client.get("/").content.decode()
    assert f'href="{reverse("notifications:list")}"' in html
    assert f'href="{reverse("tokens:list")}"' in html
    assert f'href="{reverse("accounts:totp_enrol")}"' in html
    assert "unread" not in html

    for n in range(3):
        notification_send(user=aisyah, subject=f"Task {n} is overdue")
    html = client.get("/").content.decode()
    assert re.search(r'kembali-header__count">3<span class="kembali-visually-hidden"> unread', html)

    notifications_mark_all_read(user=aisyah)
    assert "kembali-header__count" not in client.get("/").content.decode()
