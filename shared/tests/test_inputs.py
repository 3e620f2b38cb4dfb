"""Hostile or sloppy input is refused with a clear problem before any schema or store sees it."""

from __future__ import annotations

import json

import pytest
from marshmallow import Schema, ValidationError
from test_web import build_app

from hotel_shared.schemas import Day, StrictBoolean, StrictInteger, TimePeriodSchema
from hotel_shared.testing import assert_problem


@pytest.fixture
def client(service_settings):
    return build_app(service_settings("probe"), readiness_checks={}).test_client()


def post_raw(client, body: bytes, content_type: str = "application/json"):
    return client.post("/greetings", data=body, content_type=content_type)


def test_a_body_nested_ten_thousand_deep_is_a_400_not_a_crash(client):
    deep = b'{"name": "a", "x": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"
    assert_problem(post_raw(client, deep), 400, "body_too_deep")


def test_brackets_inside_strings_do_not_count_as_depth(client):
    body = json.dumps({"name": "[" * 19}).encode()
    assert post_raw(client, body).status_code == 201


@pytest.mark.parametrize(
    "text",
    ["\ud800", "a\x00b", "evil\u202etxt", "\x1b[31mred"],
    ids=["lone surrogate", "NUL", "bidi override", "escape"],
)
def test_text_that_cannot_be_stored_plainly_is_a_422_naming_the_field(client, text):
    body = json.dumps({"name": text}).encode()  # json escapes it: \ud800, \u0000 ...
    problem = assert_problem(post_raw(client, body), 422, "validation_failed")
    assert "name" in problem["errors"]


def test_newlines_and_tabs_are_plain_text(client):
    assert post_raw(client, json.dumps({"name": "a\tb\nc"}).encode()).status_code == 201


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-16"],
)
def test_a_body_that_is_not_declared_utf8_json_is_a_415(client, content_type):
    body = json.dumps({"name": "ada"}).encode()
    assert_problem(post_raw(client, body, content_type), 415, "unsupported_media_type")


def test_a_byte_order_mark_or_utf16_body_is_a_400(client):
    body = json.dumps({"name": "ada"})
    assert_problem(post_raw(client, b"\xef\xbb\xbf" + body.encode()), 400, "malformed_json")
    assert_problem(post_raw(client, body.encode("utf-16")), 400, "malformed_json")


def test_a_huge_offset_is_a_422(client):
    problem = assert_problem(
        client.get("/items?offset=99999999999999999999"), 422, "validation_failed"
    )
    assert "offset" in problem["errors"]


def test_a_control_character_in_the_query_is_a_422(client):
    assert_problem(client.get("/items?limit=5%00"), 422, "validation_failed")


class StrictSchema(Schema):
    active = StrictBoolean()
    minutes = StrictInteger()
    day = Day()


@pytest.mark.parametrize(
    "body",
    [{"active": 0}, {"active": "false"}, {"minutes": True}, {"minutes": 1.5}, {"minutes": "3"}],
)
def test_strict_fields_refuse_what_they_would_otherwise_guess(body):
    with pytest.raises(ValidationError):
        StrictSchema().load(body)


def test_strict_fields_take_plain_values():
    loaded = StrictSchema().load({"active": False, "minutes": 30, "day": "2026-12-01"})
    assert (loaded["active"], loaded["minutes"], str(loaded["day"])) == (False, 30, "2026-12-01")


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-03"])
def test_days_outside_a_hotels_calendar_are_refused(day):
    with pytest.raises(ValidationError):
        StrictSchema().load({"day": day})
    with pytest.raises(ValidationError):
        TimePeriodSchema().load({"to": f"{day}T00:00:00Z"})
