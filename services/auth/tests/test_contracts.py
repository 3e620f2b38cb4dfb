"""auth reads rooms' stay events as rooms publishes them (contracts/events), and audits them."""

from __future__ import annotations

from hotel_shared.testing import load_contract


def test_rooms_stay_contracts_open_and_close_guest_access(handle, contract_envelope, stores):
    example = load_contract("rooms.customer.checked_in.v1")["data"]
    handle(contract_envelope("rooms.customer.checked_in.v1"))
    found = stores.guest_access.find_open_stay(example["roomNumber"], example["specialId"])
    assert found["_id"] == example["customerId"]

    handle(
        contract_envelope(
            "rooms.customer.checked_out.v1",
            **{key: example[key] for key in ("customerId", "roomNumber", "specialId")},
        )
    )
    assert stores.guest_access.find_open_stay(example["roomNumber"], example["specialId"]) is None


def test_room_status_contract_is_audited_with_its_change(handle, contract_envelope, stores):
    envelope = contract_envelope("rooms.room.status_changed.v1")
    handle(envelope)
    [entry] = list(stores.activity_logs.collection.find({"eventId": envelope["id"]}))
    assert entry["collection"] == "rooms"
    assert entry["change"]["field"] == "housekeepingStatus"
