"""Reactions to other services' events: cleaning done → Clean; PMS reservations → bookings;
revoked access kept so its tokens are refused."""

from __future__ import annotations

from datetime import date

from hotel_shared.inbox import InboundEvent
from hotel_shared.revocations import REVOCATION_HANDLERS
from rooms import events
from rooms.rules.bookings import PmsReservation
from rooms.service import bookings, rooms
from rooms.store import RoomsStores

CLEANING_JOB = "cleaning"


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


HANDLERS = {
    events.TASK_COMPLETED: on_task_completed,
    events.PMS_RESERVATION_IMPORTED: on_reservation_imported,
    # auth.access.revoked.v1: kept in revoked_access, so this service's tokens of it are refused.
    **REVOCATION_HANDLERS,
}
