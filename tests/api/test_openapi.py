import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_openapi_document_is_valid_openapi_3_1():
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation import OpenAPIV31SpecValidator

    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert document["info"]["title"] == "Kembali API"
    assert document["info"]["version"] == "1"
    validate(document, cls=OpenAPIV31SpecValidator)
    assert {"/api/v1/me", "/api/v1/cases", "/api/v1/cases/{number}"} <= set(document["paths"])


def test_every_operation_documents_its_errors():
    document = Client().get("/api/v1/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert "401" in operation["responses"], f"{method} {path} does not document 401"


def test_the_docs_page_loads_with_no_outside_address(aisyah):
    client = Client()
    client.force_login(aisyah)
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Kembali API" in html
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert references, "the docs page loads its Swagger UI"
    assert all(ref.startswith("/static/") for ref in references), references
    assert "http://" not in html and "https://" not in html


def test_the_docs_assets_are_served_locally():
    client = Client()
    html = client.get("/api/v1/docs").content.decode()
    for ref in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert client.get(ref).status_code == 200, ref
