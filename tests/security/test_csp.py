"""A strict Content Security Policy on every page, and templates that need no
exception to it: no inline script, no style attribute, no <style> element."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "kembali").glob("**/templates/**/*.html"))

EXPECTED = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
]


def _assert_strict_policy(response):
    policy = response["Content-Security-Policy"]
    for directive in EXPECTED:
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_the_login_page_carries_the_policy(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    _assert_strict_policy(response)


@pytest.mark.parametrize("name", ["aisyah", "chong", "devi", "ehsan"])
def test_signed_in_pages_carry_the_policy(client, request, name):
    client.force_login(request.getfixturevalue(name))
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    _assert_strict_policy(response)


def test_the_audit_page_and_error_pages_carry_the_policy(client, chong, aisyah):
    client.force_login(chong)
    _assert_strict_policy(client.get(reverse("audit:trail")))
    client.force_login(aisyah)
    _assert_strict_policy(client.get(reverse("audit:trail")))  # the 403 page too


def test_the_api_docs_load_their_code_from_files(client, aisyah):
    client.force_login(aisyah)
    response = client.get("/api/v1/docs")
    if response.status_code == 404:
        pytest.skip("the API has no docs page")
    assert response.status_code == 200
    _assert_strict_policy(response)
    html = response.content.decode()
    assert "cdn.jsdelivr.net" not in html
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S):
        assert "src=" in attrs or 'type="application/json"' in attrs, body[:80]


def test_htmx_sends_the_csrf_token_and_injects_no_style(client, aisyah):
    client.force_login(aisyah)
    html = client.get(reverse("core:home")).content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert '"includeIndicatorStyles": false' in html


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 5


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*["'{]""", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)
EVENT_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)
JS_URL = re.compile(r"""href\s*=\s*["']\s*javascript:""", re.I)
TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.S)


def _is_pdf_template(path: Path) -> bool:
    """Templates WeasyPrint turns into PDF (named *_pdf.html or kept in a pdf/
    folder) never reach a browser, so they may carry their own <style>."""
    return path.name.endswith("_pdf.html") or "pdf" in path.parent.parts


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_template_has_nothing_inline(path):
    text = TEMPLATE_COMMENT.sub("", path.read_text())
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to a static file"
    assert not EVENT_HANDLER.search(text), "onclick= and the like are inline script"
    assert not JS_URL.search(text), "javascript: URLs are inline script"
    if _is_pdf_template(path):
        return
    assert not STYLE_ATTRIBUTE.search(text), "style attribute: use a class in kembali.css"
    assert not STYLE_ELEMENT.search(text), "<style> element: use kembali.css"
