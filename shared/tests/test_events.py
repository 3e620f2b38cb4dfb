"""Envelopes are built to the catalogue's shape, and anything else is refused as malformed."""

import json
import uuid

import pytest

from hotel_shared.events import MalformedEvent, encode_event, new_event, parse_event


def test_new_event_has_every_envelope_field():
    envelope = new_event(
        "rooms.room.status_changed.v1",
        source="rooms",
        subject="room/204",
        data={"roomNumber": "204"},
        actor={"userId": "u1", "username": "hk", "role": "staff"},
        correlation_id="req-1",
    )
    assert uuid.UUID(envelope["id"]).version == 4
    assert envelope["time"].endswith("Z")
    assert parse_event(encode_event(envelope)) == envelope


@pytest.mark.parametrize("bad_type", ["rooms.room.status_changed", "Rooms.room.x.v1", "a.b.c.v0"])
def test_event_types_must_follow_the_naming_rule(bad_type):
    with pytest.raises(ValueError):
        new_event(bad_type, source="rooms", subject="room/1", data={})


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        json.dumps({"type": "rooms.room.created.v1"}).encode(),
        json.dumps(
            {
                "id": "nope",
                "type": "rooms.room.created.v1",
                "source": "rooms",
                "time": "x",
                "data": {},
            }
        ).encode(),
        json.dumps(
            {
                "id": str(uuid.uuid4()),
                "type": "rooms.room.created.v1",
                "source": "rooms",
                "time": "2026-01-01T00:00:00Z",
                "data": "not an object",
            }
        ).encode(),
    ],
)
def test_malformed_envelopes_are_refused(body):
    with pytest.raises(MalformedEvent):
        parse_event(body)


def test_contract_check_names_missing_extra_and_mistyped_fields():
    from hotel_shared.testing import assert_matches_contract, load_contract

    example = load_contract("tasks.task.completed.v1")["data"]
    assert_matches_contract("tasks.task.completed.v1", dict(example))
    without_room = {k: v for k, v in example.items() if k != "roomNumber"}
    with pytest.raises(AssertionError, match="missing \\['roomNumber'\\]"):
        assert_matches_contract("tasks.task.completed.v1", without_room)
    with pytest.raises(AssertionError, match="unexpected \\['extra'\\]"):
        assert_matches_contract("tasks.task.completed.v1", {**example, "extra": 1})
    with pytest.raises(AssertionError, match="roomNumber is a number"):
        assert_matches_contract("tasks.task.completed.v1", {**example, "roomNumber": 205})
