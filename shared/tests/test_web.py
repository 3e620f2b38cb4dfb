"""The shared web layer: request ids, problem responses, health, bodies, tokens, ETags."""

import time
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from marshmallow import Schema, fields, validate

from hotel_shared.auth import TokenVerifier, init_auth, require
from hotel_shared.errors import Conflict
from hotel_shared.mongo import get_database
from hotel_shared.web import (
    PageQuerySchema,
    expected_version,
    init_service,
    load_body,
    load_page_query,
    paged,
    with_etag,
)


class GreetingSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=20))
    times = fields.Integer(load_default=1)


def build_app(settings, readiness_checks=None):
    app = Flask("probe")
    init_service(app, settings, readiness_checks=readiness_checks)
    init_auth(app, TokenVerifier.from_settings(settings))

    @app.post("/greetings")
    def create_greeting():
        body = load_body(GreetingSchema())
        return {"greeting": f"hello {body['name']}" * body["times"]}, 201

    @app.get("/secret")
    @require("hotelAdmin")
    def secret():
        return {"ok": True}

    @app.get("/items")
    def list_items():
        _, limit, offset = load_page_query(PageQuerySchema())
        return paged([], 0, limit, offset)

    @app.put("/versioned")
    def versioned():
        return with_etag({"expected": expected_version()}, 8)

    @app.get("/conflict")
    def conflict():
        raise Conflict("the room is occupied", code="room_occupied")

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals /etc/passwd")

    @app.get("/db")
    def db():
        return {"n": get_database(settings).things.count_documents({})}

    return app


@pytest.fixture
def settings(service_settings):
    return service_settings("probe", max_body_bytes=2048)


@pytest.fixture
def client(settings):
    return build_app(settings).test_client()


