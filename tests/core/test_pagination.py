"""The page links written in Python (kembali.core.pagination) are the links of
includes/pagination.html, which the other lists still use."""

import re

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from kembali.core.pagination import pagination_html


def _squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()


@pytest.mark.parametrize("pages", [1, 2, 5, 12])
@pytest.mark.parametrize("htmx_target", ["", "case-results"])
@pytest.mark.parametrize("language", ["en", "ms"])
def test_the_links_are_the_templates_links(pages, htmx_target, language):
    paginator = Paginator(list(range(pages * 10)), 10)
    request = RequestFactory().get("/cases/", {"q": 'Nur "A" & <b>', "status": "referred"})
    with translation.override(language):
        for number in range(1, pages + 1):
            page = paginator.page(number)
            ours = pagination_html(page, query=request.GET, htmx_target=htmx_target)
            template = render_to_string(
                "includes/pagination.html",
                {"page": page, "htmx_target": htmx_target},
                request=request,
            )
            assert _squeezed(ours) == _squeezed(template), number
    if pages > 1:
        assert "page=1" in ours and "&amp;" in ours
    else:
        assert ours == ""


def test_a_list_without_other_parameters_links_pages_alone():
    page = Paginator(list(range(30)), 10).page(2)
    ours = pagination_html(page, query=RequestFactory().get("/").GET)
    assert 'href="?page=1" rel="prev"' in ours and 'href="?page=3" rel="next"' in ours
