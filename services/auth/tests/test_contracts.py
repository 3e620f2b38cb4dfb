"""Contracts: auth reads rooms' stay events as rooms publishes them; auth's user events match
their examples in contracts/events."""

from __future__ import annotations

import pytest

from auth.events import (
    ACCESS_REVOKED,
    CHECKED_IN,
    CHECKED_OUT,
    USER_CREATED,
    USER_DEACTIVATED,
    USER_UPDATED,
)
from auth.handlers import make_handlers
from auth.rules.guests import STAY_CHECKED_IN, special_id_hash
from auth.rules.sign_in import TokenLifetimes
from hotel_shared.inbox import bind_handlers
from hotel_shared.testing import (
    assert_has_contract,
    assert_matches_contract,
    consumed_event_types,
    load_contract,
)


@pytest.mark.parametrize("event_type", consumed_event_types(make_handlers(TokenLifetimes())))
def test_every_handled_event_has_an_example_the_handler_accepts(
    event_type, stores, handlers, contract_envelope
):
    assert_has_contract(event_type)
    bind_handlers(stores, handlers).handle(contract_envelope(event_type))


def test_rooms_stay_contracts_open_and_close_guest_access(handle, contract_envelope, stores):
    example = load_contract(CHECKED_IN)["data"]
    expected_hash = example.get("specialIdHash") or special_id_hash(example["specialId"])
    handle(contract_envelope(CHECKED_IN))
    [found] = stores.open_stays_in_room(example["roomNumber"])
    assert (found["_id"], found["specialIdHash"]) == (example["customerId"], expected_hash)
    assert "specialId" not in found

    same_stay = {key: example[key] for key in ("customerId", "roomNumber")}
    handle(contract_envelope(CHECKED_OUT, **same_stay))
    assert stores.get_stay(example["customerId"])["status"] != STAY_CHECKED_IN


def test_room_status_contract_is_audited_with_its_change(handle, contract_envelope, stores):
    envelope = contract_envelope("rooms.room.status_changed.v1")
    handle(envelope)
    [entry] = list(stores.db["activity_logs"].find({"eventId": envelope["id"]}))
    assert entry["collection"] == "rooms"
    assert entry["change"] == load_contract("rooms.room.status_changed.v1")["data"]["changes"][0]


def _published(stores, event_type):
    return [entry["envelope"] for entry in stores.db["outbox"].find({"type": event_type})]


def test_user_events_match_their_contracts(client, admin_headers, stores):
    created = client.post(
        "/api/users",
        json={
            "username": "technician2",
            "password": "a-long-enough-pass",
            "role": "staff",
            "department": "maintenance",
            "employeeCode": "MT-002",
            "email": "tom.tech@hotel.example",
            "name": "Tom Tech",
        },
        headers=admin_headers,
    ).json
    path = f"/api/users/{created['id']}"
    client.patch(path, json={"role": "supervisor", "password": "x" * 12}, headers=admin_headers)
    client.delete(path, headers=admin_headers)

    for event_type in (USER_CREATED, USER_UPDATED, USER_DEACTIVATED, ACCESS_REVOKED):
        envelopes = [
            e for e in _published(stores, event_type) if e["subject"] == f"user/{created['id']}"
        ]
        envelope = envelopes[-1]  # a revocation follows both the update and the deactivation
        assert envelope["subject"].startswith(load_contract(event_type)["subject"].split("/")[0])
        assert_matches_contract(event_type, envelope["data"])
