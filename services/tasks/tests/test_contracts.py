"""tasks keeps its promises: its events match contracts/events, and it reads rooms' events."""

from conftest import outbox_events

from hotel_shared.testing import assert_matches_contract
from tasks.handlers import bind_handlers

HOT_WATER = {"roomNumber": "205", "jobType": "plumbing", "priority": "high", "description": "cold"}


def test_task_payloads_match_their_contracts(client, callers, stores):
    response = client.post("/api/requests", json=HOT_WATER, headers=callers.front_desk)
    assert response.status_code == 201, response.get_data(as_text=True)
    task_id = response.get_json()["taskId"]
    for status in ("acknowledged", "in_progress", "completed"):
        moved = client.patch(
            f"/api/tasks/{task_id}/status", json={"status": status}, headers=callers.technician
        )
        assert moved.status_code == 200, moved.get_data(as_text=True)
    for event_type in (
        "tasks.request.created.v1",
        "tasks.task.assigned.v1",
        "tasks.task.status_changed.v1",
        "tasks.task.completed.v1",
    ):
        envelopes = outbox_events(stores, event_type)
        assert envelopes, f"no {event_type} was published"
        for envelope in envelopes:
            assert_matches_contract(event_type, envelope["data"])


def test_rooms_checkout_contract_makes_a_departure_clean(stores, contract_envelope):
    handle = bind_handlers(stores)["rooms.customer.checked_out.v1"]
    handle(contract_envelope("rooms.customer.checked_out.v1", roomNumber="204"))
    [task] = list(stores.tasks.find({"room": "204"}))
    assert (task["type"], task["priority"]) == ("cleaning", "high")


def test_rooms_status_contract_set_dirty_by_hand_makes_a_cleaning_task(stores, contract_envelope):
    handle = bind_handlers(stores)["rooms.room.status_changed.v1"]
    handle(contract_envelope("rooms.room.status_changed.v1", roomNumber="206"))
    [task] = list(stores.tasks.find({"room": "206"}))
    assert task["type"] == "cleaning"
