"""fnb keeps its promises: its events match contracts/events, and it reads rooms' events."""

from __future__ import annotations

import pytest
from conftest import GUEST_ROOM, move, outbox_events, place_order

from fnb import events
from fnb.handlers import HANDLERS
from hotel_shared.inbox import bind_handlers
from hotel_shared.testing import assert_has_contract, assert_matches_contract, consumed_event_types

PUBLISHED = (
    events.ORDER_PLACED,
    events.ORDER_STATUS_CHANGED,
    events.ORDER_CANCELLED,
    events.BILL_CREATED,
)


@pytest.mark.parametrize("event_type", consumed_event_types(HANDLERS))
def test_every_consumed_event_has_an_example_the_handler_accepts(
    event_type, stores, contract_envelope
):
    assert_has_contract(event_type)
    bind_handlers(stores, HANDLERS).handle(contract_envelope(event_type))


def test_every_published_event_matches_its_contract(client, callers, menu, stores):
    delivered = place_order(client, callers, menu)
    for status in ("acknowledged", "preparing", "on the way", "delivered"):
        assert move(client, callers.chef, delivered["id"], status).status_code == 200
    cancelled = place_order(client, callers, menu)
    url = f"/api/orders/{cancelled['id']}/cancel"
    assert (
        client.post(url, json={"reason": "changed my mind"}, headers=callers.guest).status_code
        == 200
    )
    for event_type in PUBLISHED:
        envelopes = outbox_events(stores, event_type)
        assert envelopes, f"no {event_type} was published"
        for envelope in envelopes:
            assert_matches_contract(event_type, envelope["data"])
            assert envelope["data"]["roomNumber"] == GUEST_ROOM
    [bill] = outbox_events(stores, events.BILL_CREATED)
    assert bill["subject"] == f"bill/{bill['data']['billingId']}"
    assert (bill["data"]["orderId"], bill["data"]["totalPrice"]) == (delivered["id"], "57.00")
    assert [line["lineTotal"] for line in bill["data"]["items"]] == ["25.00", "32.00"]


def test_status_changed_lists_the_status_move_in_changes(client, callers, menu, stores):
    order = place_order(client, callers, menu)
    move(client, callers.chef, order["id"], "acknowledged")
    [moved] = [e["data"] for e in outbox_events(stores, events.ORDER_STATUS_CHANGED)]
    assert moved["changes"] == [
        {"field": "status", "oldValue": "pending", "newValue": "acknowledged"}
    ]
    assert (moved["oldStatus"], moved["status"], moved["version"]) == ("pending", "acknowledged", 2)


def test_the_rooms_examples_open_and_close_a_stay(stores, contract_envelope, client, callers, menu):
    handle = bind_handlers(stores, HANDLERS).handle
    handle(contract_envelope("rooms.customer.checked_in.v1"))
    room = contract_envelope("rooms.customer.checked_in.v1")["data"]["roomNumber"]
    assert stores.checked_in_stay(room) is not None
    handle(contract_envelope("rooms.customer.checked_out.v1"))
    assert stores.checked_in_stay(room) is None
