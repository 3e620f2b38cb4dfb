"""Journeys 2 and 3 of DESIGN §1 for the tasks service, through nginx and the real broker."""

from __future__ import annotations

import uuid

from conftest import eventually

from hotel_shared.bus import BusPublisher
from hotel_shared.events import new_event
from hotel_shared.testing import assert_problem


def test_front_desk_request_is_routed_assigned_and_worked_to_completion(gateway):
    body = {
        "roomNumber": "205",
        "jobType": "plumbing",
        "priority": "high",
        "description": "no hot water in 205",
    }
    response = gateway.request("POST", "/api/requests", as_user="frontdesk", json=body)
    assert response.status_code == 201, response.text
    request = response.json()
    assert request["department"] == "maintenance"
    assert (request["task"]["status"], request["task"]["employeeId"]) == ("assigned", "MT-001")
    task_path = f"/api/tasks/{request['taskId']}"

    for status, stamp in (
        ("acknowledged", "acknowledgedAt"),
        ("in_progress", "startedAt"),
        ("completed", "completedAt"),
    ):
        moved = gateway.request(
            "PATCH", f"{task_path}/status", as_user="technician", json={"status": status}
        )
        assert moved.status_code == 200, moved.text
        seen = gateway.request("GET", task_path, as_user="frontdesk").json()
        assert seen["status"] == status
        assert seen[stamp] is not None

    mine = gateway.request("GET", "/api/tasks?assignedTo=me&status=completed", as_user="technician")
    assert request["taskId"] in [task["taskId"] for task in mine.json()["items"]]
    illegal = gateway.request(
        "PATCH", f"{task_path}/status", as_user="technician", json={"status": "paused"}
    )
    assert_problem(illegal, 409, "invalid_transition")


def test_unknown_job_type_is_refused_with_the_valid_ones(gateway):
    body = {"roomNumber": "205", "jobType": "teleport", "priority": "low"}
    response = gateway.request("POST", "/api/requests", as_user="frontdesk", json=body)
    assert "plumbing" in assert_problem(response, 422, "validation_failed")["validJobTypes"]


def test_checkout_published_twice_makes_one_departure_clean(gateway, rabbit):
    customer_id = uuid.uuid4().hex
    data = {
        "customerId": customer_id,
        "roomNumber": "103",
        "name": "Grace",
        "bookingId": uuid.uuid4().hex,
        "specialId": "S-103",
    }

    def checkout_event():
        return new_event(
            "rooms.customer.checked_out.v1",
            source="rooms",
            subject=f"customer/{customer_id}",
            data=data,
            actor=None,
            correlation_id=None,
        )

    # A checkout of another room, published after the duplicates on the same queue: once its
    # departure clean exists, the consumer has been through every duplicate before it.
    marker_room = f"M{uuid.uuid4().hex[:6]}"
    marker = new_event(
        "rooms.customer.checked_out.v1",
        source="rooms",
        subject="customer/marker",
        data={**data, "customerId": uuid.uuid4().hex, "roomNumber": marker_room},
        actor=None,
        correlation_id=None,
    )
    first = checkout_event()
    publisher = BusPublisher(rabbit.url)
    try:
        publisher.publish(first)
        publisher.publish(first)  # the same envelope redelivered
        publisher.publish(checkout_event())  # the same checkout re-published under a new id
        publisher.publish(marker)
    finally:
        publisher.close()

    def cleaning_tasks(room="103"):
        response = gateway.request("GET", f"/api/tasks?room={room}", as_user="supervisor")
        return [task for task in response.json()["items"] if task["type"] == "cleaning"]

    def marker_cleaned():
        """the departure clean of the marker checkout, published after the duplicates"""
        return cleaning_tasks(marker_room)

    eventually(marker_cleaned)
    high = [task for task in cleaning_tasks() if task["priority"] == "high"]
    # A cleaning task from an earlier hand-set Dirty is upgraded to the departure clean, never
    # doubled: room 103 has exactly one, and it is the departure clean.
    assert len(cleaning_tasks()) == 1
    assert len(high) == 1
    assert high[0]["employeeId"] == "HK-001"


