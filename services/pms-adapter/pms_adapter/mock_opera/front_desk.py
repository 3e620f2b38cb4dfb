"""The mock front desk and cashier: reservations, check-in/out, folios (an OperaState mixin)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pms_adapter.mock_opera.vocabulary import (
    CANCEL_RESERVATION,
    CANCELLED,
    CHECK_IN,
    CHECK_OUT,
    CHECKED_OUT,
    IN_HOUSE,
    NEW_RESERVATION,
    RESERVATION_MODULE,
    RESERVED,
    SEARCH_STATUS_TO_RESPONSE,
    SETTABLE_BY_STATUS_CALL,
    UPDATE_RESERVATION,
    OperaError,
    iso,
    now_utc,
)


class FrontDesk:
    # --- reservations --------------------------------------------------------------------------

    def add_reservation(self, details: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            reservation_id = str(self._next("reservation"))
            stamp = iso(now_utc())
            reservation = {
                "reservationId": reservation_id,
                "confirmationNumber": str(self._next("confirmation")),
                "profileId": str(self._next("profile")),
                "roomId": details.get("roomId"),
                "roomType": details.get("roomType", "STDK"),
                "givenName": details.get("givenName", ""),
                "surname": details.get("surname", ""),
                "email": details.get("email"),
                "arrivalDate": details["arrivalDate"],
                "departureDate": details["departureDate"],
                "adultCount": details.get("adultCount", 1),
                "reservationStatus": details.get("reservationStatus", RESERVED),
                "createDateTime": stamp,
                "lastModifyDateTime": stamp,
            }
            if reservation["roomId"] is not None:
                self.room(reservation["roomId"])
            self.reservations[reservation_id] = reservation
            self._emit(
                RESERVATION_MODULE,
                NEW_RESERVATION,
                reservation_id,
                [
                    {"dataElement": "Arrival Date", "newValue": reservation["arrivalDate"]},
                    {"dataElement": "Room", "newValue": reservation["roomId"]},
                ],
            )
            if reservation["reservationStatus"] == IN_HOUSE and reservation["roomId"]:
                self._occupy(reservation["roomId"], True)
            self.save()
            return dict(reservation)

    def reservation(self, reservation_id: str) -> dict[str, Any]:
        reservation = self.reservations.get(reservation_id)
        if reservation is None:
            raise OperaError(404, "Reservation can't be found", "FOF00066", "reservationId")
        return reservation

    def modify_reservation(self, reservation_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        editable = (
            "roomId",
            "givenName",
            "surname",
            "email",
            "arrivalDate",
            "departureDate",
            "adultCount",
            "roomType",
        )
        with self.lock:
            reservation = self.reservation(reservation_id)
            if changes.get("roomId") is not None:
                self.room(changes["roomId"])
            details = []
            for key in editable:
                if key in changes and changes[key] != reservation[key]:
                    details.append(
                        {"dataElement": key, "oldValue": reservation[key], "newValue": changes[key]}
                    )
                    reservation[key] = changes[key]
            if details:
                reservation["lastModifyDateTime"] = iso(now_utc())
                self._emit(RESERVATION_MODULE, UPDATE_RESERVATION, reservation_id, details)
            self.save()
            return dict(reservation)

    def cancel_reservation(self, reservation_id: str) -> dict[str, Any]:
        with self.lock:
            reservation = self.reservation(reservation_id)
            if reservation["reservationStatus"] not in (RESERVED, "DueIn"):
                raise OperaError(
                    400,
                    "Only a reservation not yet arrived can be cancelled",
                    "RSV00031",
                    "reservationStatus",
                )
            self._move(reservation, CANCELLED, CANCEL_RESERVATION)
            self.save()
            return dict(reservation)

    def check_in(self, reservation_id: str, room_id: str | None) -> dict[str, Any]:
        with self.lock:
            reservation = self.reservation(reservation_id)
            if reservation["reservationStatus"] not in (RESERVED, "DueIn"):
                raise OperaError(400, "Reservation is not due in", "FOF00109", "reservationStatus")
            room_id = room_id or reservation["roomId"]
            if room_id is None:
                raise OperaError(400, "A room must be assigned to check in", "FOF00114", "roomId")
            self.room(room_id)
            reservation["roomId"] = room_id
            self._move(reservation, IN_HOUSE, CHECK_IN)
            self._occupy(room_id, True)
            self.save()
            return dict(reservation)

    def check_out(self, reservation_id: str, room_status: str | None) -> dict[str, Any]:
        with self.lock:
            reservation = self.reservation(reservation_id)
            if reservation["reservationStatus"] != IN_HOUSE:
                raise OperaError(
                    400, "Reservation is not in house", "FOF00109", "reservationStatus"
                )
            self._move(reservation, CHECKED_OUT, CHECK_OUT)
            room = self.room(reservation["roomId"])
            self._occupy(room["roomId"], False)
            if not room["outOfOrder"]:
                status = room_status if room_status in SETTABLE_BY_STATUS_CALL else "Dirty"
                self.set_room_status([room["roomId"]], status, "Vacant", by_interface=False)
            self.save()
            return dict(reservation)

    def _move(self, reservation: dict[str, Any], status: str, action: str) -> None:
        old = reservation["reservationStatus"]
        reservation["reservationStatus"] = status
        reservation["lastModifyDateTime"] = iso(now_utc())
        self._emit(
            RESERVATION_MODULE,
            action,
            reservation["reservationId"],
            [
                {"dataElement": "Reservation Status", "oldValue": old, "newValue": status},
                {"dataElement": "Room", "newValue": reservation["roomId"]},
            ],
        )

    def _occupy(self, room_id: str, occupied: bool) -> None:
        # Housekeeping's own report follows here too; a PMS user can make them differ.
        occupancy = "Occupied" if occupied else "Vacant"
        self.room(room_id).update(frontOfficeStatus=occupancy, housekeepingStatus=occupancy)

    def search_reservations(self, criteria: dict[str, Any]) -> list[dict[str, Any]]:
        def within(value: str, start: str | None, end: str | None) -> bool:
            return (start is None or value >= start) and (end is None or value <= end)

        statuses: set[str] = set()
        for name in criteria.get("reservationStatuses") or []:
            statuses |= SEARCH_STATUS_TO_RESPONSE.get(name, {name})
        ids = set(criteria.get("reservationIdList") or [])
        with self.lock:
            found = [
                dict(r)
                for r in self.reservations.values()
                if within(
                    r["arrivalDate"],
                    criteria.get("arrivalStartDate"),
                    criteria.get("arrivalEndDate"),
                )
                and within(
                    r["departureDate"],
                    criteria.get("departureStartDate"),
                    criteria.get("departureEndDate"),
                )
                and (not statuses or r["reservationStatus"] in statuses)
                and (not ids or r["reservationId"] in ids)
                and (criteria.get("roomId") is None or r["roomId"] == criteria["roomId"])
            ]
        return sorted(found, key=lambda r: (r["arrivalDate"], int(r["reservationId"])))

    # --- cashiering ----------------------------------------------------------------------------

    def post_charges(self, reservation_id: str, charges: list[dict[str, Any]]) -> list[dict]:
        with self.lock:
            reservation = self.reservation(reservation_id)
            if reservation["reservationStatus"] != IN_HOUSE:
                raise OperaError(
                    400, "Charges post only to an in-house reservation", "CSH00042", "reservationId"
                )
            posted = []
            today = now_utc().date().isoformat()
            for charge in charges:
                price = charge.get("price") or {}
                try:
                    amount = Decimal(str(price["amount"]))
                except Exception:
                    raise OperaError(400, "price.amount is required", "CSH00010", "price") from None
                quantity = int(charge.get("postingQuantity") or 1)
                total = amount * quantity
                posting = {
                    "transactionNo": self._next("trx"),
                    "reservationId": reservation_id,
                    "transactionCode": str(charge.get("transactionCode") or ""),
                    "transactionDescription": "Room Service",
                    "price": {"amount": float(amount), "currencyCode": price.get("currencyCode")},
                    "postedAmount": {
                        "amount": float(total),
                        "currencyCode": price.get("currencyCode"),
                    },
                    "quantity": quantity,
                    "transactionType": "Revenue",
                    "debitAmount": float(total) if total >= 0 else 0.0,
                    "creditAmount": float(-total) if total < 0 else 0.0,
                    "reference": charge.get("postingReference"),
                    "remark": charge.get("postingRemark"),
                    "checkNo": charge.get("checkNumber"),
                    "postingDate": today,
                    "revenueDate": today,
                    "folioWindowNo": charge.get("folioWindowNo") or 1,
                }
                self.postings.append(posting)
                posted.append(posting)
            self.save()
            return [dict(p) for p in posted]

    def postings_of(self, reservation_id: str) -> list[dict[str, Any]]:
        with self.lock:
            self.reservation(reservation_id)
            return [dict(p) for p in self.postings if p["reservationId"] == reservation_id]
