"""One error format for the whole API.

Every error answer is ``{"detail": "<what went wrong and what to do>", "errors": [...]}``;
``errors`` lists ``{"field": "<where>", "message": "<what to fix>"}`` for a
validation error and is empty otherwise.

Status codes:
- 401: no valid token or session.
- 403: the user's role may not use this endpoint at all (a ministry analyst and
  any personal-data endpoint). It is decided by role alone, before any object
  is looked up, so it says nothing about whether an object exists.
- 404: the object is missing *or* not the user's to see: the same answer.
- 409: a workflow or concurrency conflict: raise ``Conflict(detail)``.
- 422: the request does not validate (query, path or body).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


class ApiError(Exception):
    """An error with a status code and a message that says what to fix."""

    status_code = 400

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class Forbidden(ApiError):
    status_code = 403


class NotFound(ApiError):
    status_code = 404


class Conflict(ApiError):
    """A workflow or concurrency conflict: the request was valid, but the object
    has moved on (a stale version, a transition not allowed from its state)."""

    status_code = 409


# The responses every authenticated endpoint may give besides its own: use as
# ``response={200: MySchema, **ERROR_RESPONSES}`` so the OpenAPI document lists them.
ERROR_RESPONSES = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}

UNAUTHENTICATED = _(
    "Authentication required: send a personal API token as "
    "'Authorization: Bearer <token>' (create one on the API tokens page), "
    "or sign in to use the API from the browser."
)
VALIDATION_FAILED = _(
    "The request is not valid: correct the fields listed in errors and try again."
)
CSRF_FAILED = _(
    "The CSRF check failed: when using the API with a browser session, send the "
    "X-CSRFToken header, or use a personal API token instead."
)
BAD_JSON = _("The body is not valid JSON: send a JSON object as the schema describes.")
FORBIDDEN = _("You do not have access to this endpoint.")
NOT_FOUND = _("Not found: check the address and the identifier.")


def error_body(detail, errors: list[dict] | None = None) -> dict:
    return {"detail": str(detail), "errors": errors or []}


def _field_path(loc) -> str:
    return ".".join(str(part) for part in loc) or "request"


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, detail, errors=None) -> HttpResponse:
        return api.create_response(request, error_body(detail, errors), status=status)

    @api.exception_handler(ApiError)
    def api_error(request, exc: ApiError):
        return respond(request, exc.status_code, exc.detail)

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        errors = [
            {"field": _field_path(error.get("loc", ())), "message": str(error.get("msg", ""))}
            for error in exc.errors
        ]
        return respond(request, 422, VALIDATION_FAILED, errors)

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc: AuthenticationError):
        response = respond(request, 401, UNAUTHENTICATED)
        response["WWW-Authenticate"] = 'Bearer realm="kembali"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        detail = str(exc)
        if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
            # ninja's body parser: invalid input like any other, so 422.
            return respond(
                request, 422, VALIDATION_FAILED, [{"field": "body", "message": str(BAD_JSON)}]
            )
        if exc.status_code == 403 and "CSRF" in detail:
            detail = CSRF_FAILED
        return respond(request, exc.status_code, detail)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc: PermissionDenied):
        return respond(request, 403, str(exc) or FORBIDDEN)

    @api.exception_handler(Http404)
    def not_found(request, exc: Http404):
        return respond(request, 404, str(exc) or NOT_FOUND)
