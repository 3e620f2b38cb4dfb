"""rooms keeps its promises: its events match contracts/events; it reads tasks' events."""

from datetime import UTC, datetime, timedelta

from conftest import add_room, outbox_entries

from hotel_shared.testing import assert_matches_contract
from rooms.handlers import bind_handlers


def published(store, event_type):
    [entry] = outbox_entries(store, event_type)
    return entry["envelope"]["data"]


def test_status_change_payload_matches_its_contract(client, callers, store):
    add_room(store, "204")
    response = client.patch(
        "/api/rooms/204/status", json={"housekeepingStatus": "Dirty"}, headers=callers.housekeeper
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert_matches_contract(
        "rooms.room.status_changed.v1", published(store, "rooms.room.status_changed.v1")
    )


def test_front_office_payloads_match_their_contracts(client, callers, store):
    add_room(store, "204")
    today = datetime.now(UTC).date()
    booking = client.post(
        "/api/bookings",
        json={
            "roomNumber": "204",
            "customerName": "Ada Lovelace",
            "customerEmail": "ada@example.org",
            "checkInDate": today.isoformat(),
            "checkOutDate": (today + timedelta(days=2)).isoformat(),
        },
        headers=callers.front_desk,
    ).get_json()
    stay = client.post(
        "/api/customers", json={"bookingId": booking["id"]}, headers=callers.front_desk
    ).get_json()
    client.post(f"/api/customers/{stay['id']}/checkout", headers=callers.front_desk)
    client.post(
        "/api/contact-messages",
        json={"name": "Ada", "roomNumber": "204", "message": "Extra towels, please"},
        headers=callers.front_desk,
    )
    for event_type in (
        "rooms.booking.created.v1",
        "rooms.customer.checked_in.v1",
        "rooms.customer.checked_out.v1",
        "rooms.contact_message.created.v1",
    ):
        assert_matches_contract(event_type, published(store, event_type))


def test_tasks_completed_contract_marks_a_dirty_room_clean(store, contract_envelope):
    add_room(store, "205", housekeepingStatus="Dirty")
    handle = bind_handlers(store)["tasks.task.completed.v1"]
    handle(contract_envelope("tasks.task.completed.v1", roomNumber="205", jobType="cleaning"))
    assert store.get("205")["housekeepingStatus"] == "Clean"
