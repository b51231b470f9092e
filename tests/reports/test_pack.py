"""The ministry report pack: the request form, the build (at once or in the
background, idempotent, failures shown), the downloads and who may have them, and the
agreement of the PDF and the XLSX with ministry_pack."""

import datetime as dt
import re
from html.parser import HTMLParser
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from kembali.audit.models import AccessEvent, AuditEvent
from kembali.cases.models import RtwLevel, Status
from kembali.people.models import Sex
from kembali.reports import pack as pack_module
from kembali.reports.kpis import ReportFilters, ministry_pack
from kembali.reports.models import ReportExport
from kembali.reports.pack import export_filters, pack_build, pack_document, pack_request
from kembali.reports.pack_pdf import pack_pdf_html
from kembali.reports.tasks import build_report_pack
from tests.factories import CaseFactory, PersonFactory

# Every test here reaches the database, some only through request.getfixturevalue, which
# pytest-django cannot see when it orders tests: without the mark they would run after the
# transactional tests, on a flushed database.
pytestmark = pytest.mark.django_db

URL = "/reports/pack/"
START = dt.date(2025, 1, 1)
END = dt.date(2025, 6, 30)  # 181 days: built in the background
SHORT_END = dt.date(2025, 1, 31)  # 31 days: built at once


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def programme(kl_office, penang_office, aisyah, farid):
    """Kuala Lumpur: 6 women and 7 men placed in new jobs by JPESS; Penang: 2 men who
    became self-employed and 3 people still in rehabilitation. All eligible."""
    rtw = dt.date(2025, 1, 20)

    def cases(n, office, sex, **fields):
        for _ in range(n):
            CaseFactory(
                office=office,
                person=PersonFactory(sex=sex),
                eligible=True,
                referral_date=dt.date(2024, 11, 1),
                **fields,
            )

    placed = dict(status=Status.RETURNED_TO_WORK, rtw_date=rtw, in_jpess=True)
    cases(6, kl_office, Sex.FEMALE, rtw_level=RtwLevel.SIMILAR_JOB_DIFFERENT_EMPLOYER, **placed)
    cases(7, kl_office, Sex.MALE, rtw_level=RtwLevel.SAME_JOB_DIFFERENT_EMPLOYER, **placed)
    cases(
        2,
        penang_office,
        Sex.MALE,
        status=Status.RETURNED_TO_WORK,
        rtw_date=rtw,
        rtw_level=RtwLevel.SELF_EMPLOYED,
    )
    cases(3, penang_office, Sex.MALE, status=Status.IN_REHABILITATION)


def _post(client, start, end, capture):
    with capture(execute=True):
        return client.post(URL, {"start": start.isoformat(), "end": end.isoformat()})


# --- The form.


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        ("2025-03-01", "2025-02-01", "end", "The end of the period must be the same as or after"),
        ("2025-01-01", "2999-01-01", "end", "The end of the period must be today or earlier."),
        ("2999-01-01", "2999-02-01", "start", "The start of the period must be today or earlier."),
        ("", "2025-02-01", "start", "Enter the first day of the period."),
        ("2025-02-30", "2025-03-01", "start", "Enter the start as a real date"),
    ],
)
def test_a_bad_period_is_refused_with_a_clear_error(client, chong, start, end, field, message):
    client.force_login(chong)

    response = client.post(URL, {"start": start, "end": end})

    assert response.status_code == 422
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert f'href="#id_{field}"' in html
    assert not ReportExport.objects.exists()


def test_the_form_offers_this_year_so_far(client, chong):
    client.force_login(chong)

    response = client.get(URL)

    today = timezone.localdate()
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{today.replace(month=1, day=1).isoformat()}"' in html
    assert f'value="{today.isoformat()}"' in html
    assert "PERKESO RTW Kuala Lumpur" in html  # what a supervisor's pack covers


# --- Building.


