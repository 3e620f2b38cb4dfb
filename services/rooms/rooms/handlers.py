"""Reactions to other services' events: cleaning done → Clean; PMS reservations → bookings (and
the PMS's check-ins and check-outs → ours); a PMS user's room change → our room, by our rules;
revoked access kept so its tokens are refused."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from hotel_shared.inbox import InboundEvent
from hotel_shared.revocations import REVOCATION_HANDLERS
from rooms import events
from rooms.rules.bookings import PmsReservation
from rooms.rules.out_of_order import OUT_OF_ORDER_KINDS
from rooms.rules.pms import PmsRoomStatus
from rooms.rules.rooms import DEFAULT_POLICY, HOUSEKEEPING_STATUSES, HousekeepingPolicy
from rooms.service import bookings, rooms
from rooms.store import RoomsStores

log = logging.getLogger(__name__)

CLEANING_JOB = "cleaning"
Handler = Callable[[RoomsStores, InboundEvent], None]


def on_task_completed(stores: RoomsStores, event: InboundEvent) -> None:
    room_number = event.data.get("roomNumber")
    if event.data.get("jobType") != CLEANING_JOB or room_number is None:
        return
    rooms.mark_room_cleaned(stores, event.context, str(room_number))


def on_reservation_imported(stores: RoomsStores, event: InboundEvent) -> None:
    data = event.data
    reservation = PmsReservation(
        reservation_id=str(data["pmsReservationId"]),
        room_number=str(data["roomNumber"]),
        guest_name=str(data["guestName"]),
        guest_email=data.get("guestEmail"),
        arrival=date.fromisoformat(str(data["arrival"])[:10]),
        departure=date.fromisoformat(str(data["departure"])[:10]),
        status=data.get("reservationStatus"),
    )
    bookings.import_pms_reservation(stores, event.context, reservation)


def pms_room_status(event: InboundEvent) -> PmsRoomStatus | None:
    """What the PMS moved (by `changes`), in our words; None when it moved nothing we apply.

    `frontOfficeStatus` is not applied from here: occupancy moves with a guest, from the
    reservation's status (pms.reservation.imported.v1).
    """
    data = event.data

    def moved(field: str, allowed: tuple[str, ...]) -> str | None:
        value = data.get(field)
        if event.change_of(field) is None or value is None:
            return None
        if value not in allowed:
            log.warning("PMS %s %r of room %s not known here", field, value, data["roomNumber"])
            return None
        return str(value)

    status = PmsRoomStatus(
        room_number=str(data["roomNumber"]),
        housekeeping_status=moved("housekeepingStatus", HOUSEKEEPING_STATUSES),
        out_of_order=moved("outOfOrder", OUT_OF_ORDER_KINDS),
    )
    if status.housekeeping_status is None and status.out_of_order is None:
        return None
    return status


def make_handlers(policy: HousekeepingPolicy = DEFAULT_POLICY) -> dict[str, Handler]:
    """The handlers, with the hotel's housekeeping switches a PMS change is checked against."""

    def on_pms_room_status_changed(stores: RoomsStores, event: InboundEvent) -> None:
        status = pms_room_status(event)
        if status is None:
            log.info("PMS change of room %s: nothing to apply", event.data.get("roomNumber"))
            return
        rooms.apply_pms_room_status(stores, event.context, status, policy)

    return {
        events.TASK_COMPLETED: on_task_completed,
        events.PMS_RESERVATION_IMPORTED: on_reservation_imported,
        events.PMS_ROOM_STATUS_CHANGED: on_pms_room_status_changed,
        # auth.access.revoked.v1: kept in revoked_access, so this service's tokens are refused.
        **REVOCATION_HANDLERS,
    }


# With the default switches (tests and contract checks); the worker binds make_handlers(policy).
HANDLERS = make_handlers()
