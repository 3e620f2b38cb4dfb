"""OPERA's vocabulary as the mock uses it: enums, business-event names, its error, time."""

from __future__ import annotations

from datetime import UTC, datetime

HOUSEKEEPING_STATUSES = ("Clean", "Dirty", "Pickup", "Inspected", "OutOfOrder", "OutOfService")
SETTABLE_BY_STATUS_CALL = ("Clean", "Dirty", "Pickup", "Inspected")
OCCUPANCY = ("Vacant", "Occupied")
# Response enum of reservationStatus.
RESERVED, IN_HOUSE, CHECKED_OUT, CANCELLED = "Reserved", "InHouse", "CheckedOut", "Cancelled"
RESERVATION_STATUSES = (
    "Reserved",
    "Requested",
    "NoShow",
    "Cancelled",
    "InHouse",
    "CheckedOut",
    "Waitlisted",
    "DueIn",
    "DueOut",
    "Walkin",
    "PendingCheckout",
)
# The search filter's enum differs from the response's: CheckedIn and WaitList.
SEARCH_STATUS_TO_RESPONSE = {
    "Cancelled": {"Cancelled"},
    "CheckedOut": {"CheckedOut"},
    "CheckedIn": {"InHouse"},
    "InHouse": {"InHouse"},
    "DueIn": {"Reserved", "DueIn"},
    "DueOut": {"InHouse", "DueOut"},
    "NoShow": {"NoShow"},
    "WaitList": {"Waitlisted"},
}

# Business-event names (moduleName, actionType) the queue carries.
RESERVATION_MODULE, HOUSEKEEPING_MODULE = "Reservation", "Housekeeping"
NEW_RESERVATION, UPDATE_RESERVATION, CANCEL_RESERVATION = (
    "NEW RESERVATION",
    "UPDATE RESERVATION",
    "CANCEL RESERVATION",
)
CHECK_IN, CHECK_OUT, UPDATE_ROOM_STATUS = "CHECK IN", "CHECK OUT", "UPDATE ROOM STATUS"

MAX_EVENTS_PER_POLL = 20
CALL_LOG_LIMIT = 20_000


class OperaError(Exception):
    """A refusal OPERA answers with an exceptionDetailType body (400 or 404)."""

    def __init__(self, status: int, detail: str, code: str, path: str | None = None):
        super().__init__(detail)
        self.status, self.detail, self.code, self.path = status, detail, code, path


def now_utc() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
