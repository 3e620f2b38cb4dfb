"""HANDLERS: every notified event is stored once in the inbox and pushed only after the commit."""

from __future__ import annotations

import pytest

from hotel_shared.inbox import InboundEvent, bind_handlers
from hotel_shared.revocations import ACCESS_REVOKED
from notifications import events
from notifications.handlers import make_handlers


class Pushes(list):
    """A recording Emit: (event, payload, audiences) per push."""

    def __call__(self, event, payload, audiences):
        self.append((event, payload, audiences))


@pytest.fixture
def pushes():
    return Pushes()


@pytest.fixture
def handlers(pushes):
    return make_handlers(pushes)


def test_every_notified_event_type_and_revocations_have_a_handler(handlers):
    assert set(handlers) == {*events.NOTIFIED_EVENTS, ACCESS_REVOKED}


def test_an_event_is_stored_with_its_audiences_then_pushed(stores, handlers, pushes, make_envelope):
    envelope = make_envelope(
        "tasks.task.status_changed.v1",
        {
            "taskId": "T1",
            "department": "maintenance",
            "employeeId": "MT-001",
            "changes": [{"field": "status", "oldValue": "assigned", "newValue": "in_progress"}],
        },
    )
    bind_handlers(stores, handlers).handle(envelope)
    stored = stores.notifications.find_one({"_id": envelope["id"]})
    assert (stored["oldStatus"], stored["newStatus"]) == ("assigned", "in_progress")
    assert stored["audiences"] == [
        "role:supervisor",
        "role:frontOffice",
        "dept:maintenance",
        "employee:MT-001",
    ]
    [(name, payload, audiences)] = pushes
    assert name == "task.status_changed"
    assert payload["eventId"] == envelope["id"]
    # The inbox's audiences, and the hotel admin's screens watching live (no inbox entry).
    assert audiences == [*stored["audiences"], "role:hotelAdmin"]


def test_the_push_waits_for_the_commit_and_a_rollback_pushes_nothing(
    stores, handlers, pushes, make_envelope
):
    envelope = make_envelope("rooms.room.created.v1", {"roomNumber": "301"})
    with pytest.raises(RuntimeError), stores.transaction() as tx:  # noqa: PT012
        handlers[envelope["type"]](tx, InboundEvent.from_envelope(envelope))
        assert pushes == []
        raise RuntimeError("the unit of work fails after the handler")
    assert pushes == []
    assert stores.notifications.count_documents({}) == 0


def test_a_redelivery_neither_stores_nor_pushes_again(stores, handlers, pushes, make_envelope):
    handle = bind_handlers(stores, handlers).handle
    envelope = make_envelope("rooms.booking.created.v1", {"bookingId": "b1", "roomNumber": "202"})
    handle(envelope)
    handle(envelope)
    assert len(pushes) == 1
    assert stores.notifications.count_documents({"_id": envelope["id"]}) == 1
    assert stores.db.processed_events.count_documents({"_id": envelope["id"]}) == 1


def test_a_burst_of_events_gets_strictly_increasing_inbox_times(
    stores, handlers, pushes, make_envelope
):
    handle = bind_handlers(stores, handlers).handle
    for number in range(30):
        handle(make_envelope("rooms.room.updated.v1", {"roomNumber": str(100 + number)}))
    created = [payload["createdAt"] for _, payload, _ in pushes]
    assert created == sorted(set(created))
    assert len(created) == 30


def task_updated(make_envelope, old_priority, new_priority):
    changes = [{"field": "dueDate", "oldValue": "2026-11-21T11:40:00Z", "newValue": "x"}]
    if old_priority != new_priority:
        changes.insert(0, {"field": "priority", "oldValue": old_priority, "newValue": new_priority})
    data = {
        "taskId": "T9",
        "roomNumber": "205",
        "department": "maintenance",
        "employeeId": "MT-001",
        "priority": new_priority,
        "changes": changes,
    }
    return make_envelope("tasks.task.updated.v1", data)


@pytest.mark.parametrize(
    ("old", "new", "kept"),
    [
        ("normal", "urgent", True),
        ("low", "high", True),
        ("high", "urgent", True),
        ("urgent", "high", False),
        ("high", "normal", False),
        ("normal", "normal", False),
    ],
)
def test_a_task_update_is_always_hinted_and_kept_only_when_its_priority_rose_to_high_or_urgent(
    stores, handlers, pushes, make_envelope, old, new, kept
):
    envelope = task_updated(make_envelope, old, new)
    bind_handlers(stores, handlers).handle(envelope)
    [(name, payload, audiences)] = pushes
    assert (name, payload["taskId"], payload["priority"]) == ("task.updated", "T9", new)
    assert set(audiences) == {
        "role:supervisor",
        "role:frontOffice",
        "dept:maintenance",
        "employee:MT-001",
        "role:hotelAdmin",
    }
    assert stores.notifications.count_documents({"_id": envelope["id"]}) == int(kept)
