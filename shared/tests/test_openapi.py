"""Routes declare their contract once: it validates the request and becomes the OpenAPI document."""

from __future__ import annotations

import pytest
from flask import Blueprint, Flask
from marshmallow import fields

from hotel_shared.auth import require
from hotel_shared.openapi import build_openapi, operation, register_openapi
from hotel_shared.schemas import ChangeSchema, DatePeriodSchema, RoomNumber
from hotel_shared.testing import assert_openapi_complete, assert_problem
from hotel_shared.web import PageQuerySchema, init_service


class ThingSchema(ChangeSchema):
    roomNumber = RoomNumber(required=True)
    note = fields.String()


class ThingQuerySchema(PageQuerySchema):
    roomNumber = RoomNumber()


def make_app(settings, *, undocumented: bool = False) -> Flask:
    app = Flask(__name__)
    init_service(app, settings, readiness_checks={})
    blueprint = Blueprint("things", __name__)

    @blueprint.post("/api/things")
    @operation(body=ThingSchema, response=ThingSchema, status=201, errors=(409,))
    def create_thing(body):
        """Create a thing."""
        return body, 201

    @blueprint.get("/api/things/<thing_id>")
    @require("hotelAdmin")
    @operation(query=DatePeriodSchema, response=ThingSchema)
    def get_thing(thing_id, query):
        return {"roomNumber": thing_id}

    @blueprint.get("/api/things")
    @require()
    @operation(query=ThingQuerySchema, response=ThingSchema, paged=True)
    def list_things(query):
        return {"items": [], "total": 0, "limit": query["limit"], "offset": query["offset"]}

    if undocumented:

        @blueprint.delete("/api/things/<thing_id>")
        def delete_thing(thing_id):
            return "", 204

    app.register_blueprint(blueprint)
    register_openapi(app, title="probe")
    return app


@pytest.fixture
def settings(service_settings):
    return service_settings("probe")


def test_declared_body_is_loaded_and_validated(settings):
    client = make_app(settings).test_client()
    assert client.post("/api/things", json={"roomNumber": 204}).get_json() == {"roomNumber": "204"}
    body = assert_problem(client.post("/api/things", json={"roomNumber": "#1"}), 422)
    assert "roomNumber" in body["errors"]
    assert_problem(client.post("/api/things", data="{", content_type="application/json"), 400)


def test_the_document_is_valid_openapi_and_covers_every_route(settings):
    document = assert_openapi_complete(make_app(settings))
    create = document["paths"]["/api/things"]["post"]
    assert create["summary"] == "Create a thing"
    assert set(create["responses"]) >= {"201", "400", "409", "422", "503"}
    assert "requestBody" in create
    get = document["paths"]["/api/things/{thing_id}"]["get"]
    assert get["x-roles"] == ["hotelAdmin"]
    assert {"401", "403", "404"} <= set(get["responses"])
    assert {p["name"] for p in get["parameters"] if p["in"] == "query"} == {"from", "to"}
    listed = document["paths"]["/api/things"]["get"]["responses"]["200"]
    assert listed["content"]["application/json"]["schema"]["properties"]["items"]["type"] == "array"


def test_an_undeclared_route_is_named_as_missing(settings):
    with pytest.raises(AssertionError, match="DELETE /api/things/<thing_id>"):
        assert_openapi_complete(make_app(settings, undocumented=True))


def test_the_document_names_no_route_twice_across_calls(settings):
    app = make_app(settings)
    assert build_openapi(app, title="probe") == build_openapi(app, title="probe")


def test_an_error_status_without_a_description_is_refused_at_declaration():
    with pytest.raises(ValueError, match="418"):
        operation(errors=(418,))
