"""The generated OpenAPI document is valid and names every route of the PMS adapter."""

from hotel_shared.testing import assert_openapi_complete


def test_every_route_is_in_the_generated_openapi_document(app):
    document = assert_openapi_complete(app)
    assert document["info"]["title"] == "pms-adapter service"
    assert document["paths"]["/api/pms/reconcile"]["post"]["x-roles"] == ["hotelAdmin"]
