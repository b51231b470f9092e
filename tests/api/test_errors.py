"""The error format other API modules rely on, on a small API of its own."""

from django.http import Http404
from ninja import NinjaAPI, Schema
from ninja.testing import TestClient

from kembali.api.errors import Conflict, install_error_handlers

api = NinjaAPI(urls_namespace="test-errors")
install_error_handlers(api)


STALE = "This case was changed by someone else: reload it and make your change again."


class Change(Schema):
    version: int


@api.post("/change")
def change(request, payload: Change):
    if payload.version != 3:
        raise Conflict(STALE)
    return {"ok": True}


@api.get("/missing")
def missing(request):
    raise Http404


client = TestClient(api)


def test_a_conflict_is_409_with_the_message():
    response = client.post("/change", json={"version": 2})
    assert response.status_code == 409
    assert response.json() == {"detail": STALE, "errors": []}


def test_a_validation_error_lists_the_field():
    response = client.post("/change", json={"version": "three"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["body.payload.version"]


def test_a_body_that_is_not_json_is_a_validation_error():
    response = client.post("/change", data=b"{not json", content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"


def test_not_found_has_a_message():
    response = client.get("/missing")
    assert response.status_code == 404
    assert response.json()["detail"]
