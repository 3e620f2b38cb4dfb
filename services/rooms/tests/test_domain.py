"""Room rules without I/O: transitions, who may do what, derived fields, the write retry."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import pytest
from bson import ObjectId

from hotel_shared.auth import Principal
from hotel_shared.errors import ValidationFailed
from rooms.domain import rooms as domain
from rooms.domain import rules

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
STATUSES = ("Dirty", "Pickup", "Clean", "Inspected")
# Written out here, not imported, so a change to the domain's table fails this test.
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
    room["_id"] = ObjectId()
    room.update(overrides)
    return rules.with_derived_fields(room)


def principal(role: str, department: str | None = None) -> Principal:
    return Principal(user_id="u1", username=f"{role}-user", role=role, department=department)


def test_refused_pairs_are_exactly_the_three_the_spec_names():
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


class RacingRooms:
    """A fake store where another writer wins the first `losses` writes."""

    def __init__(self, room: dict[str, Any], losses: int) -> None:
        self.room, self.losses, self.events = room, losses, []

    def get(self, room_number: str) -> dict[str, Any]:
        return dict(self.room)

    def replace(self, room, *, previous_version, event, history=()):
        if self.losses:
            self.losses -= 1
            self.room = {**self.room, "version": self.room["version"] + 1}
            raise rules.VersionConflict(room["roomNumber"])
        assert previous_version == self.room["version"]
        self.room, self.events = room, [*self.events, event]
        return room


def test_blind_write_rereads_and_retries_after_losing_a_race():
    rooms = RacingRooms(make_room(housekeepingStatus="Dirty"), losses=2)
    room = domain.change_room_status(
        rooms,
        "204",
        {"housekeepingStatus": "Clean"},
        principal=principal("staff", "housekeeping"),
        expected_version=None,
        correlation_id="req-1",
    )
    assert room["version"] == 4  # the two competing writes, then ours
    assert [event["data"]["version"] for event in rooms.events] == [4]


def test_conditional_write_that_loses_a_race_is_412():
    rooms = RacingRooms(make_room(housekeepingStatus="Dirty"), losses=1)
    with pytest.raises(rules.StaleRoomVersion) as raised:
        domain.change_room_status(
            rooms,
            "204",
            {"housekeepingStatus": "Clean"},
            principal=principal("supervisor", "housekeeping"),
            expected_version=1,
            correlation_id=None,
        )
    assert raised.value.status == 412
    assert rooms.events == []


def test_blind_write_gives_up_with_409_when_the_room_never_settles():
    rooms = RacingRooms(make_room(housekeepingStatus="Dirty"), losses=rules.WRITE_ATTEMPTS)
    with pytest.raises(rules.ConcurrentRoomUpdate):
        domain.change_room_status(
            rooms,
            "204",
            {"housekeepingStatus": "Clean"},
            principal=principal("hotelAdmin"),
            expected_version=None,
            correlation_id=None,
        )
