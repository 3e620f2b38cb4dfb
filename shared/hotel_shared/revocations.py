"""Revoked access ends at once: auth publishes a revocation, every service refuses the tokens.

Access tokens are verified locally, so a deactivated user's or a checked-out guest's unexpired
token would otherwise keep working until it expires. Auth publishes `auth.access.revoked.v1`
(subject, when, until when a token issued before it could live); each service's consumer keeps
it in its own `revoked_access` collection (`on_access_revoked`, in every service's HANDLERS),
and each web process's TokenVerifier consults a copy of that small list, refreshed at most every
half second, refusing tokens of the subject issued at or before the revocation. An entry expires
once every token it covers has.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from pymongo.database import Database
from pymongo.errors import PyMongoError

from hotel_shared.expiry import ensure_expiring_index
from hotel_shared.inbox import InboundEvent
from hotel_shared.timeutil import parse_iso, to_iso, utc_now

log = logging.getLogger(__name__)

ACCESS_REVOKED = "auth.access.revoked.v1"
REVOKED_COLLECTION = "revoked_access"
REFRESH_INTERVAL_S = 0.5


def revocation_data(
    subject_id: str, *, reason: str, revoked_at: datetime, expires_at: datetime, **extra: Any
) -> dict[str, Any]:
    """The payload of `auth.access.revoked.v1` (auth builds it; the rest only read it)."""
    return {
        "subjectId": subject_id,
        "reason": reason,
        "revokedAt": to_iso(revoked_at),
        "expiresAt": to_iso(expires_at),
        **extra,
    }


def ensure_revocation_indexes(db: Database) -> None:
    ensure_expiring_index(db[REVOKED_COLLECTION], "expiresAt", seconds=0, name="revocation_ttl")


def record_revocation(db: Database, session: Any, data: Mapping[str, Any]) -> None:
    """Keep the latest revocation of a subject (a later one covers an earlier one)."""
    revoked_at = parse_iso(str(data["revokedAt"]))
    expires_at = parse_iso(str(data["expiresAt"]))
    db[REVOKED_COLLECTION].update_one(
        {"_id": str(data["subjectId"])},
        {
            "$max": {"revokedAt": revoked_at, "expiresAt": expires_at},
            "$set": {"reason": data.get("reason")},
        },
        upsert=True,
        session=session,
    )


def on_access_revoked(stores: Any, event: InboundEvent) -> None:
    """The handler every service adds to its HANDLERS (`**REVOCATION_HANDLERS`)."""
    stores.record_revocation(event.data)


REVOCATION_HANDLERS = {ACCESS_REVOKED: on_access_revoked}


class RevocationList:
    """A process's copy of its service's `revoked_access`, refreshed at most every half second.

    `database` is called on refresh, not before: the Mongo client is made per process, lazily,
    after gunicorn forks.
    """

    def __init__(
        self, database: Callable[[], Database], refresh_interval_s: float = REFRESH_INTERVAL_S
    ) -> None:
        self._database = database
        self._refresh_interval_s = refresh_interval_s
        self._revoked: dict[str, float] = {}
        self._loaded_at = float("-inf")
        self._lock = threading.Lock()

    def revoked_at(self, subject_id: str) -> float | None:
        """The epoch second of the subject's latest revocation, or None."""
        self._refresh_if_stale()
        return self._revoked.get(subject_id)

    def is_revoked(self, subject_id: str, issued_at: float) -> bool:
        """A token issued at or before its subject's revocation is refused."""
        revoked = self.revoked_at(subject_id)
        return revoked is not None and issued_at <= revoked

    def _refresh_if_stale(self) -> None:
        if time.monotonic() - self._loaded_at < self._refresh_interval_s:
            return
        # The first load is waited for. Later, one thread refreshes and the others go on with
        # the copy of at most one interval ago instead of queueing behind its round trip (that
        # queue was a stall of every request thread twice a second).
        first_load = self._loaded_at == float("-inf")
        if not self._lock.acquire(blocking=first_load):
            return
        try:
            if time.monotonic() - self._loaded_at < self._refresh_interval_s:
                return
            try:
                now = utc_now()
                entries = self._database()[REVOKED_COLLECTION].find(
                    {"expiresAt": {"$gt": now}}, {"revokedAt": 1}
                )
                self._revoked = {e["_id"]: e["revokedAt"].timestamp() for e in entries}
            except PyMongoError as error:
                # Keep the last copy; the request itself needs Mongo and will say 503 if down.
                log.warning("cannot refresh the revocation list: %s", error)
            self._loaded_at = time.monotonic()
        finally:
            self._lock.release()
