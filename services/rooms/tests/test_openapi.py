"""The generated OpenAPI document is valid and documents every route."""

from __future__ import annotations

from hotel_shared.testing import assert_openapi_complete


def test_every_route_is_in_the_openapi_document(app):
    document = assert_openapi_complete(app)
    status = document["paths"]["/api/rooms/{room_number}/status"]["patch"]
    assert status["x-roles"] == ["hotelAdmin", "frontOffice", "supervisor", "staff", "guest"]
    assert {"200", "401", "403", "404", "409", "412", "422"} <= set(status["responses"])
