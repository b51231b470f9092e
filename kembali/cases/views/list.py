"""The case list and "my cases": search, filters, paging; htmx swaps the results."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from kembali.accounts import roles
from kembali.accounts.models import Office, Role
from kembali.cases.models import Status
from kembali.cases.selectors import case_list_rows
from kembali.cases.views.list_table import (
    filter_html,
    list_page,
    results_html,
    results_response,
)

RESULTS_ID = "case-results"
# The lists count at most this many cases. Counting an office's 7,000 cases, or a
# national administrator's 100,000, costs more than the page it heads; past this
# bound the list says "more than 1,000" and pages through the newest 1,000: a
# search or a filter finds the rest. A search is not counted at all: without an
# index for a match inside a name (SQLite), counting even 250 matches reads
# thousands of the office's cases, four times the page's own read. Someone
# searching wants the person, not how many share a first name: a page of a search
# reads one row more than it shows, to know whether there is a next page, and says
# "more than 25" until its last page, where the number is exact. It pages through
# the first SEARCH_COUNT_BOUND matches: ten pages is more than anyone reads to find
# one person.
COUNT_BOUND = 1_000
SEARCH_COUNT_BOUND = 250


class BoundedPaginator(Paginator):
    """A Paginator over a list's CaseRows that counts at most `bound` + 1 rows
    (SELECT COUNT(*) over a LIMIT), and pages only through the first `bound`."""

    def __init__(self, object_list, per_page, *, bound: int):
        super().__init__(object_list, per_page)
        self.bound = bound

    @cached_property
    def counted(self) -> int:
        return self.object_list.count_upto(self.bound + 1)

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.bound)

    @property
    def bound_display(self) -> str:
        return f"{self.bound:,}"

    @property
    def more(self) -> bool:
        """There are more than `bound` rows: `count` is the bound, not all of them."""
        return self.counted > self.bound

    exact = True  # `count` is the number of rows (up to the bound), not a lower bound


class LookaheadPaginator(Paginator):
    """A Paginator over a list's CaseRows that does not count: get_page() reads
    the page's rows and one more, which tells whether a next page exists. `count`
    and `num_pages` are then exact on the last page, and lower bounds before it
    (`exact` says which). Pages only through the first `bound`."""

    def __init__(self, object_list, per_page, *, bound: int):
        super().__init__(object_list, per_page)
        self.bound = bound
        self.exact = True
        self.more = False  # more than `bound` rows: the last page shown is the bound's

    @property
    def bound_display(self) -> str:
        return f"{self.bound:,}"

    def get_page(self, number):
        try:
            number = max(1, int(number))
        except (TypeError, ValueError):
            number = 1
        number = min(number, -(-self.bound // self.per_page))
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.bound)
        rows = self.object_list[bottom : top + 1]
        if not rows and number > 1:
            return self._last_page()
        shown, beyond = rows[: top - bottom], len(rows) > top - bottom
        self.more = beyond and top == self.bound
        self.exact = not beyond or self.more
        self.count = top if beyond else bottom + len(shown)
        self.num_pages = number + 1 if beyond and not self.more else number
        return self._get_page(shown, number, self)

    def _last_page(self):
        """A page past the matches (an old link or a changed search): the last
        page, found by counting, as Paginator.get_page would show it."""
        counted = BoundedPaginator(self.object_list, self.per_page, bound=self.bound)
        self.count, self.num_pages = counted.count, counted.num_pages
        self.more, self.exact = counted.more, True
        bottom = (self.num_pages - 1) * self.per_page
        shown = self.object_list[bottom : bottom + self.per_page]
        return self._get_page(shown, self.num_pages, self)


class SearchInput(forms.TextInput):
    input_type = "search"


class CaseFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Name, NRIC (with or without dashes) or case number"),
        widget=SearchInput(attrs={"spellcheck": "false"}),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Status.choices]
    )


class OfficeCaseFilterForm(CaseFilterForm):
    """The filters of a role that sees more than one office: the office too. (A
    form of its own: every form copies its fields, and copying this one's
    queryset cost more than the rest of the form.)"""

    office = forms.ModelChoiceField(
        label=_("Office"),
        queryset=Office.objects.none(),
        required=False,
        empty_label=_("All offices"),
    )
    field_order = ("q", "office", "status")

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices


def _filter_form(request):
    """Only a role that sees more than one office gets the office filter."""
    data = request.GET or None
    if request.user.role == Role.NATIONAL_ADMIN:
        return OfficeCaseFilterForm(data, offices=Office.objects.order_by("name"))
    return CaseFilterForm(data)


def _render_list(request, *, mine: bool, form, template, extra):
    criteria = form.cleaned_data if form.is_valid() else {}
    office = criteria.get("office")
    cases = case_list_rows(
        request.user,
        mine=mine,
        query=criteria.get("q", ""),
        office_id=office.pk if office else None,
        status=criteria.get("status", ""),
    )
    if criteria.get("q"):
        paginator = LookaheadPaginator(cases, settings.KEMBALI_PAGE_SIZE, bound=SEARCH_COUNT_BOUND)
    else:
        paginator = BoundedPaginator(cases, settings.KEMBALI_PAGE_SIZE, bound=COUNT_BOUND)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "results_id": RESULTS_ID,
        "results": results_html(page, query=request.GET, results_id=RESULTS_ID),
        **extra,
    }
    # htmx asks for the results region only; a history restore needs the whole page.
    if request.htmx and not request.htmx.history_restore_request:
        response = results_response(context["results"])
    else:
        context["filter"] = filter_html(
            form, list_url_name=extra["list_url_name"], results_id=RESULTS_ID
        )
        if form.errors:  # the template shows their summary
            response = render(request, template, context)
        else:
            response = list_page(
                request,
                mine=mine,
                filter_form=context["filter"],
                results=context["results"],
                results_id=RESULTS_ID,
            )
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
def case_list(request):
    if not roles.sees_personal_data.test(request.user):
        raise PermissionDenied
    form = _filter_form(request)
    return _render_list(
        request,
        mine=False,
        form=form,
        template="cases/case_list.html",
        extra={"list_url_name": "cases:list"},
    )


@login_required
def my_cases(request):
    if not roles.sees_personal_data.test(request.user):
        raise PermissionDenied
    form = CaseFilterForm(request.GET or None)
    return _render_list(
        request,
        mine=True,
        form=form,
        template="cases/my_cases.html",
        extra={"list_url_name": "cases:mine"},
    )
