"""Reactions to rooms' events through the bound HANDLERS, each delivery applied once."""

from __future__ import annotations

import pytest
from conftest import add_staff, outbox_events

from hotel_shared.inbox import bind_handlers
from tasks.handlers import HANDLERS

CHECKED_OUT = "rooms.customer.checked_out.v1"
STATUS_CHANGED = "rooms.room.status_changed.v1"


@pytest.fixture
def handle(stores):
    return bind_handlers(stores, HANDLERS).handle


def status_changed(room: str, old: str, new: str) -> dict:
    """What rooms publishes when a room's housekeeping status moves from `old` to `new`."""
    return {
        "roomNumber": room,
        "housekeepingStatus": new,
        "changes": [{"field": "housekeepingStatus", "oldValue": old, "newValue": new}],
    }


def test_checkout_delivered_twice_creates_one_departure_clean(stores, handle, make_envelope):
    data = {
        "customerId": "c-1",
        "roomNumber": "204",
        "name": "Ada",
        "bookingId": "b-1",
        "specialId": "S1",
    }
    envelope = make_envelope(CHECKED_OUT, data, subject="customer/c-1")
    handle(envelope)
    handle(envelope)  # redelivery of the same message
    handle(make_envelope(CHECKED_OUT, data, subject="customer/c-1"))  # re-published checkout
    tasks = list(stores.tasks.find({"room": "204"}))
    assert len(tasks) == 1
    assert (tasks[0]["type"], tasks[0]["priority"]) == ("cleaning", "high")
    assert tasks[0]["employeeId"] == "HK-001"
    assert tasks[0]["description"] == "Departure clean after Ada checked out"


def test_events_of_a_reaction_carry_on_the_upstream_actor_and_correlation(
    stores, handle, make_envelope
):
    actor = {"userId": "u-frontdesk", "username": "frontdesk", "role": "frontOffice"}
    data = {"customerId": "c-9", "roomNumber": "204", "name": "Ada"}
    handle(make_envelope(CHECKED_OUT, data, actor=actor, correlation_id="req-42"))
    [created] = outbox_events(stores, "tasks.request.created.v1")
    assert (created["actor"], created["correlationId"]) == (actor, "req-42")


def test_dirty_status_and_checkout_give_one_open_cleaning_task(stores, handle, make_envelope):
    handle(make_envelope(STATUS_CHANGED, status_changed("204", "Inspected", "Dirty")))
    handle(make_envelope(CHECKED_OUT, {"customerId": "c-2", "roomNumber": "204", "name": "Bo"}))
    [task] = list(stores.tasks.find({"room": "204"}))
    assert task["priority"] == "high"
    assert task["dedupeKey"] == "checkout:c-2"


def test_room_set_dirty_by_hand_gets_a_cleaning_task_unless_one_is_open(
    stores, handle, make_envelope
):
    handle(make_envelope(STATUS_CHANGED, status_changed("110", "Clean", "Dirty")))
    handle(make_envelope(STATUS_CHANGED, status_changed("110", "Clean", "Dirty")))
    handle(make_envelope(STATUS_CHANGED, status_changed("110", "Dirty", "Clean")))
    [task] = list(stores.tasks.find({"room": "110"}))
    assert (task["type"], task["priority"], task["status"]) == ("cleaning", "normal", "assigned")


def test_a_room_event_where_housekeeping_did_not_move_makes_no_task(stores, handle, make_envelope):
    # Still Dirty, but only the front-office status moved: no new dirtying, no task.
    data = {
        "roomNumber": "111",
        "housekeepingStatus": "Dirty",
        "previousHousekeepingStatus": "Clean",
        "changes": [{"field": "frontOfficeStatus", "oldValue": "Occupied", "newValue": "Vacant"}],
    }
    handle(make_envelope(STATUS_CHANGED, data))
    assert stores.tasks.count_documents({"room": "111"}) == 0


DEACTIVATED = "auth.user.deactivated.v1"
UPDATED = "auth.user.updated.v1"


def account(code: str, active: bool) -> dict:
    return {
        "userId": "u-1",
        "username": "hk2",
        "role": "staff",
        "employeeCode": code,
        "active": active,
    }


def test_a_deactivated_account_leaves_duty_and_hands_back_every_open_task(
    stores, handle, make_envelope
):
    add_staff(stores, "HK-002", "housekeeping")
    stores.employees.update_one({"employeeCode": "HK-001"}, {"$set": {"onDuty": False}})
    handle(make_envelope(STATUS_CHANGED, status_changed("204", "Inspected", "Dirty")))
    [task] = stores.tasks.find({"room": "204"})
    assert task["employeeId"] == "HK-002"
    stores.tasks.update_one({"_id": task["_id"]}, {"$set": {"status": "in_progress"}})

    envelope = make_envelope(DEACTIVATED, account("HK-002", active=False), subject="user/u-1")
    handle(envelope)
    handle(envelope)  # redelivered: applied once

    employee = stores.employees.find_one({"employeeCode": "HK-002"})
    assert (employee["onDuty"], employee["active"]) == (False, False)
    task = stores.tasks.find_one({"room": "204"})
    # Nobody else on duty in housekeeping: the task waits in the pool, visible as such.
    assert (task["status"], task["employeeId"]) == ("pending", None)
    assert outbox_events(stores, "tasks.task.unassigned.v1")


def test_a_deactivated_person_cannot_be_put_back_on_duty_until_reactivated(
    stores, handle, make_envelope, client, callers
):
    add_staff(stores, "HK-002", "housekeeping")
    handle(make_envelope(DEACTIVATED, account("HK-002", active=False)))
    refused = client.patch("/api/employees/HK-002", json={"onDuty": True}, headers=callers.admin)
    assert refused.status_code == 409
    assert refused.get_json()["code"] == "employee_inactive"

    reactivated = {
        **account("HK-002", active=True),
        "changes": [{"field": "active", "oldValue": False, "newValue": True}],
    }
    handle(make_envelope(UPDATED, reactivated))
    employee = stores.employees.find_one({"employeeCode": "HK-002"})
    assert (employee["onDuty"], employee["active"]) == (False, True)  # back, but not on duty
    assert (
        client.patch(
            "/api/employees/HK-002", json={"onDuty": True}, headers=callers.admin
        ).status_code
        == 200
    )


def test_a_role_or_name_change_leaves_the_roster_alone(stores, handle, make_envelope):
    add_staff(stores, "HK-002", "housekeeping")
    renamed = {
        **account("HK-002", active=True),
        "changes": [{"field": "name", "oldValue": "A", "newValue": "B"}],
    }
    handle(make_envelope(UPDATED, renamed))
    assert stores.employees.find_one({"employeeCode": "HK-002"})["onDuty"] is True
