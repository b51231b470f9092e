"""Consent forms and medical reports: PDF, JPEG or PNG by content, within the
size limit, kept under a random name outside the static root, and handed out
only as a recorded download."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import FileField
from django.db.models.fields.files import FieldFile
from django.test import RequestFactory
from django.utils import translation

from kembali.audit.models import AccessEvent
from kembali.core.uploads import (
    ProtectedStorage,
    RandomName,
    protected_storage,
    serve_protected_file,
    validate_upload,
)
from tests.factories import CaseFactory

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _english():
    # Another test's request may leave Malay active in this thread.
    with translation.override("en"):
        yield


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("report.txt", "not a pdf")
    return buffer.getvalue()


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


@pytest.mark.parametrize(
    ("name", "content"),
    [("consent.pdf", PDF), ("scan.png", PNG), ("scan.jpg", JPEG), ("SCAN.JPEG", JPEG)],
)
def test_a_real_pdf_jpeg_or_png_is_accepted(name, content):
    validate_upload(SimpleUploadedFile(name, content))


def test_a_zip_named_pdf_is_refused_and_the_message_says_what_it_is():
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile("consent.pdf", _zip_bytes()))
    assert (
        _message(error.value) == "The file must be a PDF, JPEG or PNG; this one is a ZIP archive."
    )


def test_the_message_is_in_malay_for_malay_speakers():
    with translation.override("ms"), pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile("consent.pdf", _zip_bytes()))
    assert _message(error.value) == "Fail mestilah PDF, JPEG atau PNG; fail ini ialah arkib ZIP."


def test_a_web_page_named_pdf_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile("x.pdf", b"<html><script>alert(1)</script></html>"))
    assert "this one is a web page or XML file" in _message(error.value)


def test_a_png_named_pdf_is_refused_with_a_clear_reason():
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile("consent.pdf", PNG))
    assert "ends in “.pdf” but the file is a PNG image" in _message(error.value)


def test_a_file_over_the_limit_is_refused(settings):
    settings.KEMBALI_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("report.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError) as error:
        validate_upload(big)
    assert _message(error.value) == "The file must be 1 MB or smaller; this one is 1.0 MB."


def test_the_default_limit_is_ten_megabytes(settings):
    assert settings.KEMBALI_MAX_UPLOAD_MB == 10
    validate_upload(SimpleUploadedFile("report.pdf", PDF + b"0" * (9 * 1024 * 1024)))
    with pytest.raises(ValidationError):
        validate_upload(SimpleUploadedFile("report.pdf", PDF + b"0" * (10 * 1024 * 1024)))


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile("report.pdf", b""))
    assert _message(error.value) == "The file is empty."


def test_stored_names_are_random_and_keep_no_part_of_the_original():
    upload_to = RandomName("consent")
    first = upload_to(None, "Siti binti Ahmad 850101-14-5678.PDF")
    second = upload_to(None, "Siti binti Ahmad 850101-14-5678.PDF")
    assert first != second
    assert first.startswith("consent/")
    assert first.endswith(".pdf")
    assert "Siti" not in first
    assert "850101" not in first


def test_protected_files_have_no_url(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    storage = protected_storage()
    name = storage.save("consent/x.pdf", ContentFile(PDF))
    assert (tmp_path / name).exists()
    with pytest.raises(ValueError):
        storage.url(name)


@pytest.fixture
def stored_pdf(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    field = FileField(storage=protected_storage, upload_to=RandomName("consent"))
    field.name = "document"
    storage = ProtectedStorage()
    name = storage.save(RandomName("consent")(None, "consent.pdf"), ContentFile(PDF))
    return FieldFile(None, field, name)


@pytest.mark.django_db
def test_serving_a_file_is_a_download_and_is_recorded(stored_pdf, aisyah):
    case = CaseFactory(office=aisyah.office, case_manager=aisyah)
    request = RequestFactory().get("/cases/x/consent/", REMOTE_ADDR="10.1.2.3")
    request.user = aisyah
    response = serve_protected_file(
        request, stored_pdf, what="consent.download", obj=case, filename="consent-form.pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="consent-form.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    event = AccessEvent.objects.get()
    assert (event.actor, event.what, event.object_id, event.ip_address) == (
        aisyah,
        "consent.download",
        str(case.pk),
        "10.1.2.3",
    )


@pytest.mark.django_db
def test_a_stored_file_that_is_not_ours_is_served_as_opaque_bytes(settings, tmp_path, aisyah):
    settings.MEDIA_ROOT = tmp_path
    field = FileField(storage=protected_storage)
    field.name = "document"
    name = ProtectedStorage().save("x.pdf", ContentFile(b"<html>evil</html>"))
    request = RequestFactory().get("/")
    request.user = aisyah
    response = serve_protected_file(request, FieldFile(None, field, name), what="x", obj=aisyah)
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
def test_uploads_are_not_served_as_static_files(client, settings):
    name = ProtectedStorage().save("consent/static-probe.pdf", ContentFile(PDF))
    try:
        for prefix in ("/static/", "/media/", "/"):
            assert client.get(f"{prefix}{name}").status_code == 404
    finally:
        ProtectedStorage().delete(name)