def assert_problem(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["requestId"] == response.headers["X-Request-ID"]
    assert body["title"]
    assert body["detail"]
    assert body["type"].endswith(code)
    return body


def test_request_id_is_echoed_or_generated(client):
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == (
        "abc-123"
    )
    generated = client.get("/healthz", headers={"X-Request-ID": "bad id <x>"}).headers[
        "X-Request-ID"
    ]
    assert generated
    assert generated != "bad id <x>"


def test_valid_body_is_loaded(client):
    response = client.post("/greetings", json={"name": "Ana", "times": 2})
    assert response.status_code == 201
    assert response.get_json() == {"greeting": "hello Anahello Ana"}


def test_malformed_json_is_400(client):
    response = client.post("/greetings", data="{not json", content_type="application/json")
    assert_problem(response, 400, "malformed_json")


def test_missing_and_unknown_fields_are_422_naming_them(client):
    body = assert_problem(
        client.post("/greetings", json={"nickname": "x"}), 422, "validation_failed"
    )
    assert set(body["errors"]) == {"name", "nickname"}
    assert "name" in body["detail"]


def test_non_object_body_is_422(client):
    assert_problem(client.post("/greetings", json=[1, 2]), 422, "validation_failed")


def test_body_over_the_limit_is_413(client):
    response = client.post("/greetings", json={"name": "x" * 5000})
    assert_problem(response, 413, "payload_too_large")


def test_unknown_route_and_method_are_problems(client):
    assert_problem(client.get("/nowhere"), 404, "not_found")
    response = client.delete("/greetings")
    assert_problem(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]


def test_domain_conflict_keeps_its_code(client):
    body = assert_problem(client.get("/conflict"), 409, "room_occupied")
    assert body["detail"] == "the room is occupied"


def test_unexpected_error_is_500_without_internals(client):
    body = assert_problem(client.get("/boom"), 500, "internal_error")
    assert "passwd" not in str(body)


def test_missing_token_is_401_and_wrong_role_403(client, signing_keys):
    assert_problem(client.get("/secret"), 401, "missing_token")
    assert_problem(
        client.get("/secret", headers=signing_keys.headers("staff")), 403, "role_not_allowed"
    )
    assert client.get("/secret", headers=signing_keys.headers("hotelAdmin")).status_code == 200


def test_forged_expired_and_foreign_tokens_are_401(client, signing_keys):
    from hotel_shared.testing import SigningKeys

    other = SigningKeys(Ed25519PrivateKey.generate(), "", "")
    for token, code in [
        (other.token("hotelAdmin"), "invalid_token"),
        (signing_keys.token("hotelAdmin", ttl_s=-60), "token_expired"),
        (signing_keys.token("hotelAdmin", aud="elsewhere"), "invalid_token"),
        (signing_keys.token("hotelAdmin", typ="refresh"), "invalid_token"),
        ("not-a-jwt", "invalid_token"),
    ]:
        response = client.get("/secret", headers={"Authorization": f"Bearer {token}"})
        assert_problem(response, 401, code)


def test_a_token_checked_before_is_refused_once_it_expires(client, signing_keys):
    token = signing_keys.token("hotelAdmin", ttl_s=1)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/secret", headers=headers).status_code == 200  # verified, remembered
    time.sleep(1.5)  # past its exp (whole seconds): the remembered claims must not outlive it
    assert_problem(client.get("/secret", headers=headers), 401, "token_expired")


def test_paging_is_bounded(client):
    assert client.get("/items").get_json() == {"items": [], "total": 0, "limit": 50, "offset": 0}
    body = assert_problem(client.get("/items?limit=501&offset=-1"), 422, "validation_failed")
    assert set(body["errors"]) == {"limit", "offset"}


def test_if_match_is_parsed_and_etag_set(client):
    response = client.put("/versioned", headers={"If-Match": '"7"'})
    assert response.get_json() == {"expected": 7}
    assert response.headers["ETag"] == '"8"'
    assert client.put("/versioned").get_json() == {"expected": None}
    assert_problem(
        client.put("/versioned", headers={"If-Match": '"abc"'}), 412, "precondition_failed"
    )


def test_health_ready_and_metrics(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.get_data(as_text=True)
    assert ready.get_json()["checks"] == {"mongo": "ok", "broker": "ok"}
    client.get("/items")
    metrics = client.get("/metrics").get_data(as_text=True)
    assert (
        'hotel_http_requests_total{method="GET",route="/items",service="probe",status="200"}'
        in (metrics)
    )


def test_metrics_read_the_outbox_and_queues_when_scraped(settings):
    from datetime import timedelta

    from hotel_shared.timeutil import utc_now

    database = get_database(settings)
    created = utc_now() - timedelta(seconds=90)
    database["outbox"].insert_many(
        [
            {"_id": "e1", "type": "probe.x.y.v1", "createdAt": created, "sentAt": None},
            {"_id": "e2", "type": "probe.x.y.v1", "createdAt": utc_now(), "sentAt": None},
            {"_id": "e3", "type": "probe.x.y.v1", "createdAt": created, "sentAt": utc_now()},
        ]
    )
    try:
        text = build_app(settings).test_client().get("/metrics").get_data(as_text=True)
    finally:
        database["outbox"].drop()
    assert 'hotel_outbox_pending_events{service="probe"} 2.0' in text
    age = float(
        text.split('hotel_outbox_oldest_pending_age_seconds{service="probe"} ')[1].split()[0]
    )
    assert 90 <= age < 600
    # No worker has declared the probe's queues here: nothing waits, and both sources were read.
    assert 'hotel_consumer_queue_messages{service="probe"} 0.0' in text
    assert 'hotel_dead_letter_messages{service="probe"} 0.0' in text
    assert 'hotel_pipeline_metrics_errors{service="probe",source="broker"} 0.0' in text
    assert 'hotel_pipeline_metrics_errors{service="probe",source="mongo"} 0.0' in text


def test_metrics_answer_when_the_pipeline_cannot_be_read(settings):
    down = replace(
        settings,
        mongo_url="mongodb://127.0.0.1:9/?directConnection=true",
        amqp_url="amqp://guest:guest@127.0.0.1:9/%2F",
        mongo_timeout_ms=300,
    )
    response = build_app(down).test_client().get("/metrics")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert 'hotel_pipeline_metrics_errors{service="probe",source="broker"} 1.0' in text
    assert 'hotel_pipeline_metrics_errors{service="probe",source="mongo"} 1.0' in text
    assert "hotel_outbox_pending_events{" not in text


def test_unreachable_dependencies_give_503(settings):
    down = replace(
        settings,
        mongo_url="mongodb://127.0.0.1:9/?directConnection=true",
        amqp_url="amqp://guest:guest@127.0.0.1:9/%2F",
        mongo_timeout_ms=300,
    )
    client = build_app(down).test_client()
    body = assert_problem(client.get("/readyz"), 503, "not_ready")
    assert body["checks"]["mongo"].startswith("unavailable")
    assert body["checks"]["broker"].startswith("unavailable")
    assert_problem(client.get("/db"), 503, "database_unavailable")


def test_a_token_cannot_pick_a_weaker_algorithm(client, signing_keys):
    import base64
    import json

    def b64(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    genuine = signing_keys.token("hotelAdmin")
    header = json.loads(base64.urlsafe_b64decode(genuine.split(".")[0] + "=="))
    claims = genuine.split(".")[1]
    unsigned = f"{b64({**header, 'alg': 'none'})}.{claims}."
    response = client.get("/secret", headers={"Authorization": f"Bearer {unsigned}"})
    assert_problem(response, 401, "invalid_token")
