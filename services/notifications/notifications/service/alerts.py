"""Use cases of alerts: send one to a department, a role or a person; list them with receipts."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from hotel_shared.principal import Context
from hotel_shared.store import unit_of_work
from hotel_shared.timeutil import utc_now
from notifications.events import ALERT_SENT
from notifications.rules import alerts as alert_rules
from notifications.rules import inbox as inbox_rules
from notifications.service.inbox import Emit, reader
from notifications.service.push import no_wake, queue_web_pushes
from notifications.store import NotificationsStores

log = logging.getLogger(__name__)
Document = dict[str, Any]


@unit_of_work
def send_alert(
    stores: NotificationsStores,
    ctx: Context,
    emit: Emit,
    fields: Mapping[str, Any],
    departments: tuple[str, ...],
) -> Document:
    """Store an alert and its inbox record for its audience, then push `alert.sent` live.

    The sender's own copy (a supervisor alerting their own department is in it) is read already.
    """
    sender = reader(ctx)
    kind, value = fields["audience"]["kind"], fields["audience"]["value"]
    room = alert_rules.alert_room(sender, kind, value, departments)
    alert = alert_rules.build_alert(
        alert_id=str(uuid.uuid4()),
        sender=sender,
        kind=kind,
        value=value,
        room=room,
        message=fields["message"],
        priority=fields["priority"],
        created_at=utc_now(),
    )
    notification = alert_rules.alert_notification(alert)
    with stores.transaction() as tx:
        tx.insert_alert(alert)
        tx.insert_notification(notification)
        # The inbox entry's time (the inbox clock set it at insert): the sender's read-all mark
        # compares against that one, not the alert's own.
        tx.add_read(sender.user_id, alert["_id"], notification["createdAt"])
        tx.after_commit(
            lambda: emit(notification["event"], inbox_rules.socket_payload(notification), [room])
        )
        queue_web_pushes(
            tx, ctx, no_wake, ALERT_SENT, notification["raw"], alert["_id"], audiences=[room]
        )
    log.info("alert %s sent to %s", alert["_id"], room, extra={"correlationId": ctx.correlation_id})
    return alert_rules.with_receipts(alert, [])


def list_alerts(
    stores: NotificationsStores, ctx: Context, *, limit: int, offset: int
) -> tuple[list[Document], int]:
    """The caller's sent alerts (a hotelAdmin's: everyone's), newest first, with receipts."""
    viewer = reader(ctx)
    sender = None if viewer.role == "hotelAdmin" else viewer.user_id
    alerts, total = stores.find_alerts(sender, limit=limit, offset=offset)
    receipts = stores.receipts_of([alert["_id"] for alert in alerts])
    return [alert_rules.with_receipts(alert, receipts[alert["_id"]]) for alert in alerts], total


def get_alert(stores: NotificationsStores, ctx: Context, alert_id: str) -> Document:
    """One alert with who has read it: for its sender or a hotelAdmin only."""
    viewer = reader(ctx)
    alert = stores.find_alert(alert_id)
    if alert is None or not alert_rules.may_see_alert(alert, viewer):
        raise alert_rules.AlertNotFound(alert_id)
    return alert_rules.with_receipts(alert, stores.receipts_of([alert_id])[alert_id])
