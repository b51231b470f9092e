"""Browser test harness: Playwright (sync API) driving Debian's chromium against
pytest-django's live server, plus an axe-core check for WCAG 2.1 AA.

Tests here are marked @pytest.mark.browser and grouped with
@pytest.mark.xdist_group("browser") so that `pytest -n 2 --dist loadgroup` runs
them on one worker. They are skipped when /usr/bin/chromium is missing."""

import contextlib
import json
import os
from pathlib import Path

import pytest

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa"]
PASSWORD = "kembali-test"  # what tests.factories.UserFactory sets


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: install Debian's chromium")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


# Flushing re-creates these through post_migrate; they must not be restored. (The
# timelines' shared count: kembali.cases.timeline_kept.triggers_ensure.)
_RECREATED_AFTER_FLUSH = {"django_content_type", "auth_permission", "cases_timelineshared"}


_snapshot: dict = {}  # table -> (columns, rows), taken once per worker


@contextlib.contextmanager
def _async_unsafe_allowed():
    """The sync Playwright API runs an event loop in this thread, so Django would
    refuse the test's own database access (fixtures, pytest-django's flush) as
    async-unsafe. Allowed only while a browser test runs: set for the whole
    session it would leak into subprocesses (`check --deploy` fails on it)."""
    before = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        yield
    finally:
        if before is None:
            del os.environ[ASYNC_UNSAFE]
        else:
            os.environ[ASYNC_UNSAFE] = before


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    with _async_unsafe_allowed():
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    with _async_unsafe_allowed():
        return (yield)


def _flushes(fixturenames) -> bool:
    """The test ends with a flush: it uses real commits, asked for directly or
    through the live server (which brings transactional_db along)."""
    return "transactional_db" in fixturenames or "live_server" in fixturenames


@pytest.fixture(autouse=True)
def _migrated_rows(request, django_db_blocker):
    """Before the first browser test: remember every row the migrations loaded
    (states, occupations, offices), so it can be put back after each flush."""
    if _flushes(request.fixturenames) and not _snapshot:
        from django.db import connection

        request.getfixturevalue("django_db_setup")
        quote = connection.ops.quote_name
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            for table in connection.introspection.django_table_names(
                only_existing=True, include_views=False
            ):
                if table in _RECREATED_AFTER_FLUSH:
                    continue
                cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 (Django's tables)
                rows = cursor.fetchall()
                if rows:
                    _snapshot[table] = ([column[0] for column in cursor.description], rows)
    yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """The live server needs real commits, so each browser test ends with a flush
    (pytest-django's, in the fixture teardown) that also empties what the
    migrations loaded. Put it back once the flush is done, so that whatever test
    runs next on this worker finds it."""
    from django.db import connection

    database = connection.settings_dict["NAME"]
    with _async_unsafe_allowed():
        result = yield
        # After the last test the test database is gone (nextitem is None) and the
        # connection points at the real one again: never write there.
        if (
            _snapshot
            and nextitem is not None
            and _flushes(getattr(item, "fixturenames", ()))
            and connection.settings_dict["NAME"] == database
        ):
            from pytest_django.plugin import blocking_manager_key

            with item.config.stash[blocking_manager_key].unblock():
                _restore(_snapshot)
    return result


def _restore(snapshot: dict) -> None:
    from django.db import connection, transaction

    quote = connection.ops.quote_name

    def plain(value):
        # psycopg hands JSON columns back as dicts and lists; send them as text.
        return json.dumps(value) if isinstance(value, dict | list) else value

    # Foreign keys are deferred to the commit on SQLite and PostgreSQL alike,
    # so the order of the tables does not matter inside one transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        for table, (columns, rows) in snapshot.items():
            names = ", ".join(quote(column) for column in columns)
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})",  # noqa: S608
                [[plain(value) for value in row] for row in rows],
            )


@pytest.fixture
def page(browser, live_server, transactional_db):
    """A fresh browser context (no cookies) per test, talking to the live server."""
    context = new_context(browser, live_server)
    tab = context.new_page()
    yield tab
    context.close()


def new_context(browser, live_server):
    """A browser context with axe-core loaded into every page as it opens: cheaper
    than sending the 570 kB script over the wire for each check."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    context.add_init_script(path=str(_axe_script_path()))
    return context


def _axe_script_path() -> Path:
    import axe_playwright_python

    return Path(axe_playwright_python.__file__).with_name("axe.min.js")


def log_in(page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form with the keyboard only: Tab to each field,
    type, Enter to submit."""
    page.goto("/accounts/login/")
    for _ in range(20):  # past the skip link and the header's controls
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_username":
            break
    else:
        pytest.fail("the username field cannot be reached with the Tab key")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_password"
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def assert_no_axe_violations(page) -> None:
    """Run axe-core on the current page for WCAG 2.0 A and AA and 2.1 AA; fail
    with a readable list of every violation and the elements involved."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):  # a page not from new_context
        page.evaluate(_axe_script_path().read_text())  # evaluate, unlike a <script>, passes a CSP
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    # Only the violations come back over the wire, not the whole report.
    violations = page.evaluate(
        "options => axe.run(document, options).then(results => results.violations)", options
    )
    if not violations:
        return
    lines = [f"{len(violations)} axe violation(s) on {page.url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {' '.join(node['target'])}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
    pytest.fail("\n".join(lines), pytrace=False)
