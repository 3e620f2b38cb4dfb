"""Audiences and inbox records: who hears which event, and what a caller may read (no I/O)."""

from datetime import UTC, datetime, timedelta

import pytest

from hotel_shared.principal import Principal
from notifications.rules import alerts as alert_rules
from notifications.rules import inbox

T0 = datetime(2025, 5, 1, 9, 30, 12, 345000, tzinfo=UTC)


def record(event_type, data, changes=(), **kwargs):
    return inbox.build_notification(
        event_id=kwargs.get("event_id", "e1"),
        event_type=event_type,
        time=T0,
        data=data,
        changes=list(changes),
        created_at=kwargs.get("created_at", T0 + timedelta(milliseconds=15)),
    )


def test_event_name_drops_source_and_version():
    assert inbox.event_name("rooms.room.status_changed.v1") == "room.status_changed"
    assert inbox.event_name("tasks.task.assigned.v1") == "task.assigned"


def test_room_events_go_to_management_and_housekeeping():
    audiences = inbox.audiences_for("rooms.room.status_changed.v1", {"roomNumber": "204"})
    assert set(audiences) == {
        "role:hotelAdmin",
        "role:frontOffice",
        "role:supervisor",
        "dept:housekeeping",
    }


def test_front_desk_events_go_to_front_office_and_admin_only():
    audiences = inbox.audiences_for("rooms.contact_message.created.v1", {"roomNumber": "202"})
    assert set(audiences) == {"role:hotelAdmin", "role:frontOffice"}


def test_task_events_go_to_the_assignee_and_only_its_department():
    data = {"taskId": "T1", "department": "maintenance", "employeeId": "MT-001"}
    audiences = inbox.audiences_for("tasks.task.assigned.v1", data)
    assert "employee:MT-001" in audiences
    assert "dept:maintenance" in audiences
    assert "dept:housekeeping" not in audiences
    assert "role:staff" not in audiences


def test_second_level_escalation_also_reaches_the_hotel_admin():
    first = inbox.audiences_for("tasks.task.escalated.v1", {"level": 1})
    second = inbox.audiences_for("tasks.task.escalated.v1", {"level": 2})
    asked = inbox.audiences_for("tasks.task.escalated.v1", {"level": 1, "notify": "hotelAdmin"})
    assert first == ["role:supervisor"]
    assert set(second) == {"role:supervisor", "role:hotelAdmin"}
    assert set(asked) == {"role:supervisor", "role:hotelAdmin"}


def test_order_events_reach_the_kitchen_and_the_guest_room():
    audiences = inbox.audiences_for("fnb.order.status_changed.v1", {"roomNumber": "205"})
    assert set(audiences) == {"role:restaurantAdmin", "dept:fnb", "room:205"}


def test_an_unknown_event_reaches_nobody():
    assert inbox.audiences_for("rooms.room.painted.v1", {"roomNumber": "205"}) == []


def test_a_guest_joins_only_its_role_user_and_room():
    guest = Principal("g1", "guest-205", "guest", department="fnb", room_number="205")
    assert inbox.audiences_of(guest) == ["role:guest", "user:g1", "room:205"]


def test_staff_join_role_user_department_employee_and_member_of_department():
    tech = Principal("u2", "technician", "staff", "maintenance", "MT-001")
    assert inbox.audiences_of(tech) == [
        "role:staff",
        "user:u2",
        "dept:maintenance",
        "employee:MT-001",
        "dept:maintenance/employee:MT-001",
    ]


def test_room_status_notification_reads_the_move_from_changes():
    data = {
        "roomNumber": "204",
        "roomType": "Deluxe",
        "housekeepingStatus": "Clean",
        "changes": [{"field": "housekeepingStatus", "oldValue": "Dirty", "newValue": "Clean"}],
    }
    notification = record("rooms.room.status_changed.v1", data, data["changes"])
    assert notification["_id"] == "e1"
    assert (notification["oldStatus"], notification["newStatus"]) == ("Dirty", "Clean")
    assert notification["isRoomNotification"]
    assert not notification["isTaskNotification"]
    assert notification["roomType"] == "Deluxe"
    assert notification["raw"] == data
    assert notification["audiences"] == list(inbox.ROOM_AUDIENCE)


def test_producer_named_previous_fields_are_not_guessed():
    # Only `changes` says what moved; a lookalike field name is just data.
    data = {"housekeepingStatus": "Clean", "previousHousekeepingStatus": "Dirty"}
    notification = record("rooms.room.status_changed.v1", data)
    assert (notification["oldStatus"], notification["newStatus"]) == (None, "Clean")


def test_a_room_change_that_left_housekeeping_alone_shows_no_status_move():
    changes = [{"field": "frontOfficeStatus", "oldValue": "Vacant", "newValue": "Occupied"}]
    data = {"housekeepingStatus": "Clean", "changes": changes}
    notification = record("rooms.room.status_changed.v1", data, changes)
    assert (notification["oldStatus"], notification["newStatus"]) == (None, "Clean")


def test_task_notification_maps_job_type_and_status_change():
    changes = [{"field": "status", "oldValue": "assigned", "newValue": "paused"}]
    data = {"taskId": "T1", "jobType": "plumbing", "oldStatus": "assigned", "newStatus": "paused"}
    notification = record("tasks.task.status_changed.v1", data, changes)
    assert notification["taskType"] == "plumbing"
    assert notification["isTaskNotification"]
    assert (notification["oldStatus"], notification["newStatus"]) == ("assigned", "paused")


