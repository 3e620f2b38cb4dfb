"""The handlers: audit entries from `changes`, exactly once; the newest stay event wins."""

from __future__ import annotations

from datetime import timedelta

from auth.events import CHECKED_IN, CHECKED_OUT
from auth.rules.guests import STAY_CHECKED_IN, STAY_CHECKED_OUT, matching_stay
from auth.service import sessions
from hotel_shared.principal import Context
from hotel_shared.timeutil import parse_iso, to_iso

ROOM_CLEANED = {
    "roomNumber": "204",
    "housekeepingStatus": "Clean",
    "previousHousekeepingStatus": "Dirty",
    "changes": [{"field": "housekeepingStatus", "oldValue": "Dirty", "newValue": "Clean"}],
}


def _open_stay(stores, room, special_id):
    return matching_stay(stores.open_stays_in_room(room), special_id)


def _logs(stores, event_id):
    return list(stores.db["activity_logs"].find({"eventId": event_id}))


def test_every_event_becomes_an_activity_log_with_erd_fields(handle, make_envelope, stores):
    actor = {"userId": "u-7", "username": "housekeeper", "role": "staff"}
    envelope = make_envelope(
        "rooms.room.status_changed.v1",
        ROOM_CLEANED,
        subject="room/204",
        actor=actor,
        correlation_id="req-42",
    )
    handle(envelope)

    [log] = _logs(stores, envelope["id"])
    assert log["actionType"] == "room.status_changed"
    assert log["collection"] == "rooms"
    assert log["documentId"] == "204"
    assert log["user"] == actor
    assert log["timestamp"] == parse_iso(envelope["time"])
    assert log["details"] == envelope["data"]
    assert log["change"] == {
        "field": "housekeepingStatus",
        "oldValue": "Dirty",
        "newValue": "Clean",
    }
    assert log["changes"] == ROOM_CLEANED["changes"]
    assert (log["eventType"], log["source"], log["correlationId"]) == (
        "rooms.room.status_changed.v1",
        "rooms",
        "req-42",
    )


def test_an_event_with_several_changes_logs_the_first_and_keeps_all(handle, make_envelope, stores):
    changes = [
        {"field": "status", "oldValue": "assigned", "newValue": "inProgress"},
        {"field": "startedAt", "oldValue": None, "newValue": "2025-05-01T10:00:00.000Z"},
    ]
    envelope = make_envelope("tasks.task.status_changed.v1", {"changes": changes}, subject="task/T")
    handle(envelope)
    [log] = _logs(stores, envelope["id"])
    assert log["change"] == changes[0]
    assert log["changes"] == changes


def test_an_event_without_changes_has_no_change(handle, make_envelope, stores):
    # Before/after fields alone are not read as a change: only the standard `changes` list is.
    data = {"oldStatus": "assigned", "newStatus": "acknowledged", "taskId": "T-1"}
    envelope = make_envelope("tasks.task.acknowledged.v1", data, subject="task/T-1")
    handle(envelope)
    [log] = _logs(stores, envelope["id"])
    assert (log["change"], log["changes"]) == (None, [])


def test_bill_events_are_filed_under_billings(handle, make_envelope, stores):
    envelope = make_envelope("fnb.bill.created.v1", {"billingId": "B-1"}, subject="bill/B-1")
    handle(envelope)
    [log] = _logs(stores, envelope["id"])
    assert (log["collection"], log["documentId"], log["user"]) == ("billings", "B-1", None)


def test_a_redelivered_event_writes_one_log(handle, make_envelope, stores):
    envelope = make_envelope("tasks.task.completed.v1", {"taskId": "T-1"}, subject="task/T-1")
    handle(envelope)
    handle(envelope)
    handle(dict(envelope))
    assert len(_logs(stores, envelope["id"])) == 1
    assert stores.db["processed_events"].count_documents({"_id": envelope["id"]}) == 1


def test_an_event_seen_after_its_inbox_entry_expired_still_writes_one_log(
    handle, make_envelope, stores
):
    envelope = make_envelope("tasks.task.completed.v1", {"taskId": "T-2"}, subject="task/T-2")
    handle(envelope)
    stores.db["processed_events"].delete_many({})
    handle(envelope)
    assert len(_logs(stores, envelope["id"])) == 1


def _stay(make_envelope, event_type, time, customer_id="c-9"):
    data = {
        "customerId": customer_id,
        "roomNumber": 101,
        "name": "Grace",
        "bookingId": "b-9",
        "specialId": "S-9",
    }
    return make_envelope(event_type, data, subject=f"customer/{customer_id}", time=to_iso(time))


def test_check_in_opens_guest_access(handle, make_envelope, stores):
    now = parse_iso("2025-05-01T10:00:00Z")
    handle(_stay(make_envelope, CHECKED_IN, now))
    stay = stores.get_stay("c-9")
    assert stay["status"] == STAY_CHECKED_IN
    assert stay["roomNumber"] == "101"
    assert _open_stay(stores, "101", "S-9")["_id"] == "c-9"


def test_a_late_check_in_cannot_reopen_a_closed_stay(handle, make_envelope, stores):
    check_in_time = parse_iso("2025-05-01T10:00:00Z")
    check_out_time = check_in_time + timedelta(days=2)
    # The checkout is delivered first; the older check-in arrives after it.
    handle(_stay(make_envelope, CHECKED_OUT, check_out_time))
    handle(_stay(make_envelope, CHECKED_IN, check_in_time))
    assert stores.get_stay("c-9")["status"] == STAY_CHECKED_OUT
    assert _open_stay(stores, "101", "S-9") is None
    # Both were still audited.
    assert stores.db["activity_logs"].count_documents({"documentId": "c-9"}) == 2


def test_a_newer_check_in_reopens_access_for_a_new_stay(handle, make_envelope, stores):
    first = parse_iso("2025-05-01T10:00:00Z")
    handle(_stay(make_envelope, CHECKED_IN, first))
    handle(_stay(make_envelope, CHECKED_OUT, first + timedelta(days=1)))
    handle(_stay(make_envelope, CHECKED_IN, first + timedelta(days=3)))
    assert stores.get_stay("c-9")["status"] == STAY_CHECKED_IN


def test_checkout_revokes_the_guests_refresh_tokens(handle, make_envelope, stores, sign_in):
    now = parse_iso("2025-05-01T10:00:00Z")
    handle(_stay(make_envelope, CHECKED_IN, now))
    sessions.guest_login(stores, Context(), sign_in, "101", "S-9", "10.0.0.9")
    tokens = stores.db["refresh_tokens"]
    assert tokens.count_documents({"customerId": "c-9"}) == 1
    handle(_stay(make_envelope, CHECKED_OUT, now + timedelta(hours=5)))
    assert tokens.count_documents({"customerId": "c-9", "revokedAt": None}) == 0
