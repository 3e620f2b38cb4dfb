"""Reactions to rooms' events through the bound HANDLERS, each delivery applied once."""

from __future__ import annotations

import pytest
from conftest import add_staff, outbox_events

from hotel_shared.inbox import bind_handlers
from hotel_shared.testing import load_contract
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


# --- a failed inspection: the re-clean goes back to who cleaned the room ------------------------

INSPECTOR = {"userId": "u-supervisor", "username": "supervisor", "role": "supervisor"}


def inspection_failed(room: str, reason: str | None = None, old: str = "Clean") -> dict:
    """rooms.room.status_changed.v1 as the contract shows it, for a supervisor's Fail: the room
    goes from `old` to Pickup, with the reason they gave (null when none)."""
    data = {
        **load_contract(STATUS_CHANGED)["data"],
        "roomNumber": room,
        "housekeepingStatus": "Pickup",
        "previousHousekeepingStatus": old,
        "reason": reason,
        "changes": [{"field": "housekeepingStatus", "oldValue": old, "newValue": "Pickup"}],
    }
    return data


@pytest.fixture
def cleaned_by(stores, handle, make_envelope, client, callers):
    """The room set Dirty and its clean worked to completion by `employee_code`."""

    def clean(room: str, employee_code: str) -> dict:
        handle(make_envelope(STATUS_CHANGED, status_changed(room, "Inspected", "Dirty")))
        task = stores.tasks.find_one({"room": room, "type": "cleaning", "status": "assigned"})
        path = f"/api/tasks/{task['taskId']}"
        if task["employeeId"] != employee_code:
            moved = client.post(
                f"{path}/assign", json={"employeeId": employee_code}, headers=callers.supervisor
            )
            assert moved.status_code == 200, moved.get_json()
        for status in ("acknowledged", "in_progress", "completed"):
            moved = client.patch(
                f"{path}/status", json={"status": status}, headers=callers.supervisor
            )
            assert moved.status_code == 200, moved.get_json()
        return stores.tasks.find_one({"taskId": task["taskId"]})

    return clean


def recleans(stores, room: str) -> list[dict]:
    return list(stores.tasks.find({"room": room, "reclean": True}))


def test_a_failed_inspection_sends_a_re_clean_back_to_the_attendant_who_cleaned_the_room(
    stores, handle, make_envelope, cleaned_by, client, callers
):
    add_staff(stores, "HK-002", "housekeeping")
    cleaned_by("204", "HK-002")
    # Busier than HK-001 now: the re-clean still goes back to who cleaned the room.
    stores.employees.update_one({"employeeCode": "HK-002"}, {"$set": {"openTasks": 3}})
    envelope = make_envelope(
        STATUS_CHANGED, inspection_failed("204", "hair in the shower"), actor=INSPECTOR
    )
    handle(envelope)

    [task] = recleans(stores, "204")
    assert (task["type"], task["priority"], task["status"]) == ("cleaning", "high", "assigned")
    assert task["employeeId"] == "HK-002"
    assert task["description"] == "Re-clean after inspection: hair in the shower"
    shown = client.get(f"/api/tasks/{task['taskId']}", headers=callers.housekeeper).get_json()
    assert shown["reclean"] is True
    assert shown["failedInspection"] == {
        "reason": "hair in the shower",
        "by": "supervisor",
        "at": envelope["time"],
    }
    [assigned] = [
        e
        for e in outbox_events(stores, "tasks.task.assigned.v1")
        if e["data"]["taskId"] == task["taskId"]
    ]
    assert (assigned["data"]["employeeId"], assigned["actor"]) == ("HK-002", INSPECTOR)


