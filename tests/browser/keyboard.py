"""Driving pages with the keyboard alone, as a person who cannot use a mouse does:
Tab and Shift+Tab to move, typing, Space and arrow keys for choices, Enter to follow
a link or submit. Every helper fails when the element cannot be reached with Tab
within a bound, which is the accessibility bug the journey tests look for."""

from __future__ import annotations

import datetime as dt

import pytest

# The header and the navigation hold about twenty stops; a long form about sixty.
TAB_LIMIT = 120

_IS_FOCUSED = "element => document.activeElement === element"


def focused(page, locator) -> bool:
    return page.evaluate(_IS_FOCUSED, locator.element_handle())


def tab_to(page, locator, *, limit: int = TAB_LIMIT) -> None:
    """Press Tab until the element has the focus (it may already have it); Tab
    past the end of the page starts again at the top."""
    target = locator.element_handle()
    for _ in range(limit):
        if page.evaluate(_IS_FOCUSED, target):
            return
        page.keyboard.press("Tab")
    description = locator.evaluate("e => e.outerHTML.slice(0, 160)")
    pytest.fail(f"cannot reach {description} with the Tab key on {page.url}")


def type_into(page, locator, text: str) -> None:
    tab_to(page, locator)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def type_date(page, locator, day: dt.date) -> None:
    """A date field, typed digit by digit into its segments. Headless chromium lays
    the field out in its own en-US order (month, day, year) whatever the page's
    locale, so that is the order typed."""
    tab_to(page, locator)
    page.keyboard.type(day.strftime("%m%d%Y"))
    value = locator.input_value()
    assert value == day.isoformat(), f"typed {day}, the field holds {value!r}"


def choose_option(page, locator, text: str) -> None:
    """A select: arrow keys move the selection (Home for the first option)."""
    tab_to(page, locator)
    page.keyboard.press("Home")
    for _ in range(locator.evaluate("e => e.options.length")):
        if text in locator.evaluate("e => e.options[e.selectedIndex].text"):
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"no option {text!r} in the select {locator}")


def choose_radio(page, radio) -> None:
    """A radio group takes one Tab stop: Tab into it, then arrow keys (which also
    check the radio) until the wanted one is checked."""
    name = radio.get_attribute("name")
    for _ in range(TAB_LIMIT):
        if page.evaluate("document.activeElement.name") == name:
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail(f"cannot reach the radio group {name!r} with the Tab key")
    count = page.locator(f'input[type="radio"][name="{name}"]').count()
    for _ in range(count + 1):
        if focused(page, radio):
            page.keyboard.press("Space")
            assert radio.is_checked()
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"cannot check the radio {radio} with the arrow keys")


def tick(page, checkbox) -> None:
    tab_to(page, checkbox)
    if not checkbox.is_checked():
        page.keyboard.press("Space")
    assert checkbox.is_checked()


def activate(page, locator) -> None:
    """Tab to a link or button and press Enter, waiting for the next page."""
    tab_to(page, locator)
    with page.expect_navigation():
        page.keyboard.press("Enter")
