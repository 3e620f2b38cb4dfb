"""Pure translation between OHIP's shapes and the platform's: the only place both meet.

No I/O. `opera_client.py` carries these bodies over HTTP; the rest of the service sees only the
platform's plain dictionaries. Golden files in tests/golden pin each shape to what the mock answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# Our housekeeping statuses are OPERA's spellings; occupancy is OPERA's Vacant | Occupied.
HOUSEKEEPING_STATUSES = ("Dirty", "Pickup", "Clean", "Inspected")
OUT_OF_ORDER_KINDS = ("OutOfOrder", "OutOfService")
OCCUPANCY = ("Vacant", "Occupied")
# HTNG-style labels (not OHIP's vocabulary): occupancy x housekeeping, OOO/OOS apart.
HTNG_OUT_OF_ORDER = {"OutOfOrder": "OUT_OF_ORDER", "OutOfService": "OUT_OF_SERVICE"}

RESERVATION_MODULE, HOUSEKEEPING_MODULE = "Reservation", "Housekeeping"
ROOM_STATUS_ELEMENT = "Room Status"


def htng_code(housekeeping_status: str | None, occupancy: str | None, out_of_order: str | None):
    """`VACANT_CLEAN` style label of a room (documented mapping; OPERA does not define it)."""
    if out_of_order:
        return HTNG_OUT_OF_ORDER[out_of_order]
    if housekeeping_status is None or occupancy is None:
        return None
    return f"{occupancy.upper()}_{housekeeping_status.upper()}"


# --- outbound ------------------------------------------------------------------------------------


def room_status_body(room_number: str, housekeeping_status: str, hk_occupancy: str | None):
    """`putRoomRelatedStatus` body; housekeeping's own occupancy report only when it made one."""
    body: dict[str, Any] = {
        "roomList": [{"roomId": room_number}],
        "housekeepingRoomStatus": housekeeping_status,
    }
    if hk_occupancy in OCCUPANCY:
        body["housekeepingStatus"] = hk_occupancy
    return body


def out_of_order_body(room_number: str, out_of_order: Mapping[str, Any]) -> dict[str, Any]:
    """`postOutOfOrderRooms` / `postOutOfServiceRooms` body from our outOfOrder record."""
    details = {
        "reasonCode": "HOTELOPS",
        "reasonDescription": (out_of_order.get("reason") or "")[:2000],
        "returnStatus": out_of_order.get("returnStatus") or "Dirty",
        "start": (out_of_order.get("from") or "")[:10] or None,
        "end": (out_of_order.get("to") or "")[:10] or None,
    }
    ranges = {"roomIds": [room_number], "roomOutOfOrder": details}
    return {"criteria": {"roomRangeList": ranges}}


def charge_body(
    hotel_id: str, reservation_id: str, bill: Mapping[str, Any], transaction_code: str
) -> dict[str, Any]:
    """`postBillingCharges` body: one posting of the bill's total, the billing id as reference."""
    remark = ", ".join(f"{line['quantity']}x {line['name']}" for line in bill.get("items") or [])
    charge = {
        "transactionCode": transaction_code,
        # A two-place decimal string becomes a JSON number that reads back exactly.
        "price": {"amount": float(Decimal(bill["totalPrice"])), "currencyCode": bill["currency"]},
        "postingQuantity": 1,
        "postingReference": bill["billingId"],
        "postingRemark": f"Room service: {remark}"[:2000],
        "checkNumber": str(bill.get("orderId") or "")[:200],
    }
    return {
        "criteria": {
            "hotelId": hotel_id,
            "reservationId": {"id": reservation_id, "type": "Reservation"},
            "charges": [charge],
        }
    }


def check_in_body(room_number: str) -> dict[str, Any]:
    """`postCheckIn` body: the room our front desk gave the guest."""
    return {
        "reservation": {
            "roomId": room_number,
            "ignoreWarnings": True,
            "stopCheckin": False,
            "printRegistration": False,
        },
        "fetchReservationInstruction": ["ReservationDetail"],
        "includeNotifications": False,
    }


def check_out_body(hotel_id: str, reservation_id: str) -> dict[str, Any]:
    """`postCheckOut` body: the room goes Dirty, as ours does at check-out."""
    return {
        "reservation": {
            "hotelId": hotel_id,
            "reservationIdList": [{"id": reservation_id, "type": "Reservation"}],
            "eventType": "CheckOut",
            "checkoutInstr": {"roomStatus": "Dirty", "ignoreWarnings": True},
        },
        "verificationOnly": False,
    }


