"""The generated OpenAPI document is valid and names every route of the fnb service."""

from hotel_shared.testing import assert_openapi_complete


def test_every_route_is_in_the_generated_openapi_document(app):
    document = assert_openapi_complete(app)
    assert document["info"]["title"] == "fnb service"
    status = document["paths"]["/api/orders/{order_id}/status"]["patch"]
    assert {"403", "409", "412", "422"} <= set(status["responses"])
    assert document["paths"]["/api/menu"]["get"]["x-roles"] == ["any signed-in caller"]
