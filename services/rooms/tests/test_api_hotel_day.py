"""A day is the hotel's day (HOTEL_TIMEZONE), never UTC's: tried at instants where they differ."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import add_room

from hotel_shared.testing import assert_problem
from rooms.app import create_app
from rooms.config import Config
from rooms.service import bookings, rooms, stays
from rooms.store import RoomsStores

# 20:00 UTC on 15 June is already 10:00 on 16 June on Kiritimati (UTC+14).
LATE_UTC = datetime(2030, 6, 15, 20, 0, tzinfo=UTC)
# 05:00 UTC on 15 June is still 18:00 on 14 June in Pago Pago (UTC-11).
EARLY_UTC = datetime(2030, 6, 15, 5, 0, tzinfo=UTC)
ZONES = {
    "Pacific/Kiritimati": (LATE_UTC, "2030-06-16", "2030-06-17"),
    "Pacific/Pago_Pago": (EARLY_UTC, "2030-06-14", "2030-06-15"),
}


@pytest.fixture(params=sorted(ZONES))
def hotel(request, service_settings, make_stores, monkeypatch):
    """The app of a hotel in a far zone, its clock stopped where its day is not UTC's."""
    instant, today, tomorrow = ZONES[request.param]
    for module in (rooms, stays, bookings):
        monkeypatch.setattr(module, "utc_now", lambda: instant)
    config = Config(service=service_settings("rooms", hotel_timezone=request.param))
    stores = make_stores(RoomsStores, config.service)
    assert instant.date().isoformat() != today
    return create_app(config).test_client(), stores, today, tomorrow, instant.date().isoformat()


def book(client, headers, room_number, first, departure):
    body = {
        "roomNumber": room_number,
        "customerName": "Ada Lovelace",
        "customerEmail": "ada@example.com",
        "checkInDate": first,
        "checkOutDate": departure,
    }
    response = client.post("/api/bookings", json=body, headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def out_of_order(client, headers, room_number):
    body = {"kind": "OutOfOrder", "reason": "leak"}
    return client.post(f"/api/rooms/{room_number}/out-of-order", json=body, headers=headers)


def test_an_arrival_on_the_hotels_today_blocks_out_of_order(hotel, callers):
    client, stores, today, tomorrow, utc_day = hotel
    add_room(stores, "204")
    add_room(stores, "205")
    book(client, callers.front_desk, "204", today, tomorrow)
    assert_problem(out_of_order(client, callers.supervisor, "204"), 409, "arrival_today")
    # An arrival on UTC's today, which is not the hotel's today, does not.
    utc_next_day = (date.fromisoformat(utc_day) + timedelta(days=1)).isoformat()
    book(client, callers.front_desk, "205", utc_day, utc_next_day)
    assert out_of_order(client, callers.supervisor, "205").status_code == 200


def test_a_walk_in_leaves_after_the_hotels_today(hotel, callers):
    client, stores, today, tomorrow, _ = hotel
    add_room(stores, "204")
    walk_in = {"name": "Walk In", "roomNumber": "204", "checkoutDate": today}
    refused = client.post("/api/customers", json=walk_in, headers=callers.front_desk)
    assert "checkoutDate" in assert_problem(refused, 422, "validation_failed")["errors"]
    walk_in["checkoutDate"] = tomorrow
    response = client.post("/api/customers", json=walk_in, headers=callers.front_desk)
    assert response.status_code == 201, response.get_data(as_text=True)
    # The arrival day of the stay is the hotel's: a departure on it is no stay at all.
    shortened = client.patch(
        f"/api/customers/{response.get_json()['id']}",
        json={"updatedCheckoutDate": today},
        headers=callers.front_desk,
    )
    assert "updatedCheckoutDate" in assert_problem(shortened, 422, "validation_failed")["errors"]


def test_availability_puts_out_of_order_on_the_hotels_days(hotel, callers):
    client, stores, today, tomorrow, _ = hotel
    add_room(stores, "204")
    assert out_of_order(client, callers.supervisor, "204").status_code == 200  # from now on

    def available(first: str, departure: str) -> list[str]:
        path = f"/api/rooms/availability?from={first}&to={departure}"
        response = client.get(path, headers=callers.front_desk)
        assert response.status_code == 200, response.get_data(as_text=True)
        return [room["roomNumber"] for room in response.get_json()["items"]]

    yesterday = "2030-06-15" if today == "2030-06-16" else "2030-06-13"
    assert available(yesterday, today) == ["204"]  # the night before the hotel's today is free
    assert available(today, tomorrow) == []