# --- inbound -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BusinessEvent:
    """One item of OHIP's business-events queue as plain values."""

    event_id: str
    module: str
    action: str
    key: str
    created: str | None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def new_value(self, element: str) -> Any:
        return self.changes.get(element, (None, None))[1]

    def old_value(self, element: str) -> Any:
        return self.changes.get(element, (None, None))[0]


def business_events(answer: Mapping[str, Any] | None) -> list[BusinessEvent]:
    events = []
    for item in (answer or {}).get("businessEventData") or []:
        event = item.get("businessEvent") or {}
        header = event.get("header") or {}
        changes = {
            str(detail.get("dataElement")): (detail.get("oldValue"), detail.get("newValue"))
            for detail in event.get("details") or []
        }
        events.append(
            BusinessEvent(
                event_id=str(item.get("businessEventId") or header.get("actionInstanceId")),
                module=str(header.get("moduleName") or ""),
                action=str(header.get("actionType") or ""),
                key=str(header.get("primaryKey") or ""),
                created=header.get("createdDateTime"),
                changes=changes,
            )
        )
    return events


def _id_of(ids: list[Mapping[str, Any]] | None, kind: str) -> str | None:
    return next((str(i["id"]) for i in ids or [] if i.get("type") == kind), None)


def reservation_from_info(info: Mapping[str, Any]) -> dict[str, Any]:
    """`pms.reservation.imported.v1` data from an rsv `reservationInfo` item."""
    stay = info.get("roomStay") or {}
    guest = info.get("reservationGuest") or {}
    name = " ".join(part for part in (guest.get("givenName"), guest.get("surname")) if part)
    room = stay.get("roomId") or (stay.get("currentRoomInfo") or {}).get("roomId")
    return {
        "pmsReservationId": _id_of(info.get("reservationIdList"), "Reservation"),
        "confirmationNumber": _id_of(info.get("reservationIdList"), "Confirmation"),
        "roomNumber": str(room) if room is not None else None,
        "guestName": name or guest.get("fullName") or "",
        "guestEmail": guest.get("email"),
        "arrival": stay.get("arrivalDate"),
        "departure": stay.get("departureDate"),
        "reservationStatus": info.get("reservationStatus"),
    }


def reservations_page(answer: Mapping[str, Any] | None) -> tuple[list[dict[str, Any]], bool]:
    """The reservations of one search page (as ours) and whether more pages follow."""
    block = (answer or {}).get("reservations") or {}
    infos = block.get("reservationInfo") or block.get("reservation") or []
    return [reservation_from_info(info) for info in infos], bool(block.get("hasMore"))


def overview_page(answer: Mapping[str, Any] | None) -> tuple[list[dict[str, Any]], bool]:
    """The rooms of one housekeepingOverview page as our status view, and whether more follow."""
    info = (answer or {}).get("housekeepingRoomInfo") or {}
    rooms = []
    for room in (info.get("housekeepingRooms") or {}).get("room") or []:
        status = (room.get("housekeeping") or {}).get("housekeepingRoomStatus") or {}
        opera_status = status.get("housekeepingRoomStatus")
        out_of_order = opera_status if opera_status in OUT_OF_ORDER_KINDS else None
        if out_of_order is None and room.get("outOfOrder"):
            out_of_order = room["outOfOrder"][0].get("housekeepingRoomStatus")
        rooms.append(
            {
                "roomNumber": str(room.get("roomId")),
                "housekeepingStatus": None if out_of_order else opera_status,
                "frontOfficeStatus": status.get("frontOfficeStatus"),
                "hkOccupancy": status.get("housekeepingStatus"),
                "outOfOrder": out_of_order,
            }
        )
    return rooms, bool(info.get("hasMore"))


def posting_with_reference(answer: Mapping[str, Any] | None, reference: str) -> int | None:
    """The transaction number of a folio posting carrying `reference`, if the folio has one."""
    for posting in (answer or {}).get("postings") or []:
        if (
            posting.get("reference") == reference
            and posting.get("postedAmount", {}).get("amount", 0) >= 0
        ):
            return int(posting["transactionNo"])
    return None


def posted_transaction(answer: Mapping[str, Any] | None) -> int | None:
    postings = (answer or {}).get("postings") or []
    return int(postings[0]["transactionNo"]) if postings else None
