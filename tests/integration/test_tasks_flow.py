"""Journeys 2 and 3 of DESIGN §1 for the tasks service, through nginx and the real broker."""

from __future__ import annotations

import time
import uuid

from conftest import assert_problem, eventually

from hotel_shared.bus import BusPublisher
from hotel_shared.events import new_event


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

    first = checkout_event()
    publisher = BusPublisher(rabbit.url)
    try:
        publisher.publish(first)
        publisher.publish(first)  # the same envelope redelivered
        publisher.publish(checkout_event())  # the same checkout re-published under a new id
    finally:
        publisher.close()

    def cleaning_tasks():
        response = gateway.request("GET", "/api/tasks?room=103", as_user="supervisor")
        return [task for task in response.json()["items"] if task["type"] == "cleaning"]

    def departure_clean():
        """a high-priority cleaning task for room 103 (the departure clean)"""
        return [task for task in cleaning_tasks() if task["priority"] == "high"]

    # Wait for the checkout itself: a cleaning task from an earlier hand-set Dirty would be
    # upgraded to the departure clean, never doubled.
    [task] = eventually(departure_clean)
    assert len(cleaning_tasks()) == 1
    assert task["employeeId"] == "HK-001"
    # Give the later deliveries time to arrive: they must not add a second task.
    probe = gateway.request(
        "POST", "/api/requests", as_user="frontdesk", json={"roomNumber": "103", "jobType": "linen"}
    )
    assert probe.status_code == 201
    eventually(
        lambda: (
            len(gateway.request("GET", "/api/tasks?room=103", as_user="supervisor").json()["items"])
            >= 2
        )
    )
    time.sleep(2)  # the duplicates were published first; they are consumed by now
    assert len(cleaning_tasks()) == 1
