"""The generated OpenAPI document is valid and lists every route."""

from hotel_shared.testing import assert_openapi_complete


def test_every_route_is_in_the_generated_document(app):
    document = assert_openapi_complete(app)
    read = document["paths"]["/api/notifications/{notification_id}/read"]["post"]
    assert "404" in read["responses"]
    assert read["x-roles"] == ["any signed-in caller"]