def test_an_event_without_changes_shows_its_current_status():
    notification = record("fnb.order.placed.v1", {"orderId": "o1", "status": "pending"})
    assert (notification["oldStatus"], notification["newStatus"]) == (None, "pending")


def test_escalations_are_task_notifications():
    assert record("tasks.task.escalated.v1", {"taskId": "T1", "level": 2})["isTaskNotification"]


def test_socket_payload_is_the_data_plus_envelope_and_inbox_times():
    notification = record("tasks.task.assigned.v1", {"taskId": "T1", "roomNumber": "205"})
    assert inbox.socket_payload(notification) == {
        "taskId": "T1",
        "roomNumber": "205",
        "eventId": "e1",
        "type": "tasks.task.assigned.v1",
        "time": "2025-05-01T09:30:12.345Z",
        "createdAt": "2025-05-01T09:30:12.360Z",
    }


def test_read_state_counts_marked_ids_and_everything_up_to_read_all():
    state = inbox.ReadState(read_all_at=T0, read_ids=frozenset({"late-but-marked"}))
    assert state.has_read({"_id": "old", "createdAt": T0})
    assert not state.has_read({"_id": "new", "createdAt": T0 + timedelta(milliseconds=1)})
    assert state.has_read({"_id": "late-but-marked", "createdAt": T0 + timedelta(days=1)})
    assert not inbox.ReadState().has_read({"_id": "old", "createdAt": T0})


def test_read_flag_is_added_without_touching_the_record():
    notification = {"_id": "a", "createdAt": T0}
    flagged = inbox.with_read_flag(notification, inbox.ReadState(read_ids=frozenset({"a"})))
    assert flagged == {"_id": "a", "createdAt": T0, "read": True}
    assert "read" not in notification


# --- alerts ------------------------------------------------------------------------------------

DEPARTMENTS = ("housekeeping", "maintenance")
SUPERVISOR = Principal("u-sup", "supervisor", "supervisor", "housekeeping", "HK-SUP-01")
ADMIN = Principal("u-admin", "admin", "hotelAdmin")


@pytest.mark.parametrize(
    ("kind", "value", "room"),
    [
        ("department", "maintenance", "dept:maintenance"),
        ("role", "staff", "role:staff"),
        ("employee", "MT-001", "employee:MT-001"),
    ],
)
def test_an_admins_alert_goes_to_the_one_room_named(kind, value, room):
    assert alert_rules.alert_room(ADMIN, kind, value, DEPARTMENTS) == room


def test_a_supervisors_alert_stays_within_their_department():
    assert alert_rules.alert_room(SUPERVISOR, "department", "housekeeping", DEPARTMENTS) == (
        "dept:housekeeping"
    )
    assert alert_rules.alert_room(SUPERVISOR, "employee", "HK-001", DEPARTMENTS) == (
        "dept:housekeeping/employee:HK-001"
    )
    for kind, value in [("department", "maintenance"), ("role", "staff")]:
        with pytest.raises(alert_rules.AlertAudienceForbidden):
            alert_rules.alert_room(SUPERVISOR, kind, value, DEPARTMENTS)


def test_the_admin_watches_tasks_and_orders_live_without_an_inbox_entry():
    assigned = {"department": "maintenance", "employeeId": "MT-001"}
    assert inbox.watchers_for("tasks.task.assigned.v1", assigned) == ["role:hotelAdmin"]
    assert "role:hotelAdmin" not in inbox.audiences_for("tasks.task.assigned.v1", assigned)
    assert inbox.watchers_for("fnb.order.placed.v1", {"roomNumber": "205"}) == ["role:hotelAdmin"]
    assert inbox.watchers_for("tasks.task.escalated.v1", {"level": 1}) == ["role:hotelAdmin"]
    # A late escalation is already the admin's to act on: in the inbox, not watched twice.
    assert inbox.watchers_for("tasks.task.escalated.v1", {"level": 2}) == []
    assert inbox.watchers_for("rooms.room.status_changed.v1", {"roomNumber": "204"}) == []


@pytest.mark.parametrize(
    ("kind", "value"), [("department", "spa"), ("role", "guest"), ("floor", "2")]
)
def test_an_unknown_audience_is_refused_before_any_permission_check(kind, value):
    for sender in (ADMIN, SUPERVISOR):
        with pytest.raises(alert_rules.UnknownAlertAudience):
            alert_rules.alert_room(sender, kind, value, DEPARTMENTS)


def test_only_a_recipient_reading_an_alert_is_a_receipt():
    alert = alert_rules.build_alert(
        alert_id="a1",
        sender=SUPERVISOR,
        kind="department",
        value="housekeeping",
        room="dept:housekeeping",
        message="hi",
        priority="normal",
        created_at=T0,
    )
    notification = alert_rules.alert_notification(alert)
    housekeeper = Principal("u-hk", "housekeeper", "staff", "housekeeping", "HK-001")
    assert alert_rules.counts_as_receipt(notification, housekeeper)
    assert not alert_rules.counts_as_receipt(notification, SUPERVISOR)
    assert not alert_rules.counts_as_receipt({"event": "room.status_changed"}, housekeeper)