def test_a_short_period_is_ready_at_once(
    client, chong, programme, django_capture_on_commit_callbacks
):
    client.force_login(chong)

    response = _post(client, START, SHORT_END, django_capture_on_commit_callbacks)

    export = ReportExport.objects.get()
    assert response.status_code == 302
    assert export.status == ReportExport.Status.READY
    assert export.filters["office_id"] == chong.office_id
    assert not export.suppressed
    assert not DBTaskResult.objects.exists()
    page = client.get(URL).content.decode()
    assert "Your report pack is ready to download." in page
    assert reverse("reports:pack_pdf", args=[export.pk]) in page
    assert reverse("reports:pack_xlsx", args=[export.pk]) in page
    assert AuditEvent.objects.filter(
        action="create", object_type="reports.reportexport", actor=chong
    ).exists()


def test_a_long_period_goes_to_the_task_and_polls_until_ready(
    client, devi, programme, django_capture_on_commit_callbacks
):
    client.force_login(devi)

    _post(client, START, END, django_capture_on_commit_callbacks)

    export = ReportExport.objects.get()
    queued = DBTaskResult.objects.get(task_path=build_report_pack.module_path)
    assert queued.args_kwargs["args"] == [export.pk]
    assert export.status == ReportExport.Status.QUEUED
    row = client.get(reverse("reports:pack_export", args=[export.pk]), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in row.content.decode()
    assert "Download PDF" not in row.content.decode()

    assert build_report_pack.call(export.pk) == "ready"

    row = client.get(reverse("reports:pack_export", args=[export.pk]), HTTP_HX_REQUEST="true")
    assert "hx-trigger" not in row.content.decode()
    assert "Download PDF" in row.content.decode()
    assert "Download XLSX" in row.content.decode()


def test_building_twice_writes_the_files_once(devi, programme, tmp_path):
    export = ReportExport.objects.create(
        requested_by=devi, filters={"start": "2025-01-01", "end": "2025-06-30", "office_id": None}
    )

    first = pack_build(export_id=export.pk)
    again = build_report_pack.call(export.pk)

    assert first.status == "ready" and again == "ready"
    export.refresh_from_db()
    assert export.pdf_file.name == first.pdf_file.name
    assert len(list(tmp_path.rglob("*.pdf"))) == 1
    assert len(list(tmp_path.rglob("*.xlsx"))) == 1
    ready = AuditEvent.objects.filter(
        object_type="reports.reportexport", object_id=str(export.pk), action="update"
    )
    assert [e.changes["status"][1] for e in ready.order_by("id")] == ["running", "ready"]


def test_a_failure_is_stored_and_shown(
    client, chong, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(filters, *, suppress):
        raise RuntimeError("the figures could not be read")

    monkeypatch.setattr(pack_module, "ministry_pack", broken)
    client.force_login(chong)

    _post(client, START, SHORT_END, django_capture_on_commit_callbacks)

    export = ReportExport.objects.get()
    assert export.status == ReportExport.Status.FAILED
    assert "the figures could not be read" in export.error
    page = client.get(URL).content.decode()
    assert "Failed" in page
    assert "The pack could not be made: RuntimeError: the figures could not be read" in page
    # Running it again once the cause is gone makes the pack.
    monkeypatch.undo()
    assert build_report_pack.call(export.pk) == "ready"


def test_the_analysts_pack_is_suppressed_and_national(
    client, ehsan, django_capture_on_commit_callbacks
):
    client.force_login(ehsan)

    _post(client, START, SHORT_END, django_capture_on_commit_callbacks)

    export = ReportExport.objects.get()
    assert export.suppressed
    assert export.filters["office_id"] is None


# --- Who may have it.


@pytest.fixture
def ready_export(chong, programme):
    export = pack_request(actor=chong, start=START, end=SHORT_END)
    return pack_build(export_id=export.pk)


def test_the_owner_downloads_both_files_and_each_download_is_recorded(client, chong, ready_export):
    client.force_login(chong)

    pdf = client.get(reverse("reports:pack_pdf", args=[ready_export.pk]))
    xlsx = client.get(reverse("reports:pack_xlsx", args=[ready_export.pk]))

    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in xlsx["Content-Disposition"]
    load_workbook(BytesIO(b"".join(xlsx.streaming_content)))
    assert set(
        AccessEvent.objects.filter(actor=chong, object_id=str(ready_export.pk)).values_list(
            "what", flat=True
        )
    ) == {"report_pack.pdf", "report_pack.xlsx"}


@pytest.mark.parametrize("name", ["gopal", "ehsan", "aisyah", "farid"])
def test_someone_elses_export_is_not_found(client, name, request, ready_export):
    client.force_login(request.getfixturevalue(name))

    for route in ("reports:pack_pdf", "reports:pack_xlsx", "reports:pack_export"):
        assert client.get(reverse(route, args=[ready_export.pk])).status_code == 404


def test_a_national_admin_may_download_any_export(client, devi, ready_export):
    client.force_login(devi)

    assert client.get(reverse("reports:pack_pdf", args=[ready_export.pk])).status_code == 200


def test_an_unfinished_export_has_nothing_to_download(client, chong):
    export = ReportExport.objects.create(
        requested_by=chong, filters={"start": "2025-01-01", "end": "2025-01-31"}
    )
    client.force_login(chong)

    assert client.get(reverse("reports:pack_pdf", args=[export.pk])).status_code == 404


@pytest.mark.parametrize("name", ["aisyah", "bala", "farid"])
def test_case_workers_may_not_ask_for_a_pack(client, name, request):
    client.force_login(request.getfixturevalue(name))

    assert client.get(URL).status_code == 404
    assert client.post(URL, {"start": "2025-01-01", "end": "2025-01-31"}).status_code == 404
    assert not ReportExport.objects.exists()


# --- The PDF and the XLSX say what ministry_pack says.


class _Tables(HTMLParser):
    """The rows of every table of an HTML page, as lists of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(self._cell.strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def _read_number(text: str):
    """A figure as printed, back to a number; words (suppressed, n/a) stay words."""
    if re.fullmatch(r"[\d,]+", text):
        return int(text.replace(",", ""))
    if re.fullmatch(r"[\d,]+\.\d+", text):
        return float(text.replace(",", ""))
    return text


def _expected(value, *, suppressed):
    if value is None:
        return "fewer than 5" if suppressed else "–"
    if isinstance(value, str):
        return value
    return float(value) if not isinstance(value, int) else value


def _assert_same(read, value, *, suppressed, kind):
    expected = _expected(value, suppressed=suppressed)
    if value is None and suppressed and kind != "count":
        expected = "not shown"
    if isinstance(expected, float):
        assert read == pytest.approx(expected)
    else:
        assert read == expected


def _xlsx_value(value, kind):
    if kind == "percent" and isinstance(value, (int, float)):
        return value * 100
    return value


@pytest.mark.parametrize("suppress", [False, True])
def test_pdf_and_xlsx_agree_with_ministry_pack(devi, programme, suppress):
    export = ReportExport.objects.create(
        requested_by=devi,
        filters={"start": START.isoformat(), "end": END.isoformat(), "office_id": None},
        suppressed=suppress,
    )
    export = pack_build(export_id=export.pk)
    assert export.status == "ready", export.error
    figures = ministry_pack(ReportFilters(start=START, end=END), suppress=suppress)
    assert export_filters(export) == ReportFilters(start=START, end=END)
    # The data set is not empty: the agreement below is about real figures.
    assert figures.by_sex["jpess_placed"]["total"] == 13
    assert figures.by_sex["self_employed"]["total"] == (None if suppress else 2)

    parser = _Tables()
    parser.feed(pack_pdf_html(pack_document(figures)))
    _meta, by_sex, by_state = parser.tables
    book = load_workbook(BytesIO(export.xlsx_file.read()))
    summary, states = book["Summary"], book["By state"]
    assert [c.value for c in summary[1]] == ["Measure", "Men", "Women", "Total"]
    assert all(c.font.bold for c in summary[1])

    for index, measure in enumerate(figures.measures):
        pdf_row = by_sex[index + 1]
        xlsx_row = [c.value for c in summary[index + 2]]
        assert pdf_row[0] == str(measure.label) == xlsx_row[0]
        for column, key in enumerate(("male", "female", "total"), start=1):
            value = figures.by_sex[measure.code][key]
            kind = measure.kind
            _assert_same(_read_number(pdf_row[column]), value, suppressed=suppress, kind=kind)
            _assert_same(_xlsx_value(xlsx_row[column], kind), value, suppressed=suppress, kind=kind)

    assert len(by_state) - 1 == len(figures.by_state) == states.max_row - 1
    for index, (name, values) in enumerate(figures.by_state):
        pdf_row = by_state[index + 1]
        xlsx_row = [c.value for c in states[index + 2]]
        assert pdf_row[0] == name == xlsx_row[0]
        for column, measure in enumerate(figures.measures, start=1):
            value, kind = values[measure.code], measure.kind
            _assert_same(_read_number(pdf_row[column]), value, suppressed=suppress, kind=kind)
            _assert_same(_xlsx_value(xlsx_row[column], kind), value, suppressed=suppress, kind=kind)


def test_xlsx_numbers_are_numbers_with_formats(devi, programme):
    export = pack_build(
        export_id=ReportExport.objects.create(
            requested_by=devi,
            filters={"start": START.isoformat(), "end": END.isoformat(), "office_id": None},
        ).pk
    )
    book = load_workbook(BytesIO(export.xlsx_file.read()))
    summary = book["Summary"]
    rows = {row[0].value: row for row in summary.iter_rows(min_row=2)}

    placed = rows["Persons placed in new jobs (JPESS)"][3]
    women = rows["Women among persons placed (%)"][3]
    assert placed.value == 13 and placed.number_format == "#,##0"
    assert women.value == pytest.approx(6 / 13, abs=0.001)
    assert women.number_format == "0.0%"
    assert book.sheetnames == ["Summary", "By state", "Notes"]
    notes = [c.value for c in book["Notes"]["A"] if c.value]
    assert any("2025-01-01" in n for n in notes)
    assert any("Persons receiving RTW services" in n for n in notes)


def test_the_pack_is_made_in_the_requesters_language(devi, programme):
    export = ReportExport.objects.create(
        requested_by=devi,
        filters={"start": "2025-01-01", "end": "2025-06-30", "office_id": None, "language": "ms"},
    )

    export = pack_build(export_id=export.pk)

    book = load_workbook(BytesIO(export.xlsx_file.read()))
    assert book.sheetnames == ["Ringkasan", "Mengikut negeri", "Catatan"]
    assert book["Ringkasan"]["B1"].value == "Lelaki"


def test_a_supervisors_pack_covers_only_their_office(chong, ready_export, programme):
    book = load_workbook(BytesIO(ready_export.xlsx_file.read()))
    states = [row[0].value for row in book["By state"].iter_rows(min_row=2)]
    notes = [c.value for c in book["Notes"]["A"] if c.value]

    assert len(states) == 2 and states[-1] == "Total"  # Kuala Lumpur's state, then the total
    assert "Covers: PERKESO RTW Kuala Lumpur" in notes
    # KL's 6 + 7 placed in the period's first month; Penang's self-employed are not in it.
    summary = {row[0].value: row[3].value for row in book["Summary"].iter_rows(min_row=2)}
    assert summary["Persons placed in new jobs (JPESS)"] == 13
    assert summary["Persons who became self-employed"] == 0


def test_the_pack_page_query_count_does_not_grow_with_exports(
    client, chong, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(chong)

    def make(n):
        for _ in range(n):
            ReportExport.objects.create(
                requested_by=chong,
                filters={"start": "2025-01-01", "end": "2025-01-31", "office_id": chong.office_id},
            )

    make(1)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    make(9)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert response.content.decode().count('hx-trigger="every 2s"') == 10
