"""tasks keeps its promises: its events match contracts/events, and it reads rooms' events."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import outbox_events

from hotel_shared.inbox import bind_handlers
from hotel_shared.principal import Context
from hotel_shared.testing import assert_has_contract, assert_matches_contract, consumed_event_types
from tasks import events, service
from tasks.handlers import HANDLERS

HOT_WATER = {"roomNumber": "205", "jobType": "plumbing", "priority": "high", "description": "cold"}
PUBLISHED = (
    events.REQUEST_CREATED,
    events.TASK_ASSIGNED,
    events.TASK_UNASSIGNED,
    events.TASK_STATUS_CHANGED,
    events.TASK_COMPLETED,
    events.TASK_ESCALATED,
    events.TASK_UPDATED,
)


@pytest.mark.parametrize("event_type", consumed_event_types(HANDLERS))
def test_every_consumed_event_has_an_example_the_handler_accepts(
    event_type, stores, contract_envelope
):
    assert_has_contract(event_type)
    bind_handlers(stores, HANDLERS).handle(contract_envelope(event_type))


def test_every_published_event_matches_its_contract(client, callers, stores):
    # Nobody on duty in maintenance: the request is unassigned, then assigned when MT-001 comes.
    stores.employees.update_one({"employeeCode": "MT-001"}, {"$set": {"onDuty": False}})
    response = client.post("/api/requests", json=HOT_WATER, headers=callers.front_desk)
    assert response.status_code == 201, response.get_data(as_text=True)
    task_id = response.get_json()["taskId"]
    duty = client.patch("/api/employees/MT-001", json={"onDuty": True}, headers=callers.technician)
    assert duty.status_code == 200, duty.get_data(as_text=True)
    late = stores.get_task(task_id)["createdAt"] + timedelta(minutes=16)
    assert service.escalate_due_tasks(stores, Context(), late) == 1
    urgent = client.patch(
        f"/api/tasks/{task_id}", json={"priority": "urgent"}, headers=callers.admin
    )
    assert urgent.status_code == 200, urgent.get_data(as_text=True)
    for status in ("acknowledged", "in_progress", "completed"):
        moved = client.patch(
            f"/api/tasks/{task_id}/status", json={"status": status}, headers=callers.technician
        )
        assert moved.status_code == 200, moved.get_data(as_text=True)
    for event_type in PUBLISHED:
        envelopes = outbox_events(stores, event_type)
        assert envelopes, f"no {event_type} was published"
        for envelope in envelopes:
            assert envelope["subject"] == f"task/{task_id}"
            assert_matches_contract(event_type, envelope["data"])


def test_status_changed_lists_the_status_move_in_changes(client, callers, stores):
    response = client.post("/api/requests", json=HOT_WATER, headers=callers.front_desk)
    task_id = response.get_json()["taskId"]
    client.patch(
        f"/api/tasks/{task_id}/status", json={"status": "acknowledged"}, headers=callers.technician
    )
    moves = [e["data"] for e in outbox_events(stores, events.TASK_STATUS_CHANGED)]
    assert [(m["oldStatus"], m["newStatus"]) for m in moves] == [
        ("pending", "assigned"),
        ("assigned", "acknowledged"),
    ]
    for move in moves:
        assert move["changes"] == [
            {"field": "status", "oldValue": move["oldStatus"], "newValue": move["newStatus"]}
        ]


def test_rooms_checkout_contract_makes_a_departure_clean(stores, contract_envelope):
    handle = bind_handlers(stores, HANDLERS).handle
    handle(contract_envelope("rooms.customer.checked_out.v1", roomNumber="204"))
    [task] = list(stores.tasks.find({"room": "204"}))
    assert (task["type"], task["priority"]) == ("cleaning", "high")


def test_rooms_status_contract_set_dirty_by_hand_makes_a_cleaning_task(stores, contract_envelope):
    handle = bind_handlers(stores, HANDLERS).handle
    handle(contract_envelope("rooms.room.status_changed.v1", roomNumber="206"))
    [task] = list(stores.tasks.find({"room": "206"}))
    assert task["type"] == "cleaning"
