"""HANDLERS: each event people care about, stored once in the inbox, then pushed to its audiences.

The push is an adapter the process wires in: the worker passes its Socket.IO message-queue
publisher to `make_handlers`, a test a recorder. `auth.access.revoked.v1` is kept in the
service's own `revoked_access` (hotel_shared.revocations): the verifier refuses the subject's
earlier tokens, the hub (sockets.py) closes their open sockets, and their Web Push devices are
forgotten.
"""

from __future__ import annotations

from hotel_shared.inbox import EventHandler, InboundEvent
from hotel_shared.revocations import ACCESS_REVOKED, REVOCATION_HANDLERS
from hotel_shared.timeutil import utc_now
from notifications import events
from notifications.service import inbox as inbox_service
from notifications.service import push as push_use_cases
from notifications.service.inbox import Emit
from notifications.service.push import Wake, no_wake
from notifications.store import NotificationsStores


def make_handlers(emit: Emit, wake: Wake = no_wake) -> dict[str, EventHandler]:
    """HANDLERS for every notified event type, pushing through `emit` after each commit (and
    waking the Web Push sender when pushes were queued), and for the revocations the verifier
    and the hub read. Any number of workers may run them: inbox times come from the clock they
    share in the database (NotificationsStores.next_inbox_time), never from the process."""

    def on_notified_event(stores: NotificationsStores, event: InboundEvent) -> None:
        inbox_service.notify(
            stores,
            event.context,
            emit,
            event_id=event.id,
            event_type=event.type,
            time=event.time,
            data=event.data,
            changes=event.changes,
            created_at=utc_now(),
            wake=wake,
        )

    def on_access_revoked(stores: NotificationsStores, event: InboundEvent) -> None:
        REVOCATION_HANDLERS[ACCESS_REVOKED](stores, event)
        push_use_cases.forget_user_devices(stores, event.context, str(event.data["subjectId"]))

    return {
        **dict.fromkeys(events.NOTIFIED_EVENTS, on_notified_event),
        **REVOCATION_HANDLERS,
        ACCESS_REVOKED: on_access_revoked,
    }