def test_a_room_failed_on_inspection_goes_back_to_the_housekeeper_who_cleaned_it(gateway):
    """Issue 15: the supervisor fails a room (Clean → Pickup, with a reason); its re-clean is
    assigned to the attendant who completed its last clean, and completing it makes it Clean."""
    room = f"R{uuid.uuid4().hex[:6]}"
    created = gateway.request(
        "POST",
        "/api/rooms",
        as_user="admin",
        json={
            "roomNumber": room,
            "roomType": "Standard",
            "price": 119,
            "capacity": 2,
            "floor": 9,
            "housekeepingStatus": "Inspected",
        },
    )
    assert created.status_code == 201, created.text

    def set_status(status: str, **extra):
        body = {"housekeepingStatus": status, **extra}
        moved = gateway.request(
            "PATCH", f"/api/rooms/{room}/status", as_user="supervisor", json=body
        )
        assert moved.status_code == 200, moved.text

    def housekeeping_status() -> str:
        return gateway.request("GET", f"/api/rooms/{room}", as_user="supervisor").json()[
            "housekeepingStatus"
        ]

    def open_clean(reclean: bool):
        response = gateway.request("GET", f"/api/tasks?room={room}", as_user="supervisor")
        return next(
            (
                task
                for task in response.json()["items"]
                if task["type"] == "cleaning"
                and task["status"] == "assigned"
                and task["reclean"] is reclean
            ),
            None,
        )

    def work_through(task: dict) -> None:
        for status in ("acknowledged", "in_progress", "completed"):
            moved = gateway.request(
                "PATCH",
                f"/api/tasks/{task['taskId']}/status",
                as_user="housekeeper",
                json={"status": status},
            )
            assert moved.status_code == 200, moved.text

    def room_is_clean():
        """rooms set the room Clean after its cleaning task was completed"""
        return housekeeping_status() == "Clean"

    # The housekeeper cleans the room: it was set Dirty, its cleaning task is theirs.
    set_status("Dirty")
    clean = eventually(lambda: open_clean(reclean=False))
    if clean["employeeId"] != "HK-001":
        assigned = gateway.request(
            "POST",
            f"/api/tasks/{clean['taskId']}/assign",
            as_user="supervisor",
            json={"employeeId": "HK-001"},
        )
        assert assigned.status_code == 200, assigned.text
        clean = assigned.json()
    work_through(clean)
    eventually(room_is_clean)

    # A colleague comes on duty with nothing to do: auto-assignment would now choose them.
    rival = f"HK-{uuid.uuid4().hex[:6].upper()}"
    joined = gateway.request(
        "POST",
        "/api/employees",
        as_user="admin",
        json={
            "employeeCode": rival,
            "name": "Rita Rival",
            "role": "staff",
            "department": "housekeeping",
            "jobTitle": "Room Attendant",
            "onDuty": True,
        },
    )
    assert joined.status_code == 201, joined.text
    try:
        set_status("Pickup", reason="Hair in the shower")
        reclean = eventually(lambda: open_clean(reclean=True))
        assert reclean["employeeId"] == "HK-001"
        assert reclean["priority"] == "high"
        assert reclean["description"] == "Re-clean after inspection: Hair in the shower"
        assert reclean["failedInspection"]["reason"] == "Hair in the shower"
        assert reclean["failedInspection"]["by"] == "supervisor"
        mine = gateway.request("GET", "/api/tasks?assignedTo=me", as_user="housekeeper").json()
        assert reclean["taskId"] in [task["taskId"] for task in mine["items"]]

        # The re-clean done, rooms sets the Pickup room Clean, ready for the next inspection.
        work_through(reclean)
        eventually(room_is_clean)
    finally:
        gateway.request("PATCH", f"/api/employees/{rival}", as_user="admin", json={"onDuty": False})
