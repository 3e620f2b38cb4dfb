"""The auth rules, without any I/O."""

from __future__ import annotations

from datetime import timedelta

import pytest

from auth.rules.audit import action_type, activity_entry, collection_for_entity
from auth.rules.guests import (
    STAY_CHECKED_IN,
    STAY_CHECKED_OUT,
    Stay,
    is_newer_stay_event,
    stay_document,
)
from auth.rules.sign_in import (
    ACCOUNT,
    ADDRESS,
    PAIR,
    REFRESH_DISALLOWED,
    REFRESH_INVALID,
    REFRESH_REUSED,
    REFRESH_VALID,
    LoginThrottled,
    Throttle,
    check_not_throttled,
    classify_refresh_token,
    ends_family,
    progressive_wait_s,
    throttle_retry_after_s,
)
from auth.rules.users import (
    CannotModifySelf,
    check_admin_self_change,
    check_user_fields,
    merge_user_changes,
    new_user,
    normalize_username,
)
from hotel_shared.errors import ValidationFailed
from hotel_shared.timeutil import parse_iso

NOW = parse_iso("2025-03-01T12:00:00Z")


def test_usernames_are_normalized_to_lowercase():
    assert normalize_username("  FrontDesk ") == "frontdesk"


@pytest.mark.parametrize("role", ["staff", "supervisor"])
def test_staff_and_supervisors_need_a_department(role):
    with pytest.raises(ValidationFailed) as raised:
        check_user_fields(role, None)
    assert "department" in raised.value.errors


def test_managers_need_no_department():
    check_user_fields("hotelAdmin", None)
    check_user_fields("restaurantAdmin", None)


def test_a_new_user_is_stored_lowercased_and_active_by_default():
    user = new_user({"username": "Tech2", "role": "staff", "department": "maintenance"}, NOW)
    assert (user["username"], user["active"], user["createdAt"]) == ("tech2", True, NOW)
    assert "passwordHash" not in user  # the service adds it; rules never see a password


def test_a_new_staff_user_without_department_is_rejected():
    with pytest.raises(ValidationFailed):
        new_user({"username": "tech2", "role": "staff"}, NOW)


def test_clearing_the_department_of_a_staff_member_is_rejected():
    with pytest.raises(ValidationFailed):
        merge_user_changes({"role": "staff", "department": "maintenance"}, {"department": None})


def test_changing_role_to_staff_requires_a_department():
    with pytest.raises(ValidationFailed):
        merge_user_changes({"role": "frontOffice", "department": None}, {"role": "staff"})


def test_admin_cannot_deactivate_or_demote_themself():
    with pytest.raises(CannotModifySelf):
        check_admin_self_change("a", "a", {"active": False}, "hotelAdmin")
    with pytest.raises(CannotModifySelf):
        check_admin_self_change("a", "a", {"role": "staff"}, "hotelAdmin")


def test_admin_may_rename_themself_and_demote_others():
    check_admin_self_change("a", "a", {"name": "New", "role": "hotelAdmin"}, "hotelAdmin")
    check_admin_self_change("a", "b", {"role": "staff", "active": False}, "hotelAdmin")


def test_throttle_allows_fewer_failures_than_the_limit():
    failures = [NOW - timedelta(seconds=s) for s in (10, 20, 30, 40)]
    assert throttle_retry_after_s(failures, 5, 900, NOW) is None


def test_throttle_blocks_at_the_limit_until_the_oldest_failure_ages_out():
    failures = [NOW - timedelta(seconds=s) for s in (10, 20, 30, 40, 100)]
    assert throttle_retry_after_s(failures, 5, 900, NOW) == 800


def test_throttle_ignores_failures_outside_the_window():
    failures = [NOW - timedelta(seconds=s) for s in (10, 20, 30, 40, 901)]
    assert throttle_retry_after_s(failures, 5, 900, NOW) is None


def test_throttle_reports_the_longest_wait_of_the_blocked_scopes():
    failures = {
        ACCOUNT: [NOW - timedelta(seconds=100)] * 5,
        ADDRESS: [NOW - timedelta(seconds=600)] * 20,
    }
    with pytest.raises(LoginThrottled) as raised:
        check_not_throttled(failures, Throttle(max_failures_per_ip=20), NOW)
    assert raised.value.headers["Retry-After"] == "300"


def test_delays_start_after_the_free_failures_double_and_stop_at_the_cap():
    throttle = Throttle(free_failures=5, first_delay_s=1, max_delay_s=300)
    assert progressive_wait_s([NOW] * 4, throttle, NOW) is None
    assert progressive_wait_s([NOW] * 5, throttle, NOW) == 1
    assert progressive_wait_s([NOW] * 7, throttle, NOW) == 4
    assert progressive_wait_s([NOW] * 40, throttle, NOW) == 300
    # Counted from the latest failure: once it has passed, the next attempt is allowed.
    later = NOW + timedelta(seconds=300)
    assert progressive_wait_s([NOW] * 40, throttle, later) is None


def test_a_known_address_waits_only_for_its_own_failures():
    failures = {ACCOUNT: [NOW] * 30, ADDRESS: [NOW] * 500, PAIR: []}
    check_not_throttled(failures, Throttle(), NOW, known_address=True)
    with pytest.raises(LoginThrottled):
        check_not_throttled(failures, Throttle(), NOW)
    with pytest.raises(LoginThrottled):
        check_not_throttled({**failures, PAIR: [NOW] * 5}, Throttle(), NOW, known_address=True)


