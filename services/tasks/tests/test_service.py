"""Use cases against the real Mongo-wire server: one unit of work each, events beside the change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import add_staff, outbox_events

from hotel_shared.demo import DEMO_BY_USERNAME
from hotel_shared.mongo import WriteContention
from hotel_shared.principal import Context, NotYourRoom, Principal
from hotel_shared.versions import StaleVersion
from tasks import analytics, service

HOT_WATER = {"roomNumber": "205", "jobType": "plumbing", "priority": "high", "description": "cold"}


def staff_context(username: str, correlation_id: str | None = None) -> Context:
    person = DEMO_BY_USERNAME[username]
    principal = Principal(
        f"u-{username}", username, person.role, person.department, person.employee_code
    )
    return Context(principal=principal, correlation_id=correlation_id)


FRONT_DESK = staff_context("frontdesk")
TECHNICIAN = staff_context("technician")


def test_a_request_writes_its_task_and_events_with_who_asked(stores):
    ctx = staff_context("frontdesk", correlation_id="req-1")
    request, task = service.create_request(stores, ctx, HOT_WATER)
    assert (request["requestedBy"], task["status"], task["employeeId"]) == (
        "frontdesk",
        "assigned",
        "MT-001",
    )
    assert stores.get_employee("MT-001")["openTasks"] == 1
    for event_type in ("tasks.request.created.v1", "tasks.task.assigned.v1"):
        [event] = outbox_events(stores, event_type)
        assert event["actor"] == ctx.principal.as_actor()
        assert event["correlationId"] == "req-1"


def test_a_guest_asks_only_for_their_own_room(stores):
    guest = Context(principal=Principal("guest:c-1", "guest-205", "guest", room_number="205"))
    service.create_request(stores, guest, HOT_WATER)
    with pytest.raises(NotYourRoom):
        service.create_request(stores, guest, {**HOT_WATER, "roomNumber": "206"})
    assert stores.tasks.count_documents({"room": "206"}) == 0


def test_a_stale_if_match_is_412_but_a_stale_internal_read_is_retryable(stores):
    _, task = service.create_request(stores, FRONT_DESK, HOT_WATER)
    with pytest.raises(StaleVersion):
        service.change_task_status(
            stores, TECHNICIAN, task["taskId"], "acknowledged", None, task["version"] - 1
        )
    stale = {**task, "version": task["version"] - 1}
    with pytest.raises(WriteContention) as raised:
        stores.save_task(stale, {"priority": "low"})
    assert raised.value.status == 503
    assert stores.get_task(task["taskId"])["priority"] == "high"


def test_moving_to_another_department_takes_its_pending_work(stores):
    stores.employees.update_one({"employeeCode": "HK-001"}, {"$set": {"onDuty": False}})
    _, clean = service.create_request(
        stores, FRONT_DESK, {"roomNumber": "101", "jobType": "cleaning", "priority": "normal"}
    )
    assert clean["status"] == "pending"
    add_staff(stores, "MT-002", "maintenance")
    admin = staff_context("admin")
    moved = service.update_employee(stores, admin, "MT-002", {"department": "housekeeping"}, None)
    assert (moved["department"], moved["openTasks"]) == ("housekeeping", 1)
    assert stores.get_task(clean["taskId"])["employeeId"] == "MT-002"


def test_a_task_acknowledged_since_the_scan_is_not_escalated(stores):
    _, task = service.create_request(stores, FRONT_DESK, HOT_WATER)
    late = task["createdAt"] + timedelta(minutes=16)
    service.change_task_status(stores, TECHNICIAN, task["taskId"], "acknowledged", None, None)
    assert service.escalate_task(stores, Context(), task["taskId"], late) is False
    rescheduled = stores.get_task(task["taskId"])
    assert rescheduled["escalationLevel"] == 0
    assert rescheduled["nextEscalationAt"] == task["dueDate"]
    assert outbox_events(stores, "tasks.task.escalated.v1") == []


def test_an_escalation_by_the_clock_names_no_actor(stores):
    _, task = service.create_request(stores, FRONT_DESK, HOT_WATER)
    late = task["createdAt"] + timedelta(minutes=16)
    assert service.escalate_due_tasks(stores, Context(), late) == 1
    [event] = outbox_events(stores, "tasks.task.escalated.v1")
    assert (event["actor"], event["correlationId"]) == (None, None)


def test_a_departure_clean_joins_the_handlers_transaction(stores):
    # Called inside an open unit (as a handler is), the use case commits only with it.
    with pytest.raises(RuntimeError), stores.transaction() as tx:  # noqa: PT012
        service.open_departure_clean(tx, Context(), "c-1", "204", "Ada")
        raise RuntimeError("the handler fails after the use case")
    assert stores.tasks.count_documents({"room": "204"}) == 0
    service.open_departure_clean(stores, Context(), "c-1", "204", "Ada")
    service.open_departure_clean(stores, Context(), "c-1", "204", "Ada")
    assert stores.tasks.count_documents({"room": "204"}) == 1


def test_rebuilt_rollups_equal_the_live_ones(stores):
    _, task = service.create_request(stores, FRONT_DESK, HOT_WATER)
    for status in ("acknowledged", "in_progress", "completed"):
        service.change_task_status(stores, TECHNICIAN, task["taskId"], status, None, None)
    service.create_request(stores, FRONT_DESK, {**HOT_WATER, "roomNumber": "206"})
    live = analytics.department_analytics(stores, FRONT_DESK, None, None)
    assert analytics.rebuild_stats(stores, Context()) == 2  # maintenance's row and MT-001's
    assert analytics.department_analytics(stores, FRONT_DESK, None, None) == live
