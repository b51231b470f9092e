"""Uploaded consent forms and medical reports: what we accept, where it is kept,
and the only way it leaves the server.

- Accepted: PDF, JPEG and PNG, recognised by their first bytes, not by the name a
  browser sends; at most settings.KEMBALI_MAX_UPLOAD_MB megabytes.
- Kept under MEDIA_ROOT (var/uploads), outside STATIC_ROOT, under a random name,
  in a storage that has no URL: whitenoise never sees it and no template can
  link to the raw file.
- Served only by serve_protected_file, after the caller's access check, as a
  download that records who fetched it.

A model field uses it like this::

    document = models.FileField(
        upload_to=RandomName("consent"), storage=protected_storage,
        validators=[validate_upload],
    )
"""

import datetime as dt
import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kembali.audit.services import access_record

# The accepted types: signature, the extensions a file of that type may carry,
# and the content type it is served with.
ACCEPTED = {
    "pdf": (b"%PDF-", (".pdf",), "application/pdf"),
    "jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg"), "image/jpeg"),
    "png": (b"\x89PNG\r\n\x1a\n", (".png",), "image/png"),
}

# Types people commonly pick by mistake, named so the error message can say
# what the file is.
_RECOGNISED = [
    (b"PK\x03\x04", gettext_lazy("a ZIP archive")),
    (b"PK\x05\x06", gettext_lazy("a ZIP archive")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", gettext_lazy("an old Microsoft Office document")),
    (b"GIF87a", gettext_lazy("a GIF image")),
    (b"GIF89a", gettext_lazy("a GIF image")),
    (b"II*\x00", gettext_lazy("a TIFF image")),
    (b"MM\x00*", gettext_lazy("a TIFF image")),
    (b"BM", gettext_lazy("a BMP image")),
    (b"{\\rtf", gettext_lazy("an RTF document")),
    (b"MZ", gettext_lazy("a Windows program")),
    (b"\x7fELF", gettext_lazy("a program")),
    (b"Rar!", gettext_lazy("a RAR archive")),
    (b"7z\xbc\xaf\x27\x1c", gettext_lazy("a 7-Zip archive")),
    (b"\x1f\x8b", gettext_lazy("a compressed (gzip) file")),
]
_TYPE_NAMES = {
    "pdf": gettext_lazy("a PDF document"),
    "jpeg": gettext_lazy("a JPEG image"),
    "png": gettext_lazy("a PNG image"),
}
_SNIFF_BYTES = 16


def _head(file) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(_SNIFF_BYTES)
    file.seek(position)
    return head


def detect_type(head: bytes) -> str | None:
    """The accepted type (pdf, jpeg or png) the first bytes of a file show, else None."""
    for kind, (signature, _extensions, _content_type) in ACCEPTED.items():
        if head.startswith(signature):
            return kind
    return None


def describe(head: bytes) -> str:
    """What a refused file is, in words for the error message."""
    for signature, name in _RECOGNISED:
        if head.startswith(signature):
            return str(name)
    stripped = head.lstrip().lower()
    if stripped.startswith((b"<!doctype", b"<html", b"<?xml", b"<svg")):
        return _("a web page or XML file")
    if not head:
        return _("empty")
    return _("of a type we cannot recognise")


def max_upload_bytes() -> int:
    return settings.KEMBALI_MAX_UPLOAD_MB * 1024 * 1024


def validate_upload(file) -> None:
    """Refuse anything but a PDF, JPEG or PNG within the size limit, judged by
    the file's content. Raises ValidationError with a message for the user."""
    limit_mb = settings.KEMBALI_MAX_UPLOAD_MB
    if file.size > max_upload_bytes():
        raise ValidationError(
            _("The file must be %(limit)s MB or smaller; this one is %(size)s MB.")
            % {"limit": limit_mb, "size": f"{file.size / (1024 * 1024):.1f}"},
            code="too_big",
        )
    if file.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    head = _head(file)
    kind = detect_type(head)
    if kind is None:
        raise ValidationError(
            _("The file must be a PDF, JPEG or PNG; this one is %(what)s.")
            % {"what": describe(head)},
            code="wrong_type",
        )
    extension = os.path.splitext(file.name or "")[1].lower()
    if extension not in ACCEPTED[kind][1]:
        raise ValidationError(
            _(
                "The file name ends in “%(extension)s” but the file is %(what)s: "
                "choose the right file or correct its name."
            )
            % {"extension": extension or _("(nothing)"), "what": _TYPE_NAMES[kind]},
            code="wrong_extension",
        )


@deconstructible
class RandomName:
    """upload_to: <folder>/<year>/<month>/<random>.<ext>. The name a person gave
    the file (often their name or IC number) is never used on disk."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        extension = os.path.splitext(filename)[1].lower()
        if extension == ".jpeg":
            extension = ".jpg"
        today = dt.date.today()
        return f"{self.folder}/{today:%Y}/{today:%m}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder


class ProtectedStorage(FileSystemStorage):
    """Files under MEDIA_ROOT with no public URL: they leave only through
    serve_protected_file."""

    # No location given: FileSystemStorage then reads MEDIA_ROOT when used, and
    # follows a change of the setting (tests' tmp_path) instead of the value at import.

    def url(self, name):
        raise ValueError("Protected uploads have no URL; serve them with serve_protected_file.")


def protected_storage() -> ProtectedStorage:
    """The storage for FileField(storage=protected_storage): a callable, so the
    location follows settings (and tests' overrides) instead of import time."""
    return ProtectedStorage()


def serve_protected_file(request, file_field, *, what: str, obj, filename: str | None = None):
    """Stream an uploaded file as a download and record who fetched it.

    The caller has already run its access check (access_case and the like): this
    function does not decide who may see the file, it only serves it safely."""
    file_field.open("rb")
    kind = detect_type(_head(file_field))
    # A stored file that is not one of ours is never handed over as what its
    # name claims: the browser gets opaque bytes to save.
    content_type = ACCEPTED[kind][2] if kind else "application/octet-stream"
    access_record(actor=request.user, what=what, obj=obj, request=request)
    response = FileResponse(
        file_field,
        as_attachment=True,
        filename=filename or os.path.basename(file_field.name),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
