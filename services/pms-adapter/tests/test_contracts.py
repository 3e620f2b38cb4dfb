"""The adapter keeps its promises: its events match contracts/events, and it reads the events it
consumes in the shape their producers publish."""

from __future__ import annotations

import pytest
from conftest import control, outbox_events

from hotel_shared.inbox import bind_handlers
from hotel_shared.testing import assert_has_contract, assert_matches_contract, consumed_event_types
from pms_adapter import events
from pms_adapter.handlers import HANDLERS


@pytest.mark.parametrize("event_type", consumed_event_types(HANDLERS))
def test_every_consumed_event_has_an_example_the_handler_accepts(
    event_type, stores, contract_envelope
):
    assert_has_contract(event_type)
    bind_handlers(stores, HANDLERS).handle(contract_envelope(event_type))


def test_the_contract_examples_become_pms_work(stores, contract_envelope):
    bound = bind_handlers(stores, HANDLERS)
    bound.handle(contract_envelope(events.ROOM_STATUS_CHANGED_OURS))
    bound.handle(contract_envelope(events.BILL_CREATED))
    room = stores.find_outbox("room:201")
    assert (room["desired"]["housekeepingStatus"], room["version"]) == ("Dirty", 2)
    bill = stores.find_outbox("charge:65f0c1e2a1b2c3d4e5f60b01")
    assert (bill["bill"]["totalPrice"], bill["bill"]["roomNumber"]) == ("57.00", "204")


def test_every_published_event_matches_its_contract(opera, sync, stores):
    sync.poll_once()
    control(opera, "PUT", "rooms/103", json={"housekeepingRoomStatus": "Dirty"})
    sync.poll_once()
    for event_type in (events.RESERVATION_IMPORTED, events.ROOM_STATUS_CHANGED):
        envelopes = outbox_events(stores, event_type)
        assert envelopes, f"no {event_type} was published"
        for envelope in envelopes:
            assert_matches_contract(event_type, envelope["data"])
            assert envelope["source"] == "pms"
