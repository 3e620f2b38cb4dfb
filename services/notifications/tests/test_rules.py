"""Audiences and inbox records: who hears which event, and what a caller may read."""

from hotel_shared.auth import Principal
from notifications import rules


def test_event_name_drops_source_and_version():
    assert rules.event_name("rooms.room.status_changed.v1") == "room.status_changed"
    assert rules.event_name("tasks.task.assigned.v1") == "task.assigned"


def test_room_events_go_to_management_and_housekeeping():
    audiences = rules.audiences_for("rooms.room.status_changed.v1", {"roomNumber": "204"})
    assert set(audiences) == {
        "role:hotelAdmin",
        "role:frontOffice",
        "role:supervisor",
        "dept:housekeeping",
    }


def test_task_events_go_to_the_assignee_and_only_its_department():
    data = {"taskId": "T1", "department": "maintenance", "employeeId": "MT-001"}
    audiences = rules.audiences_for("tasks.task.assigned.v1", data)
    assert "employee:MT-001" in audiences
    assert "dept:maintenance" in audiences
    assert "dept:housekeeping" not in audiences
    assert "role:staff" not in audiences


def test_second_level_escalation_also_reaches_the_hotel_admin():
    first = rules.audiences_for("tasks.task.escalated.v1", {"level": 1})
    second = rules.audiences_for("tasks.task.escalated.v1", {"level": 2})
    assert first == ["role:supervisor"]
    assert set(second) == {"role:supervisor", "role:hotelAdmin"}


def test_order_events_reach_the_kitchen_and_the_guest_room():
    audiences = rules.audiences_for("fnb.order.status_changed.v1", {"roomNumber": "205"})
    assert set(audiences) == {"role:restaurantAdmin", "dept:fnb", "room:205"}


def test_a_guest_joins_only_its_role_user_and_room():
    guest = Principal("g1", "guest-205", "guest", department="fnb", room_number="205")
    assert rules.audiences_of(guest) == ["role:guest", "user:g1", "room:205"]


def test_staff_join_role_user_department_and_employee():
    tech = Principal("u2", "technician", "staff", "maintenance", "MT-001")
    assert rules.audiences_of(tech) == [
        "role:staff",
        "user:u2",
        "dept:maintenance",
        "employee:MT-001",
    ]


def test_room_status_notification_carries_erd_fields(make_envelope):
    envelope = make_envelope(
        "rooms.room.status_changed.v1",
        {
            "roomNumber": "204",
            "roomType": "Deluxe",
            "housekeepingStatus": "Clean",
            "previousHousekeepingStatus": "Dirty",
        },
    )
    record = rules.build_notification(envelope, ["role:hotelAdmin"])
    assert record["_id"] == envelope["id"]
    assert (record["oldStatus"], record["newStatus"]) == ("Dirty", "Clean")
    assert record["isRoomNotification"]
    assert not record["isTaskNotification"]
    assert record["roomType"] == "Deluxe"
    assert record["raw"] == envelope["data"]


def test_task_notification_maps_job_type_to_task_type(make_envelope):
    envelope = make_envelope(
        "tasks.task.status_changed.v1",
        {"taskId": "T1", "jobType": "plumbing", "oldStatus": "assigned", "newStatus": "paused"},
    )
    record = rules.build_notification(envelope, [])
    assert record["taskType"] == "plumbing"
    assert record["isTaskNotification"]
    assert (record["oldStatus"], record["newStatus"]) == ("assigned", "paused")