def test_a_redelivered_or_repeated_fail_gives_one_re_clean_while_it_is_open(
    stores, handle, make_envelope, cleaned_by
):
    cleaned_by("204", "HK-001")
    envelope = make_envelope(STATUS_CHANGED, inspection_failed("204", "dust"), actor=INSPECTOR)
    handle(envelope)
    handle(envelope)  # redelivery of the same message
    again = inspection_failed("204", "still dusty", old="Inspected")
    handle(make_envelope(STATUS_CHANGED, again, actor=INSPECTOR))
    [task] = recleans(stores, "204")
    assert task["failedInspection"]["reason"] == "dust"
    assert stores.tasks.count_documents({"room": "204", "status": {"$ne": "completed"}}) == 1


@pytest.mark.parametrize(
    "since", [{"onDuty": False}, {"department": "maintenance"}], ids=["off duty", "moved"]
)
def test_a_re_clean_goes_to_a_colleague_when_the_attendant_is_off_duty_or_moved(
    stores, handle, make_envelope, cleaned_by, since
):
    add_staff(stores, "HK-002", "housekeeping")
    cleaned_by("204", "HK-002")
    stores.employees.update_one({"employeeCode": "HK-002"}, {"$set": since})
    handle(make_envelope(STATUS_CHANGED, inspection_failed("204", "dust"), actor=INSPECTOR))
    [task] = recleans(stores, "204")
    assert (task["status"], task["employeeId"]) == ("assigned", "HK-001")


def test_a_re_clean_with_nobody_on_duty_waits_in_the_pool(
    stores, handle, make_envelope, cleaned_by
):
    cleaned_by("204", "HK-001")
    stores.employees.update_one({"employeeCode": "HK-001"}, {"$set": {"onDuty": False}})
    data = inspection_failed("204")
    del data["reason"]  # an event from before rooms carried the reason: it is optional
    handle(make_envelope(STATUS_CHANGED, data, actor=INSPECTOR))
    [task] = recleans(stores, "204")
    assert (task["status"], task["employeeId"]) == ("pending", None)
    assert task["description"] == "Re-clean after inspection"
    assert task["failedInspection"]["reason"] is None
    assert task["failedInspection"]["by"] == "supervisor"
    unassigned = outbox_events(stores, "tasks.task.unassigned.v1")
    assert [e["data"]["taskId"] for e in unassigned] == [task["taskId"]]


def test_a_room_never_cleaned_through_a_task_gets_its_re_clean_auto_assigned(
    stores, handle, make_envelope
):
    handle(make_envelope(STATUS_CHANGED, inspection_failed("305", "towels"), actor=INSPECTOR))
    [task] = recleans(stores, "305")
    assert (task["status"], task["employeeId"]) == ("assigned", "HK-001")


def test_an_attendants_own_pickup_or_the_pmss_is_no_failed_inspection(
    stores, handle, make_envelope
):
    attendant = {"userId": "u-hk", "username": "housekeeper", "role": "staff"}
    handle(make_envelope(STATUS_CHANGED, inspection_failed("307", "touch-up"), actor=attendant))
    handle(make_envelope(STATUS_CHANGED, inspection_failed("308")))  # the PMS: no actor
    assert stores.tasks.count_documents({"room": {"$in": ["307", "308"]}}) == 0


def test_a_dirty_room_going_to_pickup_is_no_failed_inspection(stores, handle, make_envelope):
    handle(make_envelope(STATUS_CHANGED, inspection_failed("306", old="Dirty")))
    assert stores.tasks.count_documents({"room": "306"}) == 0


def test_a_completed_re_clean_tells_rooms_the_room_is_cleaned(
    stores, handle, make_envelope, client, callers
):
    handle(make_envelope(STATUS_CHANGED, inspection_failed("204", "dust"), actor=INSPECTOR))
    [task] = recleans(stores, "204")
    for status in ("acknowledged", "in_progress", "completed"):
        moved = client.patch(
            f"/api/tasks/{task['taskId']}/status",
            json={"status": status},
            headers=callers.housekeeper,
        )
        assert moved.status_code == 200, moved.get_json()
    # What rooms' on_task_completed reads to set a Pickup room Clean.
    [completed] = outbox_events(stores, "tasks.task.completed.v1")
    assert (completed["data"]["jobType"], completed["data"]["roomNumber"]) == ("cleaning", "204")
