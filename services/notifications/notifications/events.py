"""The events notifications consumes, grouped by who hears them; it publishes none."""

from __future__ import annotations

ROOM_EVENTS = (
    "rooms.room.status_changed.v1",
    "rooms.room.created.v1",
    "rooms.room.updated.v1",
    "rooms.room.deleted.v1",
    "rooms.customer.checked_in.v1",
    "rooms.customer.checked_out.v1",
    "rooms.customer.stay_extended.v1",
)
FRONT_DESK_EVENTS = (
    "rooms.booking.created.v1",
    "rooms.booking.cancelled.v1",
    "rooms.contact_message.created.v1",
)
TASK_EVENTS = (
    "tasks.request.created.v1",
    "tasks.task.assigned.v1",
    "tasks.task.unassigned.v1",
    "tasks.task.status_changed.v1",
    "tasks.task.completed.v1",
)
# A task's priority changed: always a live hint, an inbox entry only when it rose to high/urgent.
TASK_UPDATE_EVENTS = ("tasks.task.updated.v1",)
ESCALATION_EVENTS = ("tasks.task.escalated.v1",)
ORDER_EVENTS = (
    "fnb.order.placed.v1",
    "fnb.order.status_changed.v1",
    "fnb.order.cancelled.v1",
)
NOTIFIED_EVENTS = (
    ROOM_EVENTS
    + FRONT_DESK_EVENTS
    + TASK_EVENTS
    + TASK_UPDATE_EVENTS
    + ESCALATION_EVENTS
    + ORDER_EVENTS
)
# Not an integration event: the inbox record and Socket.IO event of an alert a person sent.
ALERT_SENT = "alert.sent"
ALERT_READ = "alert.read"
