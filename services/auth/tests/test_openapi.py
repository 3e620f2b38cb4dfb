"""The generated OpenAPI document is valid and documents every route, with who may call it."""

from __future__ import annotations

from hotel_shared.testing import assert_openapi_complete


def test_every_route_is_in_a_valid_openapi_document(app):
    document = assert_openapi_complete(app)
    assert document["info"]["title"] == "auth service"
    users = document["paths"]["/api/users"]
    assert users["get"]["x-roles"] == ["hotelAdmin"]
    assert "security" not in document["paths"]["/api/auth/login"]["post"]
