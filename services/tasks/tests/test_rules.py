"""The tasks rules as plain functions: no database, no app."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hotel_shared.principal import Principal
from tasks.rules import access, cleaning, departments, employees, stats
from tasks.rules import tasks as task_rules

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
MAINTENANCE = {
    "code": "maintenance",
    "jobTypes": ["plumbing", "repair"],
    "slaMinutes": {"low": 480, "normal": 240, "high": 60, "urgent": 30},
    "acknowledgeMinutes": 15,
    "escalation": [
        {"notify": "supervisor", "afterMinutes": 0},
        {"notify": "hotelAdmin", "afterMinutes": 30},
    ],
}
CHAIN = MAINTENANCE["escalation"]
TECHNICIAN = Principal("u-1", "technician", "staff", "maintenance", "MT-001")
OTHER_TECHNICIAN = Principal("u-2", "tech2", "staff", "maintenance", "MT-002")
SUPERVISOR = Principal("u-3", "supervisor", "supervisor", "housekeeping", "HK-SUP-01")
FRONT_DESK = Principal("u-4", "frontdesk", "frontOffice", "frontOffice", "FO-001")
GUEST = Principal("guest:cust-205", "guest-205", "guest", room_number="205")


def new_task(priority: str = "high") -> dict:
    details = {"roomNumber": "205", "jobType": "plumbing", "priority": priority}
    return task_rules.new_request_and_task(details, MAINTENANCE, NOW)[1]


def assigned_task() -> dict:
    task = new_task()
    employee = {"employeeCode": "MT-001", "name": "Tom Tech", "jobTitle": "Technician"}
    return {**task, **task_rules.assignment_changes(task, employee, CHAIN, NOW)}


# --- requests and routing ----------------------------------------------------------------------


def test_a_new_task_is_pending_on_its_department_sla_clock():
    request, task = task_rules.new_request_and_task(
        {"roomNumber": "205", "jobType": "plumbing", "priority": "high"},
        MAINTENANCE,
        NOW,
        requested_by="frontdesk",
    )
    assert request["taskId"] == task["taskId"]
    assert (request["department"], request["requestedBy"]) == ("maintenance", "frontdesk")
    assert (task["status"], task["employeeId"], task["room"], task["type"]) == (
        "pending",
        None,
        "205",
        "plumbing",
    )
    assert task["dueDate"] == NOW + timedelta(minutes=60)
    assert task["acknowledgeBy"] == NOW + timedelta(minutes=15)
    assert task["nextEscalationAt"] == task["acknowledgeBy"]
    assert "dedupeKey" not in task


def test_acknowledge_deadline_is_never_later_than_the_sla():
    assert departments.acknowledge_by(NOW, {**MAINTENANCE, "acknowledgeMinutes": 45}, "urgent") == (
        NOW + timedelta(minutes=30)
    )


def test_an_unknown_job_type_names_every_valid_one():
    error = departments.unknown_job_type("ghostbusting", [MAINTENANCE, {"jobTypes": ["cleaning"]}])
    assert error.status == 422
    assert error.extensions["validJobTypes"] == ["cleaning", "plumbing", "repair"]


def test_a_job_type_is_routed_to_one_department_only():
    departments.check_job_types_free([MAINTENANCE], "maintenance", ["plumbing", "hvac"])
    with pytest.raises(departments.JobTypeAlreadyRouted, match="plumbing already routed"):
        departments.check_job_types_free([MAINTENANCE], "spa", ["sauna", "plumbing"])


# --- assignment --------------------------------------------------------------------------------


def test_choose_the_least_loaded_then_longest_idle():
    staff = [
        {"employeeCode": "A", "role": "staff", "onDuty": True, "openTasks": 2},
        {
            "employeeCode": "B",
            "role": "staff",
            "onDuty": True,
            "openTasks": 1,
            "lastAssignedAt": NOW,
        },
        {
            "employeeCode": "C",
            "role": "staff",
            "onDuty": True,
            "openTasks": 1,
            "lastAssignedAt": NOW - timedelta(hours=1),
        },
        {"employeeCode": "D", "role": "staff", "onDuty": False, "openTasks": 0},
        {"employeeCode": "E", "role": "supervisor", "onDuty": True, "openTasks": 0},
    ]
    assert employees.choose_assignee(staff)["employeeCode"] == "C"
    assert employees.choose_assignee(staff[3:]) is None


def test_only_on_duty_staff_of_the_task_department_can_be_assigned():
    task = new_task()
    on_duty = {"employeeCode": "MT-002", "department": "maintenance", "onDuty": True}
    task_rules.check_can_assign(task, on_duty)
    with pytest.raises(task_rules.EmployeeUnavailable):
        task_rules.check_can_assign(task, {**on_duty, "onDuty": False})
    with pytest.raises(task_rules.EmployeeUnavailable):
        task_rules.check_can_assign(task, {**on_duty, "department": "housekeeping"})
    with pytest.raises(task_rules.InvalidTransition):
        task_rules.check_can_assign({**task, "status": "in_progress"}, on_duty)


def test_staff_may_set_only_their_own_duty():
    employees.check_may_edit(TECHNICIAN, "MT-001", {"onDuty": False})
    employees.check_may_edit(SUPERVISOR, "MT-001", {"name": "Tom", "onDuty": False})
    with pytest.raises(access.NotAllowed):
        employees.check_may_edit(TECHNICIAN, "MT-001", {"department": "housekeeping"})
    with pytest.raises(access.NotAllowed):
        employees.check_may_edit(OTHER_TECHNICIAN, "MT-001", {"onDuty": False})


# --- lifecycle ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("principal", "status", "error"),
    [
        (TECHNICIAN, "acknowledged", None),
        (SUPERVISOR, "acknowledged", None),
        (OTHER_TECHNICIAN, "acknowledged", access.NotAllowed),
        (FRONT_DESK, "acknowledged", access.NotAllowed),
        (FRONT_DESK, "cancelled", None),
        (TECHNICIAN, "cancelled", access.NotAllowed),
        (TECHNICIAN, "completed", task_rules.InvalidTransition),
    ],
)
def test_who_may_move_an_assigned_task(principal, status, error):
    if error is None:
        task_rules.check_transition(assigned_task(), status, principal)
    else:
        with pytest.raises(error):
            task_rules.check_transition(assigned_task(), status, principal)


def test_paused_time_is_kept_out_of_work_time():
    started = {**assigned_task(), "status": "in_progress", "startedAt": NOW, "pausedSeconds": 0}
    paused = {**started, **task_rules.transition_changes(started, "paused", NOW)}
    resumed_at = NOW + timedelta(minutes=10)
    resumed = {**paused, **task_rules.transition_changes(paused, "in_progress", resumed_at)}
    assert (resumed["pausedSeconds"], resumed["pausedAt"]) == (600, None)
    done = task_rules.transition_changes(resumed, "completed", NOW + timedelta(minutes=25))
    assert done["workMinutes"] == 15.0
    assert done["nextEscalationAt"] is None


def test_a_late_completion_marks_the_sla_breached_and_keeps_the_note():
    task = {**assigned_task(), "status": "in_progress", "startedAt": NOW}
    note = task_rules.new_note("valve replaced", TECHNICIAN, NOW)
    late = task_rules.status_changes(task, "completed", CHAIN, NOW + timedelta(hours=2), note)
    assert late["slaBreached"] is True
    assert late["notes"] == [note]
    assert (note["author"], note["employeeId"]) == ("technician", "MT-001")
    on_time = task_rules.status_changes(task, "completed", CHAIN, NOW + timedelta(minutes=30))
    assert "slaBreached" not in on_time


def test_assigned_to_me_resolves_to_the_callers_employee_code():
    assert task_rules.task_filters({"assignedTo": "me"}, TECHNICIAN) == {"employeeId": "MT-001"}
    assert task_rules.task_filters({"assignedTo": "me"}, GUEST) is None
    assert task_rules.task_filters({"assignedTo": "HK-001", "status": "assigned"}, GUEST) == {
        "employeeId": "HK-001",
        "status": "assigned",
    }


def test_a_guest_lists_only_their_own_stays_requests():
    scoped = task_rules.request_filters({"roomNumber": "206"}, GUEST)
    assert scoped == {"roomNumber": "205", "stayId": "cust-205"}
    assert task_rules.request_filters({"roomNumber": "206"}, FRONT_DESK) == {"roomNumber": "206"}
    with pytest.raises(task_rules.NoStay):
        task_rules.request_filters({}, Principal("u-5", "guest-205", "guest", room_number="205"))


def test_a_request_shows_its_tasks_status_and_to_a_guest_no_staff_names():
    request = {"taskId": "T-1", "roomNumber": "205", "stayId": "cust-205"}
    task = {"taskId": "T-1", "status": "assigned", "dueDate": NOW, "assignedTo": "Ana",
            "employeeId": "MT-001"}  # fmt: skip
    staff = task_rules.request_view(request, task, FRONT_DESK)
    assert (staff["status"], staff["dueDate"], staff["task"]) == ("assigned", NOW, task)
    guest = task_rules.request_view(request, task, GUEST)
    assert guest["task"] == {"taskId": "T-1", "status": "assigned", "dueDate": NOW}
    assert (guest["status"], guest["dueDate"]) == ("assigned", NOW)
    assert task_rules.request_view(request, None, GUEST)["status"] is None


def test_an_unacknowledged_task_escalates_level_by_level():
    task = assigned_task()
    assert task_rules.escalation_step(task, CHAIN, NOW + timedelta(minutes=14)) is None
    step = task_rules.escalation_step(task, CHAIN, NOW + timedelta(minutes=16))
    assert step == {
        "level": 1,
        "notify": "supervisor",
        "reason": "not_acknowledged",
        "overdueMinutes": 1.0,
    }
    raised = {**task, **task_rules.escalation_changes(task, step, CHAIN)}
    assert raised["nextEscalationAt"] == NOW + timedelta(minutes=45)
    assert "slaBreached" not in task_rules.escalation_changes(task, step, CHAIN)
    last = task_rules.escalation_step(raised, CHAIN, NOW + timedelta(minutes=90))
    assert (last["level"], last["notify"], last["reason"]) == (2, "hotelAdmin", "overdue")
    top = {**raised, **task_rules.escalation_changes(raised, last, CHAIN)}
    assert (top["slaBreached"], top["nextEscalationAt"]) == (True, None)


def test_an_open_clean_becomes_the_departure_clean_with_the_tighter_deadline():
    housekeeping = {
        **MAINTENANCE,
        "code": "housekeeping",
        "slaMinutes": {"normal": 120, "high": 60},
    }
    clean = {**new_task("normal"), "dueDate": NOW + timedelta(minutes=120)}
    changes = cleaning.departure_clean_changes(clean, housekeeping, "checkout:c-1", NOW)
    assert (changes["priority"], changes["dedupeKey"]) == ("high", "checkout:c-1")
    assert changes["dueDate"] == clean["createdAt"] + timedelta(minutes=60)


# --- re-clean after a failed inspection ----------------------------------------------------------

ATTENDANTS = [
    {"employeeCode": "HK-001", "role": "staff", "onDuty": True, "openTasks": 4},
    {"employeeCode": "HK-002", "role": "staff", "onDuty": True, "openTasks": 0},
]


def test_the_re_clean_goes_back_to_the_attendant_who_cleaned_the_room_however_busy():
    assert employees.choose_assignee(ATTENDANTS, "HK-001")["employeeCode"] == "HK-001"


@pytest.mark.parametrize(
    ("cleaner", "staff"),
    [
        ("HK-001", [{**ATTENDANTS[0], "onDuty": False}, ATTENDANTS[1]]),  # off duty now
        ("HK-009", ATTENDANTS),  # not among housekeeping's staff on duty (left the department)
        (None, ATTENDANTS),  # nobody ever completed a clean of the room
    ],
)
def test_otherwise_the_re_clean_goes_to_the_least_loaded_attendant(cleaner, staff):
    assert employees.choose_assignee(staff, cleaner)["employeeCode"] == "HK-002"


def test_a_re_clean_with_nobody_on_duty_waits_in_the_pool():
    assert employees.choose_assignee([], "HK-001") is None
    assert employees.choose_assignee([{**ATTENDANTS[0], "onDuty": False}], "HK-001") is None


@pytest.mark.parametrize(
    ("old", "new", "role", "failed"),
    [
        ("Clean", "Pickup", "supervisor", True),
        ("Inspected", "Pickup", "hotelAdmin", True),
        ("Dirty", "Pickup", "supervisor", False),
        ("Clean", "Dirty", "supervisor", False),
        ("Clean", "Inspected", "supervisor", False),
        (None, "Pickup", "supervisor", False),
        # An attendant touching up their own room, the front desk, or the PMS: no inspection.
        ("Clean", "Pickup", "staff", False),
        ("Clean", "Pickup", "frontOffice", False),
        ("Clean", "Pickup", None, False),
    ],
)
def test_a_failed_inspection_is_an_inspector_sending_a_clean_room_to_pickup(old, new, role, failed):
    assert cleaning.is_failed_inspection(old, new, role) is failed


def test_a_re_clean_is_high_priority_and_says_why():
    inspection = cleaning.failed_inspection("  hair in the shower ", "supervisor", NOW)
    assert inspection == {"reason": "hair in the shower", "by": "supervisor", "at": NOW}
    details = cleaning.reclean_details("204", inspection)
    assert (details["jobType"], details["priority"]) == ("cleaning", "high")
    assert details["description"] == "Re-clean after inspection: hair in the shower"
    _, task = task_rules.new_request_and_task(details, MAINTENANCE, NOW)
    assert (task["reclean"], task["failedInspection"]) == (True, inspection)


@pytest.mark.parametrize("reason", [None, "", "   ", 42])
def test_a_re_clean_without_a_reason_says_only_where_it_comes_from(reason):
    inspection = cleaning.failed_inspection(reason, None, NOW)
    assert inspection == {"reason": None, "by": None, "at": NOW}
    assert cleaning.reclean_details("204", inspection)["description"] == "Re-clean after inspection"


def test_an_ordinary_task_carries_no_re_clean_marks():
    task = new_task()
    assert not {"reclean", "failedInspection"} & set(task)


# --- priority ----------------------------------------------------------------------------------


def test_a_new_priority_moves_both_deadlines_from_the_creation():
    task = assigned_task()  # high: due at +60, acknowledge by +15
    later = NOW + timedelta(minutes=20)
    urgent = task_rules.priority_changes(task, "urgent", MAINTENANCE, later)
    assert urgent["priority"] == "urgent"
    assert urgent["dueDate"] == NOW + timedelta(minutes=30)
    assert urgent["acknowledgeBy"] == NOW + timedelta(minutes=15)
    assert urgent["updatedAt"] == later
    low = task_rules.priority_changes(task, "low", MAINTENANCE, later)
    assert low["dueDate"] == NOW + timedelta(hours=8)


def test_the_same_priority_changes_nothing():
    assert task_rules.priority_changes(assigned_task(), "high", MAINTENANCE, NOW) == {}


@pytest.mark.parametrize("status", ["completed", "cancelled"])
def test_a_finished_task_keeps_its_priority(status):
    task = {**assigned_task(), "status": status}
    with pytest.raises(task_rules.TaskClosed):
        task_rules.priority_changes(task, "urgent", MAINTENANCE, NOW)


def test_a_due_date_moved_into_the_past_escalates_as_overdue_at_the_next_scan():
    acknowledged = {**assigned_task(), "status": "acknowledged", "acknowledgedAt": NOW}
    acknowledged["nextEscalationAt"] = task_rules.next_escalation_at(acknowledged, CHAIN)
    forty_minutes_on = NOW + timedelta(minutes=40)
    assert task_rules.escalation_step(acknowledged, CHAIN, forty_minutes_on) is None
    changes = task_rules.priority_changes(acknowledged, "urgent", MAINTENANCE, forty_minutes_on)
    urgent = {**acknowledged, **changes}
    # Due at +30 now, and the first level fires 0 minutes after: already behind.
    assert urgent["nextEscalationAt"] == NOW + timedelta(minutes=30)
    step = task_rules.escalation_step(urgent, CHAIN, forty_minutes_on)
    assert (step["level"], step["reason"], step["overdueMinutes"]) == (1, "overdue", 10.0)


def test_a_raised_level_stays_raised_when_the_priority_drops():
    task = assigned_task()
    step = task_rules.escalation_step(task, CHAIN, NOW + timedelta(minutes=16))
    raised = {**task, **task_rules.escalation_changes(task, step, CHAIN)}
    low = {**raised, **task_rules.priority_changes(raised, "low", MAINTENANCE, NOW)}
    assert low["escalationLevel"] == 1
    # The next level (hotelAdmin, 30 minutes after the breach) counts from the new deadlines.
    assert low["nextEscalationAt"] == low["acknowledgeBy"] + timedelta(minutes=30)


@pytest.mark.parametrize(
    ("principal", "allowed"),
    [
        (FRONT_DESK, True),
        (Principal("u-6", "admin", "hotelAdmin"), True),
        (Principal("u-7", "mt-sup", "supervisor", "maintenance", "MT-SUP-01"), True),
        (SUPERVISOR, False),  # housekeeping's supervisor, a maintenance task
        (TECHNICIAN, False),
        (GUEST, False),
    ],
)
def test_who_may_change_a_priority(principal, allowed):
    if allowed:
        access.check_may_change_priority(principal, assigned_task())
    else:
        with pytest.raises(access.NotAllowed):
            access.check_may_change_priority(principal, assigned_task())


# --- rollups -----------------------------------------------------------------------------------


def test_a_rollup_row_is_keyed_by_creation_day_department_and_employee():
    task = new_task()
    assert stats.row_key(task, None, ZoneInfo("UTC")) == {
        "_id": "2026-11-21|maintenance|-",
        "day": "2026-11-21",
        "department": "maintenance",
        "employeeId": None,
    }
    assert stats.row_key(task, "MT-001", ZoneInfo("UTC"))["_id"] == "2026-11-21|maintenance|MT-001"


@pytest.mark.parametrize(
    ("zone", "created", "day"),
    [
        # 22:30 UTC is already the next morning on Kiritimati (UTC+14) ...
        ("Pacific/Kiritimati", datetime(2026, 11, 21, 22, 30, tzinfo=UTC), "2026-11-22"),
        # ... and 05:00 UTC still the evening before in Honolulu (UTC-10).
        ("Pacific/Honolulu", datetime(2026, 11, 21, 5, 0, tzinfo=UTC), "2026-11-20"),
    ],
)
def test_a_rollup_row_counts_on_the_hotels_day_not_the_utc_day(zone, created, day):
    task = {**new_task(), "createdAt": created}
    key = stats.row_key(task, None, ZoneInfo(zone))
    assert (key["day"], key["_id"]) == (day, f"{day}|maintenance|-")
    [row] = stats.rows_from_tasks([task], ZoneInfo(zone))
    assert row["day"] == day


def test_a_late_completion_counts_for_the_department_and_the_assignee():
    before = {**assigned_task(), "status": "in_progress", "startedAt": NOW}
    after = {
        **before,
        **task_rules.transition_changes(before, "completed", NOW + timedelta(hours=2)),
    }
    after["slaBreached"] = True
    steps = stats.step_increments(before, after)
    assert [owner for owner, increments in steps if "completed" in increments] == [None, "MT-001"]
    assert [owner for owner, increments in steps if increments == {"breached": 1}] == [
        None,
        "MT-001",
    ]
    # Once an escalation counted the department's breach, only the assignee's is new.
    escalated = stats.step_increments({**before, "slaBreached": True}, after)
    assert [owner for owner, increments in escalated if increments == {"breached": 1}] == ["MT-001"]


def test_rebuilt_rows_add_up_the_tasks():
    done = {
        **assigned_task(),
        "status": "completed",
        "acknowledgedAt": NOW + timedelta(minutes=10),
        "completedAt": NOW + timedelta(minutes=40),
        "workMinutes": 20.0,
    }
    cancelled = {**new_task(), "status": "cancelled", "escalationLevel": 1}
    rows = {row["_id"]: row for row in stats.rows_from_tasks([done, cancelled], ZoneInfo("UTC"))}
    department = rows["2026-11-21|maintenance|-"]
    assert (department["requests"], department["completed"], department["cancelled"]) == (2, 1, 1)
    assert (department["ackMinutesSum"], department["escalations"]) == (10.0, 1)
    report = stats.department_report({**department, "_id": "maintenance"})
    assert (report["open"], report["avgCompletionMinutes"], report["slaBreachRate"]) == (
        0,
        40.0,
        0.0,
    )
    assert rows["2026-11-21|maintenance|MT-001"]["workMinutesSum"] == 20.0


def test_the_report_period_defaults_to_the_last_thirty_days():
    today = date(2026, 11, 21)
    assert stats.analytics_period(None, None, today) == ("2026-10-23", "2026-11-21")
    assert stats.analytics_period(date(2026, 11, 1), None, today) == ("2026-11-01", "2026-11-21")
