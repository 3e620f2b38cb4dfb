"""notifications reads every event it handles as its producer publishes it (contracts/events)."""

from __future__ import annotations

import pytest

from hotel_shared.inbox import bind_handlers
from hotel_shared.revocations import ACCESS_REVOKED
from hotel_shared.testing import assert_has_contract, consumed_event_types, load_contract
from notifications.handlers import make_handlers


def ignore_pushes(event, payload, audiences):
    """The contract checks look at the inbox; the Socket.IO push is test_delivery's."""


CONSUMED = consumed_event_types(make_handlers(ignore_pushes))
NOTIFIED = [event_type for event_type in CONSUMED if event_type != ACCESS_REVOKED]


@pytest.fixture
def handle(stores):
    return bind_handlers(stores, make_handlers(ignore_pushes)).handle


def test_every_handled_event_type_has_an_example():
    for event_type in CONSUMED:
        assert_has_contract(event_type)


@pytest.mark.parametrize("event_type", NOTIFIED)
def test_every_notified_event_has_an_example_that_is_stored_for_an_audience(
    event_type, handle, stores, contract_envelope
):
    assert_has_contract(event_type)
    envelope = contract_envelope(event_type)
    handle(envelope)
    stored = stores.notifications.find_one({"_id": envelope["id"]})
    assert stored["audiences"], f"{event_type} reached nobody"
    example = load_contract(event_type)["data"]
    assert stored["raw"] == example
    assert stored["roomNumber"] == example.get("roomNumber")


def test_task_contract_reaches_the_assignee_and_department(handle, stores, contract_envelope):
    envelope = contract_envelope("tasks.task.assigned.v1")
    handle(envelope)
    example = load_contract("tasks.task.assigned.v1")["data"]
    stored = stores.notifications.find_one({"_id": envelope["id"]})
    assert f"employee:{example['employeeId']}" in stored["audiences"]
    assert f"dept:{example['department']}" in stored["audiences"]
    assert stored["taskId"] == example["taskId"]
    assert stored["isTaskNotification"] is True


@pytest.mark.parametrize(
    ("event_type", "field"),
    [
        ("rooms.room.status_changed.v1", "housekeepingStatus"),
        ("tasks.task.status_changed.v1", "status"),
        ("fnb.order.status_changed.v1", "status"),
    ],
)
def test_a_status_change_is_read_from_the_examples_changes(
    event_type, field, handle, stores, contract_envelope
):
    envelope = contract_envelope(event_type)
    handle(envelope)
    [moved] = [c for c in load_contract(event_type)["data"]["changes"] if c["field"] == field]
    stored = stores.notifications.find_one({"_id": envelope["id"]})
    assert (stored["oldStatus"], stored["newStatus"]) == (moved["oldValue"], moved["newValue"])


def test_an_order_for_a_room_reaches_that_rooms_guest(handle, stores, contract_envelope):
    envelope = contract_envelope("fnb.order.placed.v1")
    handle(envelope)
    room = load_contract("fnb.order.placed.v1")["data"]["roomNumber"]
    assert f"room:{room}" in stores.notifications.find_one({"_id": envelope["id"]})["audiences"]


def test_the_revocation_example_is_kept_not_notified(handle, stores, contract_envelope):
    envelope = contract_envelope(ACCESS_REVOKED)
    handle(envelope)
    example = load_contract(ACCESS_REVOKED)["data"]
    assert stores.db.revoked_access.find_one({"_id": example["subjectId"]}) is not None
    assert stores.notifications.count_documents({}) == 0
