"""The rules without I/O: transitions, who may do what, derived fields, bookings, PMS import."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hotel_shared.errors import ValidationFailed
from hotel_shared.principal import NotYourRoom, Principal
from rooms.rules import bookings, messages, pms, stays
from rooms.rules import rooms as rules

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
STATUSES = ("Dirty", "Pickup", "Clean", "Inspected")
# The spec's table, written out here rather than imported, so a change to the rules' table fails.
ALLOWED = {
    ("Dirty", "Clean"),
    ("Dirty", "Pickup"),
    ("Pickup", "Clean"),
    ("Clean", "Inspected"),
    ("Clean", "Dirty"),
    ("Inspected", "Dirty"),
    ("Clean", "Pickup"),
    ("Inspected", "Pickup"),
    ("Inspected", "Clean"),
}
REFUSED = sorted(
    (old, new)
    for old, new in itertools.product(STATUSES, STATUSES)
    if old != new and (old, new) not in ALLOWED
)


def make_room(**overrides: Any) -> dict[str, Any]:
    details = {"roomNumber": "204", "roomType": "Deluxe", "price": 150.0, "capacity": 2}
    room = rules.new_room({**details, "housekeepingStatus": "Dirty"}, NOW)
    room["_id"] = "room-204"
    room.update(overrides)
    return rules.with_derived_fields(room)


def principal(role: str, department: str | None = None) -> Principal:
    return Principal(user_id="u1", username=f"{role}-user", role=role, department=department)


def test_the_rules_allow_exactly_the_moves_of_the_spec():
    allowed = {
        (old, new) for old, targets in rules.ALLOWED_HOUSEKEEPING_MOVES.items() for new in targets
    }
    assert allowed == ALLOWED
    assert REFUSED == [("Dirty", "Inspected"), ("Pickup", "Dirty"), ("Pickup", "Inspected")]


@pytest.mark.parametrize(("old", "new"), sorted(ALLOWED))
def test_allowed_housekeeping_move_is_applied(old, new):
    room = make_room(housekeepingStatus=old)
    rules.check_housekeeping_transition(old, new)
    updated = rules.apply_status_changes(room, {"housekeepingStatus": new}, NOW)
    assert updated["housekeepingStatus"] == new
    assert updated["version"] == room["version"] + 1


@pytest.mark.parametrize(("old", "new"), REFUSED)
def test_refused_housekeeping_move_raises_invalid_transition(old, new):
    room = make_room(housekeepingStatus=old)
    with pytest.raises(rules.InvalidTransition) as raised:
        rules.apply_status_changes(room, {"housekeepingStatus": new}, NOW)
    problem = raised.value.to_problem("req-1")
    assert (problem["status"], problem["code"]) == (409, "invalid_transition")
    assert (problem["from"], problem["to"]) == (old, new)
    assert sorted(problem["allowedTargets"]) == sorted(t for o, t in ALLOWED if o == old)


@pytest.mark.parametrize("status", STATUSES)
def test_setting_the_current_housekeeping_status_changes_nothing(status):
    room = make_room(housekeepingStatus=status)
    assert rules.apply_status_changes(room, {"housekeepingStatus": status}, NOW) is None


@pytest.mark.parametrize(
    ("role", "department", "new_status", "allowed"),
    [
        ("staff", "housekeeping", "Clean", True),
        ("staff", "housekeeping", "Pickup", True),
        ("staff", "housekeeping", "Inspected", False),
        ("supervisor", "housekeeping", "Inspected", True),
        ("supervisor", "maintenance", "Inspected", True),
        ("hotelAdmin", None, "Inspected", True),
        ("frontOffice", "frontOffice", "Dirty", True),
        ("frontOffice", "frontOffice", "Inspected", False),
        ("staff", "maintenance", "Clean", False),
        ("staff", None, "Clean", False),
        ("restaurantAdmin", "fnb", "Clean", False),
        ("guest", None, "Clean", False),
    ],
)
def test_who_may_set_a_housekeeping_status(role, department, new_status, allowed):
    assert rules.may_set_housekeeping_status(role, department, new_status) is allowed


@pytest.mark.parametrize(
    ("role", "department", "error"),
    [
        ("staff", "housekeeping", rules.InspectionNotAllowed),
        ("frontOffice", "frontOffice", rules.InspectionNotAllowed),
        ("staff", "maintenance", rules.StatusChangeNotAllowed),
        ("restaurantAdmin", "fnb", rules.StatusChangeNotAllowed),
        ("guest", None, rules.StatusChangeNotAllowed),
    ],
)
def test_status_permission_errors_are_403_with_a_reason(role, department, error):
    with pytest.raises(error) as raised:
        rules.check_status_permission(role, department, {"housekeepingStatus": "Inspected"})
    assert raised.value.status == 403


def test_maintenance_staff_may_not_even_report_occupancy():
    with pytest.raises(rules.StatusChangeNotAllowed):
        rules.check_status_permission("staff", "maintenance", {"hkOccupancy": "Vacant"})


GUEST_OF_204 = Principal(
    user_id="guest:cust-204", username="guest", role="guest", room_number="204"
)


def test_a_guest_may_set_the_guest_service_request_of_their_own_room():
    rules.check_status_change_allowed(GUEST_OF_204, "204", {"guestServiceStatus": "DoNotDisturb"})
    with pytest.raises(NotYourRoom):
        rules.check_status_change_allowed(GUEST_OF_204, "205", {"guestServiceStatus": "None"})
    with pytest.raises(rules.StatusChangeNotAllowed) as raised:
        rules.check_status_change_allowed(
            GUEST_OF_204, "204", {"guestServiceStatus": "None", "turndownStatus": "Required"}
        )
    assert raised.value.extensions["fields"] == ["turndownStatus"]


def test_a_handled_message_keeps_its_first_handler():
    desk = Principal(user_id="u1", username="frontdesk", role="frontOffice")
    now = datetime(2025, 5, 1, 9, 30, tzinfo=UTC)
    waiting = messages.new_contact_message(GUEST_OF_204, "Ada", "204", "Towels", now)
    handled = messages.mark_handled(waiting, True, desk, now)
    assert (handled["handled"], handled["handledBy"]["username"], handled["handledAt"]) == (
        True,
        "frontdesk",
        now,
    )
    assert messages.mark_handled(handled, True, desk, now) is None
    reopened = messages.mark_handled(handled, False, desk, now)
    assert (reopened["handled"], reopened["handledBy"], reopened["handledAt"]) == (
        False,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("front_office", "hk_occupancy", "discrepancy"),
    [
        ("Vacant", "Occupied", "Sleep"),
        ("Occupied", "Vacant", "Skip"),
        ("Vacant", "Vacant", None),
        ("Occupied", "Occupied", None),
        ("Vacant", None, None),
        ("Occupied", None, None),
    ],
)
def test_compute_discrepancy(front_office, hk_occupancy, discrepancy):
    assert rules.compute_discrepancy(front_office, hk_occupancy) == discrepancy


def test_reporting_occupancy_recomputes_discrepancy():
    room = make_room(frontOfficeStatus="Vacant")
    updated = rules.apply_status_changes(room, {"hkOccupancy": "Occupied"}, NOW)
    assert updated["discrepancy"] == "Sleep"
    cleared = rules.apply_status_changes(updated, {"hkOccupancy": None}, NOW)
    assert cleared["discrepancy"] is None


@pytest.mark.parametrize(
    ("out_of_order", "front_office", "status"),
    [
        ({"kind": "OutOfOrder", "reason": "leak"}, "Vacant", "under maintenance"),
        ({"kind": "OutOfService", "reason": "paint"}, "Occupied", "under maintenance"),
        (None, "Occupied", "booked"),
        (None, "Vacant", "available"),
    ],
)
def test_derive_status(out_of_order, front_office, status):
    assert rules.derive_status({"outOfOrder": out_of_order, "frontOfficeStatus": front_office}) == (
        status
    )


@pytest.mark.parametrize(
    ("room_number", "floor"), [("204", 2), ("101", 1), ("1012", 10), ("12", None), ("A1", None)]
)
def test_default_floor_comes_from_the_room_number(room_number, floor):
    assert rules.default_floor(room_number) == floor


def test_new_room_without_derivable_floor_must_name_it():
    with pytest.raises(ValidationFailed) as raised:
        rules.new_room({"roomNumber": "A1", "roomType": "Suite", "price": 1, "capacity": 1}, NOW)
    assert "floor" in raised.value.errors


def test_new_room_is_vacant_available_version_one():
    room = rules.new_room(
        {"roomNumber": "305", "roomType": "Suite", "price": 300.0, "capacity": 4}, NOW
    )
    assert room["floor"] == 3
    assert (room["frontOfficeStatus"], room["status"], room["version"]) == (
        "Vacant",
        "available",
        1,
    )
    assert room["housekeepingStatus"] == "Dirty"
    assert room["discrepancy"] is None
    assert room["outOfOrder"] is None


@pytest.mark.parametrize("request_", ["DoNotDisturb", "MakeUpRoom"])
def test_guest_service_requests_need_an_occupied_room(request_):
    with pytest.raises(rules.RoomNotOccupied):
        rules.apply_status_changes(make_room(), {"guestServiceStatus": request_}, NOW)
    occupied = make_room(frontOfficeStatus="Occupied")
    assert rules.apply_status_changes(occupied, {"guestServiceStatus": request_}, NOW)


def test_clearing_guest_service_status_is_allowed_on_a_vacant_room():
    room = make_room(guestServiceStatus="DoNotDisturb")
    updated = rules.apply_status_changes(room, {"guestServiceStatus": "None"}, NOW)
    assert updated["guestServiceStatus"] == "None"


def test_occupied_room_cannot_be_deleted():
    with pytest.raises(rules.RoomOccupied):
        rules.check_deletable(make_room(frontOfficeStatus="Occupied"))


# --- bookings ------------------------------------------------------------------------------------


def make_booking(status: str = "confirmed") -> dict[str, Any]:
    request = {
        "customerName": "Ada Lovelace",
        "customerEmail": "ada@example.org",
        "checkInDate": date(2025, 1, 2),
        "checkOutDate": date(2025, 1, 5),
    }
    booking = bookings.new_booking(request, make_room(price=100.0), NOW)
    return {**booking, "bookingStatus": status}


def test_a_new_booking_is_priced_per_night_and_confirmed():
    booking = make_booking()
    assert (booking["totalAmount"], booking["paymentStatus"]) == (300.0, "unpaid")
    assert (booking["checkInDate"], booking["checkOutDate"]) == ("2025-01-02", "2025-01-05")
    assert len(booking["specialId"]) == 16


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        ("cancelled", "cancelled", bookings.BookingNotCancellable),
        ("checked in", "cancelled", bookings.BookingNotCancellable),
        ("checked out", "checked in", bookings.BookingNotConfirmed),
        ("cancelled", "checked in", bookings.BookingNotConfirmed),
        ("confirmed", "checked out", bookings.InvalidBookingMove),
    ],
)
def test_a_booking_moves_only_along_its_life_cycle(old, new, error):
    with pytest.raises(error) as raised:
        bookings.check_booking_move(make_booking(old), new)
    assert raised.value.status == 409


def test_cancel_check_in_and_check_out_move_the_booking():
    cancelled = bookings.cancel(make_booking(), NOW)
    assert (cancelled["bookingStatus"], cancelled["cancelledAt"]) == ("cancelled", NOW)
    taken_up = bookings.check_in(make_booking(), "stay-1", NOW)
    assert (taken_up["bookingStatus"], taken_up["customerId"]) == ("checked in", "stay-1")
    assert bookings.check_out(taken_up, NOW)["bookingStatus"] == "checked out"


def reservation(**overrides: Any) -> bookings.PmsReservation:
    values = {
        "reservation_id": "RSV-1",
        "room_number": "204",
        "guest_name": "Grace Hopper",
        "guest_email": "grace@example.org",
        "arrival": date(2025, 1, 2),
        "departure": date(2025, 1, 4),
        "status": "Reserved",
    }
    return bookings.PmsReservation(**{**values, **overrides})


def test_a_pms_reservation_becomes_a_confirmed_booking_priced_at_the_room():
    booking = bookings.imported_booking(None, reservation(), 100.0, NOW)
    assert (booking["customerName"], booking["customerEmail"]) == (
        "Grace Hopper",
        "grace@example.org",
    )
    assert (booking["bookingStatus"], booking["totalAmount"]) == ("confirmed", 200.0)
    assert booking["pmsReservationId"] == "RSV-1"


def test_a_changed_pms_reservation_keeps_its_booking_id_and_special_id():
    first = bookings.imported_booking(None, reservation(), 100.0, NOW)
    moved = bookings.imported_booking(first, reservation(departure=date(2025, 1, 5)), 100.0, NOW)
    assert (moved["_id"], moved["specialId"]) == (first["_id"], first["specialId"])
    assert (moved["checkOutDate"], moved["totalAmount"]) == ("2025-01-05", 300.0)


def test_a_cancelled_pms_reservation_cancels_its_booking_or_books_nothing():
    assert bookings.imported_booking(None, reservation(status="Cancelled"), 100.0, NOW) is None
    booked = bookings.imported_booking(None, reservation(), 100.0, NOW)
    cancelled = bookings.imported_booking(booked, reservation(status="Cancelled"), 100.0, NOW)
    assert cancelled["bookingStatus"] == "cancelled"


# --- stays and messages --------------------------------------------------------------------------


def test_a_room_not_in_the_ready_state_is_not_ready_unless_overridden():
    dirty = make_room(housekeepingStatus="Dirty")
    with pytest.raises(stays.RoomNotReady):
        stays.check_room_ready(dirty, rules.DEFAULT_POLICY, override=False)
    stays.check_room_ready(dirty, rules.DEFAULT_POLICY, override=True)
    with pytest.raises(rules.RoomOccupied):
        stays.check_room_ready(
            make_room(frontOfficeStatus="Occupied"), rules.DEFAULT_POLICY, override=True
        )


def test_a_checked_out_stay_is_neither_checked_out_again_nor_extended():
    stay = stays.new_stay(
        {"name": "Walk In", "checkoutDate": date(2025, 1, 3)}, None, make_room(), NOW, None
    )
    closed = stays.check_out(stay, NOW)
    assert (closed["status"], closed["checkedOutAt"]) == ("checked out", NOW)
    with pytest.raises(stays.StayNotCheckedIn):
        stays.check_out(closed, NOW)
    with pytest.raises(stays.StayNotCheckedIn):
        stays.extend(closed, date(2025, 1, 5), NOW, ZoneInfo("UTC"))
    assert stays.added_nights(stay, date(2025, 1, 5)) == ("2025-01-03", "2025-01-05")
    assert stays.added_nights(stay, date(2025, 1, 3)) is None


def test_a_guest_writes_only_about_their_own_room():
    guest = Principal(user_id="guest:c-1", username="guest-204", role="guest", room_number="204")
    message = messages.new_contact_message(guest, "Ada", "204", "Towels", NOW)
    assert (message["createdBy"]["role"], message["stayId"]) == ("guest", "c-1")
    with pytest.raises(NotYourRoom):
        messages.new_contact_message(guest, "Ada", "101", "Towels", NOW)
    staff = principal("frontOffice", "frontOffice")
    by_staff = messages.new_contact_message(staff, "Ada", "101", "Towels", NOW)
    assert by_staff["roomNumber"] == "101"
    assert "stayId" not in by_staff
    stayless = Principal(user_id="g", username="guest-204", role="guest", room_number="204")
    with pytest.raises(messages.NoStay):
        messages.new_contact_message(stayless, "Ada", "204", "Towels", NOW)


def test_a_guest_lists_their_own_stays_messages_without_who_handled_them():
    guest = Principal(user_id="guest:c-1", username="guest-204", role="guest", room_number="204")
    scoped = messages.message_filters(guest, {"handled": False})
    assert scoped == {"handled": False, "roomNumber": "204", "stayId": "c-1"}
    with pytest.raises(NotYourRoom):
        messages.message_filters(guest, {"roomNumber": "205"})
    staff = principal("frontOffice", "frontOffice")
    assert messages.message_filters(staff, {"roomNumber": "205"}) == {"roomNumber": "205"}
    handled = {"_id": "m1", "handled": True, "handledBy": {"username": "frontdesk"}}
    assert messages.as_seen_by(guest, handled) == {"_id": "m1", "handled": True}
    assert messages.as_seen_by(staff, handled) == handled


# --- what the PMS may change ----------------------------------------------------------------------


def pms_change(**fields: Any) -> pms.PmsRoomStatus:
    return pms.PmsRoomStatus(room_number="204", **fields)


@pytest.mark.parametrize(("old", "new"), sorted(ALLOWED))
def test_a_pms_housekeeping_move_our_table_allows_is_applied(old, new):
    room = make_room(housekeepingStatus=old)
    changed = pms.apply_pms_room_status(
        room,
        pms_change(housekeeping_status=new),
        NOW,
        has_arrival_today=False,
        policy=rules.DEFAULT_POLICY,
    )
    assert (changed["housekeepingStatus"], changed["version"]) == (new, room["version"] + 1)


@pytest.mark.parametrize(("old", "new"), REFUSED)
def test_a_pms_housekeeping_move_our_table_refuses_is_refused(old, new):
    with pytest.raises(rules.InvalidTransition):
        pms.apply_pms_room_status(
            make_room(housekeepingStatus=old),
            pms_change(housekeeping_status=new),
            NOW,
            has_arrival_today=False,
            policy=rules.DEFAULT_POLICY,
        )


def test_the_hotels_switches_hold_for_the_pms_too():
    no_inspection = rules.HousekeepingPolicy(inspection_required=False)
    with pytest.raises(rules.InspectionDisabled):
        pms.apply_pms_room_status(
            make_room(housekeepingStatus="Clean"),
            pms_change(housekeeping_status="Inspected"),
            NOW,
            has_arrival_today=False,
            policy=no_inspection,
        )


def test_the_pms_status_a_room_already_has_changes_nothing():
    room = make_room(housekeepingStatus="Clean")
    assert (
        pms.apply_pms_room_status(
            room,
            pms_change(housekeeping_status="Clean"),
            NOW,
            has_arrival_today=False,
            policy=rules.DEFAULT_POLICY,
        )
        is None
    )


def test_out_of_order_set_in_the_pms_takes_the_room_off_sale_by_our_rules():
    taken = pms.apply_pms_room_status(
        make_room(),
        pms_change(out_of_order="OutOfService"),
        NOW,
        has_arrival_today=False,
        policy=rules.DEFAULT_POLICY,
    )
    assert taken["outOfOrder"]["kind"] == "OutOfService"
    assert taken["outOfOrder"]["reason"] == pms.PMS_OUT_OF_ORDER_REASON
    assert taken["status"] == rules.UNDER_MAINTENANCE
    with pytest.raises(rules.RoomOccupied):
        pms.apply_pms_room_status(
            make_room(frontOfficeStatus="Occupied"),
            pms_change(out_of_order="OutOfOrder"),
            NOW,
            has_arrival_today=False,
            policy=rules.DEFAULT_POLICY,
        )


@pytest.mark.parametrize(
    ("pms_status", "move"),
    [("InHouse", "checkIn"), ("CheckedOut", "checkOut"), ("Reserved", None), (None, None)],
)
def test_the_guest_moves_a_pms_reservation_status_asks_for(pms_status, move):
    assert pms.guest_move(pms_status) == move
