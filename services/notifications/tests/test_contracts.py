"""notifications reads every event it binds as its producer publishes it (contracts/events)."""

from __future__ import annotations

import pytest

from hotel_shared.testing import load_contract

CONSUMED = [
    "rooms.room.status_changed.v1",
    "rooms.customer.checked_in.v1",
    "rooms.customer.checked_out.v1",
    "rooms.booking.created.v1",
    "rooms.contact_message.created.v1",
    "tasks.request.created.v1",
    "tasks.task.assigned.v1",
    "tasks.task.status_changed.v1",
    "tasks.task.completed.v1",
]


@pytest.mark.parametrize("event_type", CONSUMED)
def test_contract_example_is_stored_for_an_audience(event_type, deliver, store, contract_envelope):
    envelope = contract_envelope(event_type)
    deliver(envelope)
    [stored] = list(store.notifications.find({"_id": envelope["id"]}))
    assert stored["audiences"], f"{event_type} reached nobody"
    assert stored["roomNumber"] == load_contract(event_type)["data"]["roomNumber"]


def test_task_contract_reaches_the_assignee_and_department(deliver, store, contract_envelope):
    envelope = contract_envelope("tasks.task.assigned.v1")
    deliver(envelope)
    example = load_contract("tasks.task.assigned.v1")["data"]
    [stored] = list(store.notifications.find({"_id": envelope["id"]}))
    assert f"employee:{example['employeeId']}" in stored["audiences"]
    assert f"dept:{example['department']}" in stored["audiences"]
    assert stored["taskId"] == example["taskId"]
    assert stored["isTaskNotification"] is True