def _token(**fields):
    return {"expiresAt": NOW + timedelta(days=1), "usedAt": None, "revokedAt": None, **fields}


def test_refresh_token_classification():
    assert classify_refresh_token(None, NOW) == REFRESH_INVALID
    assert classify_refresh_token(_token(), NOW) == REFRESH_VALID
    assert classify_refresh_token(_token(usedAt=NOW), NOW) == REFRESH_REUSED
    assert classify_refresh_token(_token(revokedAt=NOW), NOW) == REFRESH_INVALID
    assert classify_refresh_token(_token(expiresAt=NOW), NOW) == REFRESH_INVALID


def test_a_used_token_counts_as_reuse_even_after_its_family_was_revoked():
    assert classify_refresh_token(_token(usedAt=NOW, revokedAt=NOW), NOW) == REFRESH_REUSED


def test_reuse_and_a_holder_no_longer_allowed_end_the_family():
    assert ends_family(REFRESH_REUSED)
    assert ends_family(REFRESH_DISALLOWED)
    assert not ends_family(REFRESH_INVALID)
    assert not ends_family(REFRESH_VALID)


@pytest.mark.parametrize(
    ("entity", "collection"),
    [
        ("room", "rooms"),
        ("booking", "bookings"),
        ("customer", "customers"),
        ("task", "tasks"),
        ("request", "requests"),
        ("order", "orders"),
        ("bill", "billings"),
        ("user", "users"),
        ("contact_message", "contact_messages"),
        ("reservation", "reservations"),
    ],
)
def test_collection_names_follow_the_erd(entity, collection):
    assert collection_for_entity(entity) == collection


def test_action_type_drops_source_and_version():
    assert action_type("rooms.room.status_changed.v1") == "room.status_changed"


def _entry(**overrides):
    values = {
        "event_id": "0b7c6f3e-1111-4222-8333-444455556666",
        "event_type": "tasks.task.assigned.v1",
        "source": "tasks",
        "subject": "task/T-9",
        "time": NOW,
        "actor": {"userId": "u1", "username": "frontdesk", "role": "frontOffice", "extra": 1},
        "correlation_id": "req-1",
        "details": {"taskId": "T-9"},
        "changes": [],
    }
    return activity_entry(**{**values, **overrides})


def test_activity_log_carries_erd_fields_and_event_identity():
    assert _entry() == {
        "actionType": "task.assigned",
        "collection": "tasks",
        "documentId": "T-9",
        "user": {"userId": "u1", "username": "frontdesk", "role": "frontOffice"},
        "timestamp": NOW,
        "details": {"taskId": "T-9"},
        "change": None,
        "changes": [],
        "eventId": "0b7c6f3e-1111-4222-8333-444455556666",
        "eventType": "tasks.task.assigned.v1",
        "source": "tasks",
        "correlationId": "req-1",
    }


def test_the_change_is_the_events_first_change_and_all_are_kept():
    changes = [
        {"field": "status", "oldValue": "assigned", "newValue": "acknowledged"},
        {"field": "assignedTo", "oldValue": None, "newValue": "HK-001"},
    ]
    entry = _entry(event_type="tasks.task.status_changed.v1", changes=changes)
    assert entry["change"] == changes[0]
    assert entry["changes"] == changes


def test_before_and_after_fields_without_changes_are_not_guessed_at():
    details = {"housekeepingStatus": "Clean", "previousHousekeepingStatus": "Dirty"}
    assert _entry(details=details, changes=[])["change"] is None


def test_system_events_have_no_user_and_a_subjectless_event_uses_its_type():
    entry = _entry(event_type="pms.reservation.imported.v1", subject=None, actor=None)
    assert entry["user"] is None
    assert (entry["collection"], entry["documentId"]) == ("reservations", None)


def _stay(status, seconds):
    return {"status": status, "eventTime": NOW + timedelta(seconds=seconds)}


def test_only_newer_stay_events_apply():
    assert is_newer_stay_event(None, _stay(STAY_CHECKED_IN, 0))
    assert is_newer_stay_event(_stay(STAY_CHECKED_IN, 0), _stay(STAY_CHECKED_OUT, 5))
    assert not is_newer_stay_event(_stay(STAY_CHECKED_OUT, 5), _stay(STAY_CHECKED_IN, 0))


def test_on_a_time_tie_checkout_wins():
    assert is_newer_stay_event(_stay(STAY_CHECKED_IN, 0), _stay(STAY_CHECKED_OUT, 0))
    assert not is_newer_stay_event(_stay(STAY_CHECKED_OUT, 0), _stay(STAY_CHECKED_IN, 0))


def test_a_stay_becomes_its_guest_access_document():
    stay = Stay("c-1", "204", "ab" * 32, "Ada", "b-1", STAY_CHECKED_IN, NOW, "e-1")
    assert stay_document(stay) == {
        "_id": "c-1",
        "roomNumber": "204",
        "specialIdHash": "ab" * 32,
        "name": "Ada",
        "bookingId": "b-1",
        "status": STAY_CHECKED_IN,
        "eventTime": NOW,
        "eventId": "e-1",
    }
