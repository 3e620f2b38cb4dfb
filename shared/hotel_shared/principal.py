"""Who is calling, as plain values: roles, the Principal, and the guest's one-room scope.

Free of Flask so that a service's rules.py can use it; `hotel_shared.auth` verifies tokens into it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hotel_shared.errors import Forbidden

ROLES = ("hotelAdmin", "frontOffice", "supervisor", "staff", "restaurantAdmin", "guest")
STAFF_ROLES = ("hotelAdmin", "frontOffice", "supervisor", "staff", "restaurantAdmin")


@dataclass(frozen=True)
class Principal:
    """Who is calling: a staff user, or a guest scoped to one room."""

    user_id: str
    username: str
    role: str
    department: str | None = None
    employee_code: str | None = None
    room_number: str | None = None
    # When the token was issued (epoch seconds): what a later revocation is compared with.
    issued_at: float | None = None

    @property
    def is_guest(self) -> bool:
        return self.role == "guest"

    def as_actor(self) -> dict[str, str]:
        """The `actor` of an event envelope."""
        return {"userId": self.user_id, "username": self.username, "role": self.role}

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> Principal:
        return cls(
            user_id=str(claims["sub"]),
            username=str(claims.get("username", "")),
            role=str(claims["role"]),
            department=claims.get("department"),
            employee_code=claims.get("employeeCode"),
            room_number=claims.get("roomNumber"),
            issued_at=float(claims["iat"]) if "iat" in claims else None,
        )


@dataclass(frozen=True)
class Context:
    """Who asked, and which request or event chain it belongs to: every use case takes one.

    A route builds it from the verified token and X-Request-ID (`hotel_shared.auth.
    request_context()`); an event handler from the event it reacts to (`event.context`), with no
    principal (a system action) and the upstream actor carried on into the events it causes.
    """

    principal: Principal | None = None
    correlation_id: str | None = None
    upstream_actor: dict[str, Any] | None = None

    @property
    def actor(self) -> dict[str, Any] | None:
        """The `actor` of the events this action publishes."""
        return self.principal.as_actor() if self.principal else self.upstream_actor


class NotYourRoom(Forbidden):
    code = "not_your_room"


GUEST_ID_PREFIX = "guest:"


def guest_stay_id(principal: Principal | None) -> str | None:
    """The stay (its customerId) a guest's token was issued for, from `sub` = "guest:<id>".

    None for staff, for no principal, and for a guest token without the prefix or an id.
    """
    if principal is None or not principal.is_guest:
        return None
    user_id = principal.user_id
    if not user_id.startswith(GUEST_ID_PREFIX):
        return None
    return user_id[len(GUEST_ID_PREFIX) :] or None


def check_guest_room(principal: Principal, room_number: str) -> None:
    """A guest reaches only the room of their stay; staff are not limited here."""
    if principal.is_guest and principal.room_number != str(room_number):
        raise NotYourRoom("a guest may act only for their own room")
