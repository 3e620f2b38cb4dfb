"""OHIP response shapes of the mock's rooms, reservations and postings."""

from __future__ import annotations

from typing import Any

from pms_adapter.mock_opera.state import OperaState


def reservation_ids(reservation: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {"id": reservation["reservationId"], "type": "Reservation"},
        {"id": reservation["confirmationNumber"], "type": "Confirmation"},
    ]


def reservation_info(state: OperaState, r: dict[str, Any]) -> dict[str, Any]:
    room = state.rooms.get(r["roomId"] or "")
    return {
        "reservationIdList": reservation_ids(r),
        "roomStay": {
            "arrivalDate": r["arrivalDate"],
            "departureDate": r["departureDate"],
            "roomType": r["roomType"],
            "roomId": r["roomId"],
            "adultCount": r["adultCount"],
            "childCount": 0,
            "numberOfRooms": 1,
        },
        "reservationGuest": {
            "id": r["profileId"],
            "type": "Profile",
            "givenName": r["givenName"],
            "surname": r["surname"],
            "email": r["email"],
        },
        "hotelId": state.hotel_id,
        "reservationStatus": r["reservationStatus"],
        "computedReservationStatus": r["reservationStatus"],
        "roomStatus": state.effective_status(room) if room else None,
        "createDateTime": r["createDateTime"],
        "lastModifyDateTime": r["lastModifyDateTime"],
        "openFolio": r["reservationStatus"] == "InHouse",
    }


def overview_room(state: OperaState, room: dict[str, Any]) -> dict[str, Any]:
    guests = [
        r
        for r in state.reservations.values()
        if r["roomId"] == room["roomId"] and r["reservationStatus"] == "InHouse"
    ]
    item: dict[str, Any] = {
        "roomId": room["roomId"],
        "floor": room["floor"],
        "roomType": {"roomType": room["roomType"], "roomClass": "ALL"},
        "housekeeping": {
            "housekeepingRoomStatus": {
                "housekeepingRoomStatus": state.effective_status(room),
                "frontOfficeStatus": room["frontOfficeStatus"],
                "housekeepingStatus": room["housekeepingStatus"],
                "reservationStatusList": ["StayOver"] if guests else ["NotReserved"],
            },
            "roomPersons": {
                "frontOfficePersons": sum(r["adultCount"] for r in guests),
                "houseKeepingPersons": 0,
            },
        },
        "resvInfo": [
            {
                "reservationId": {"id": r["reservationId"], "type": "Reservation"},
                "guestName": f"{r['surname']}, {r['givenName']}",
                "roomId": r["roomId"],
                "adultCount": r["adultCount"],
                "childCount": 0,
            }
            for r in guests
        ],
    }
    if room["outOfOrder"]:
        item["outOfOrder"] = [room["outOfOrder"]]
    discrepancy = room_discrepancy(room)
    if discrepancy:
        item["discrepancy"] = [discrepancy]
    return item


def room_discrepancy(room: dict[str, Any]) -> str | None:
    front, housekeeping = room["frontOfficeStatus"], room["housekeepingStatus"]
    if front == "Occupied" and housekeeping == "Vacant":
        return "Skip"
    if front == "Vacant" and housekeeping == "Occupied":
        return "Sleep"
    return None


def posting_view(p: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in p.items() if key != "reservationId"}


def housekeeping_board(state: OperaState, page: list, paging: dict[str, Any]) -> dict[str, Any]:
    rooms = [overview_room(state, room) for room in page]
    return {
        "housekeepingRoomInfo": {"housekeepingRooms": {"room": rooms}, **paging},
        "links": [],
        "warnings": [],
    }


def reservations_details(state: OperaState, page: list, paging: dict[str, Any]) -> dict:
    infos = [reservation_info(state, reservation) for reservation in page]
    return {"reservations": {"reservationInfo": infos, **paging}, "links": [], "warnings": []}


def checked_in_reservation(reservation: dict[str, Any]) -> dict[str, Any]:
    """postCheckIn's answer: `reservation` is an array, the room is in currentRoomInfo."""
    item = {
        "reservationIdList": reservation_ids(reservation),
        "roomStay": {
            "arrivalDate": reservation["arrivalDate"],
            "departureDate": reservation["departureDate"],
            "currentRoomInfo": {
                "roomId": reservation["roomId"],
                "roomType": reservation["roomType"],
            },
        },
        "reservationStatus": reservation["reservationStatus"],
    }
    return {"reservation": [item], "links": [], "warnings": []}


def billing_charges_details(postings: list[dict[str, Any]]) -> dict[str, Any]:
    codes = [
        {"transactionCode": p["transactionCode"], "description": "Room Service"} for p in postings
    ]
    return {
        "postings": [posting_view(p) for p in postings],
        "trxCodesInfo": codes,
        "links": [],
        "warnings": [],
    }
