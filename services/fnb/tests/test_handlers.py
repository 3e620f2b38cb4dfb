"""Rooms' stays in fnb: a check-in opens a room's cart, a check-out closes it and clears it."""

from __future__ import annotations

from conftest import fill_cart

from fnb.handlers import HANDLERS
from hotel_shared.inbox import bind_handlers
from hotel_shared.testing import assert_problem

ROOM = "208"


def test_a_check_in_lets_the_room_order_and_a_check_out_clears_its_cart(
    client, callers, menu, stores, make_envelope
):
    handle = bind_handlers(stores, HANDLERS).handle
    stay = {"customerId": "c-208", "roomNumber": ROOM, "bookingId": "b-208", "name": "Grace"}
    guest = callers.guest_headers(ROOM)
    assert_problem(client.get(f"/api/carts/{ROOM}", headers=guest), 409, "room_not_occupied")
    handle(make_envelope("rooms.customer.checked_in.v1", stay))
    fill_cart(client, guest, ROOM, ("food", menu["Cappuccino"]["_id"], 2))
    handle(make_envelope("rooms.customer.checked_out.v1", stay))
    assert stores.get_cart(ROOM) is None
    assert_problem(client.get(f"/api/carts/{ROOM}", headers=guest), 409, "room_not_occupied")


def test_a_late_check_in_after_its_check_out_keeps_the_room_closed(stores, make_envelope):
    handle = bind_handlers(stores, HANDLERS).handle
    stay = {"customerId": "c-209", "roomNumber": "209", "bookingId": None, "name": "Alan"}
    handle(make_envelope("rooms.customer.checked_out.v1", stay))
    handle(make_envelope("rooms.customer.checked_in.v1", stay))
    assert stores.checked_in_stay("209") is None


def test_a_redelivered_check_in_is_applied_once(stores, make_envelope):
    handle = bind_handlers(stores, HANDLERS).handle
    stay = {"customerId": "c-210", "roomNumber": "210", "bookingId": None, "name": "Edsger"}
    envelope = make_envelope("rooms.customer.checked_in.v1", stay)
    handle(envelope)
    handle(envelope)
    assert stores.stays.count_documents({"roomNumber": "210"}) == 1
