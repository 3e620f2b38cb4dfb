"""The inbox use cases against the real Mongo-wire server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hotel_shared.errors import Unauthorized
from hotel_shared.principal import Context, Principal
from hotel_shared.timeutil import utc_now
from notifications.rules.inbox import NotificationNotFound
from notifications.service import inbox as inbox_service

ADMIN = Context(Principal("u-admin", "admin", "hotelAdmin"))
FRONT_DESK = Context(Principal("u-frontdesk", "frontdesk", "frontOffice", "frontOffice", "FO-001"))
TECHNICIAN = Context(Principal("u-technician", "technician", "staff", "maintenance", "MT-001"))
T0 = datetime(2025, 5, 1, 9, 30, tzinfo=UTC)


class Pushes(list):
    def __call__(self, event, payload, audiences):
        self.append((event, payload, audiences))


def notify(
    stores, event_id, event_type="rooms.room.status_changed.v1", emit=None, later_s=0, **data
):
    return inbox_service.notify(
        stores,
        Context(),
        Pushes() if emit is None else emit,
        event_id=event_id,
        event_type=event_type,
        time=T0,
        data={"roomNumber": "204", **data},
        changes=[],
        created_at=utc_now() + timedelta(seconds=later_s),
    )


def test_notify_stores_the_record_and_pushes_it_after_the_commit(stores):
    pushes = Pushes()
    notification = notify(stores, "e1", emit=pushes)
    assert stores.notifications.find_one({"_id": "e1"})["audiences"] == notification["audiences"]
    [(name, payload, audiences)] = pushes
    assert (name, payload["eventId"], payload["roomNumber"]) == ("room.status_changed", "e1", "204")
    assert audiences == notification["audiences"]


def test_a_caller_lists_only_its_audience_with_its_read_flags(stores):
    notify(stores, "room")
    notify(stores, "task", "tasks.task.assigned.v1", department="maintenance", employeeId="MT-001")
    inbox_service.mark_read(stores, ADMIN, Pushes(), "room")
    items, total = inbox_service.list_notifications(
        stores, ADMIN, since=None, unread_only=False, limit=10, offset=0
    )
    assert [(item["_id"], item["read"]) for item in items] == [("room", True)]
    assert total == 1
    items, _ = inbox_service.list_notifications(
        stores, TECHNICIAN, since=None, unread_only=False, limit=10, offset=0
    )
    assert [(item["_id"], item["read"]) for item in items] == [("task", False)]


def test_marking_read_twice_keeps_one_read_row(stores):
    notify(stores, "room")
    first = inbox_service.mark_read(stores, FRONT_DESK, Pushes(), "room")
    second = inbox_service.mark_read(stores, FRONT_DESK, Pushes(), "room")
    assert first["read"]
    assert second["read"]
    assert stores.reads.count_documents({"userId": "u-frontdesk"}) == 1
    assert inbox_service.count_unread(stores, FRONT_DESK) == 0
    assert inbox_service.count_unread(stores, ADMIN) == 1


def test_marking_a_notification_outside_the_callers_audience_is_not_found(stores):
    notify(stores, "room")
    with pytest.raises(NotificationNotFound):
        inbox_service.mark_read(stores, TECHNICIAN, Pushes(), "room")
    with pytest.raises(NotificationNotFound):
        inbox_service.mark_read(stores, ADMIN, Pushes(), "no-such-id")


def test_read_all_covers_what_exists_and_folds_single_marks_into_the_mark(stores):
    notify(stores, "a")
    notify(stores, "b")
    inbox_service.mark_read(stores, ADMIN, Pushes(), "a")
    inbox_service.mark_all_read(stores, ADMIN, Pushes())
    assert inbox_service.count_unread(stores, ADMIN) == 0
    assert stores.reads.count_documents({"userId": "u-admin"}) == 0
    notify(stores, "c", later_s=1)
    items, _ = inbox_service.list_notifications(
        stores, ADMIN, since=None, unread_only=True, limit=10, offset=0
    )
    assert [item["_id"] for item in items] == ["c"]


def test_reading_the_inbox_needs_a_caller(stores):
    with pytest.raises(Unauthorized):
        inbox_service.count_unread(stores, Context())
