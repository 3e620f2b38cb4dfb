"""Use cases of the sync: queue work for the PMS, take in what it says, measure and repair drift.

Work for the PMS is written to `pms_outbox` in the consuming event's transaction (with its inbox
mark); `sender.py` delivers it. What comes from the PMS becomes our events through the outbox.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from hotel_shared.inbox import AlreadyProcessed
from hotel_shared.principal import Context
from hotel_shared.store import unit_of_work
from hotel_shared.timeutil import parse_iso, to_iso, utc_now
from pms_adapter import events, rules, translate
from pms_adapter.opera_client import OperaClient, PmsRejected, PmsUnavailable
from pms_adapter.store import PmsStores

Document = dict[str, Any]
RESERVATION_WINDOW_DAYS = (1, 30)  # arrivals from yesterday to a month ahead
OPERA_EVENT = "opera.business_event"


# --- our side, as the rooms and fnb events tell it ---------------------------------------------


def _ours(room: Document) -> Document:
    view = rules.room_view(room)
    view["outOfOrderDetail"] = room.get("outOfOrder")
    return view


def _room_work(number: str, ours: Document, version: int, sent_version: int | None) -> Document:
    return {
        "_id": f"room:{number}",
        "kind": rules.ROOM_STATUS,
        "roomNumber": number,
        "desired": ours,
        "version": version,
        "sentVersion": sent_version,
        "state": rules.PENDING,
        "attempts": 0,
        "nextAttemptAt": utc_now(),
        "claimedUntil": None,
        "lastError": None,
        "queuedAt": utc_now(),
    }


@unit_of_work
def follow_room(stores: PmsStores, ctx: Context, room: Document, send: bool) -> bool:
    """Keep our room's latest state; with `send`, ask the PMS for it. An older state is ignored."""
    number, version = str(room["roomNumber"]), int(room.get("version") or 0)
    with stores.transaction() as tx:
        if not rules.is_newer(version, tx.find_room_state(number)):
            return False
        ours = _ours(room)
        tx.save_room_state(number, ours, version)
        if send:
            existing = tx.find_outbox(f"room:{number}")
            sent = existing.get("sentVersion") if existing else None
            tx.put_room_work(_room_work(number, ours, version, sent))
    return True


@unit_of_work
def forget_room(stores: PmsStores, ctx: Context, number: str) -> None:
    with stores.transaction() as tx:
        tx.forget_room(number)


@unit_of_work
def queue_bill(stores: PmsStores, ctx: Context, bill: Document) -> bool:
    """A bill becomes one folio posting to make (a redelivered bill is the same posting)."""
    with stores.transaction() as tx:
        return tx.add_work(
            {
                "_id": f"charge:{bill['billingId']}",
                "kind": rules.CHARGE,
                "billingId": bill["billingId"],
                "roomNumber": bill["roomNumber"],
                "bill": bill,
                "state": rules.PENDING,
                "attempts": 0,
                "nextAttemptAt": utc_now(),
                "claimedUntil": None,
                "lastError": None,
                "queuedAt": utc_now(),
            }
        )


@unit_of_work
def link_booking(stores: PmsStores, ctx: Context, pms_reservation_id: str, booking_id: str):
    with stores.transaction() as tx:
        tx.link_booking(pms_reservation_id, booking_id)


@unit_of_work
def queue_stay_move(
    stores: PmsStores, ctx: Context, booking_id: str | None, room_number: str, action: str
) -> bool:
    """Our front desk checked a PMS guest in or out: OPERA is to be told (others it never knew)."""
    with stores.transaction() as tx:
        known = tx.find_reservation_of_booking(booking_id) if booking_id else None
        if known is None:
            return False
        return tx.add_work(
            {
                "_id": f"stay:{known['_id']}:{action}",
                "kind": rules.STAY,
                "action": action,
                "pmsReservationId": known["_id"],
                "roomNumber": room_number,
                "state": rules.PENDING,
                "attempts": 0,
                "nextAttemptAt": utc_now(),
                "claimedUntil": None,
                "lastError": None,
                "queuedAt": utc_now(),
            }
        )


# --- the PMS's side, as its business events and searches tell it ----------------------------------


def _mark(tx: PmsStores, event_id: str | None) -> None:
    if event_id is not None:
        tx.mark_processed({"id": f"opera:{event_id}", "type": OPERA_EVENT})


@unit_of_work
def import_reservation(
    stores: PmsStores, ctx: Context, data: Document, event_id: str | None = None
) -> bool:
    """Publish a PMS reservation as `pms.reservation.imported.v1` when it is new or changed."""
    try:
        with stores.transaction() as tx:
            _mark(tx, event_id)
            if not data.get("pmsReservationId") or not data.get("roomNumber"):
                return False  # no room assigned yet: its update will carry one
            known = tx.find_reservation(data["pmsReservationId"])
            if known is not None and known.get("data") == data:
                return False
            tx.save_reservation(data["pmsReservationId"], data, utc_now())
            tx.record(events.reservation_imported(data, ctx))
            return True
    except AlreadyProcessed:
        return False


@unit_of_work
def take_pms_room_status(
    stores: PmsStores,
    ctx: Context,
    number: str,
    pms_status: str | None,
    event_id: str | None,
    created: datetime | None = None,
) -> str:
    """A room status the PMS reports: our own change coming back, agreement, or a PMS-side move."""
    try:
        with stores.transaction() as tx:
            _mark(tx, event_id)
            state = tx.find_room_state(number) or {}
            ours = state.get("ours") or {}
            is_out_of_order = pms_status in translate.OUT_OF_ORDER_KINDS
            pms = {
                "housekeepingStatus": None if is_out_of_order else pms_status,
                "outOfOrder": pms_status if is_out_of_order else None,
            }
            now = utc_now()
            tx.note_pms_status(number, pms, now)
            # recentSent since this release; an older state has lastSent alone.
            recent = state.get("recentSent") or (
                [state["lastSent"]] if state.get("lastSent") else []
            )
            if rules.is_echo(pms_status, recent, now):
                return "echo"
            if rules.is_superseded(created, state.get("lastSent")):
                return "superseded"
            if ours and ours.get("housekeepingStatus") == pms["housekeepingStatus"]:
                return "agrees"
            tx.record(events.room_status_changed(number, pms, ours, "pms_user", ctx))
            return "published"
    except AlreadyProcessed:
        return "duplicate"


def handle_business_event(
    stores: PmsStores, client: OperaClient, event: translate.BusinessEvent
) -> str:
    ctx = Context()
    if event.module == translate.RESERVATION_MODULE:
        try:
            answer = client.get_reservation(event.key)
        except PmsRejected:
            return "unknown_reservation"
        reservations, _ = translate.reservations_page(answer)
        if not reservations:
            return "unknown_reservation"
        imported = import_reservation(stores, ctx, reservations[0], event.event_id)
        return "imported" if imported else "unchanged"
    if event.module == translate.HOUSEKEEPING_MODULE:
        status = event.new_value(translate.ROOM_STATUS_ELEMENT)
        if status is None:
            return "ignored"
        created = parse_iso(event.created) if event.created else None
        return take_pms_room_status(stores, ctx, event.key, status, event.event_id, created)
    return "ignored"


def import_reservation_window(stores: PmsStores, client: OperaClient, today: date) -> int:
    """Search OPERA by arrival window and in-house status (it has no modified-since filter)."""
    before, ahead = RESERVATION_WINDOW_DAYS
    searches = [
        {
            "arrivalStartDate": (today - timedelta(days=before)).isoformat(),
            "arrivalEndDate": (today + timedelta(days=ahead)).isoformat(),
        },
        {"reservationStatuses": ["CheckedIn"]},
    ]
    imported = 0
    for criteria in searches:
        offset, more = 0, True
        while more:
            answer = client.search_reservations({**criteria, "limit": 100, "offset": offset})
            page, more = translate.reservations_page(answer)
            for data in page:
                imported += import_reservation(stores, Context(), data)
            offset += len(page)
            more = more and bool(page)
    return imported


# --- drift, reconcile, status ----------------------------------------------------------------


def pms_rooms(client: OperaClient) -> list[Document]:
    rooms, offset, more = [], 0, True
    while more:
        page, more = translate.overview_page(client.housekeeping_overview(100, offset))
        rooms += page
        offset += len(page)
        more = more and bool(page)
    return rooms


def our_rooms(stores: PmsStores) -> dict[str, Document]:
    return {
        state["roomNumber"]: {k: v for k, v in state["ours"].items() if k != "outOfOrderDetail"}
        for state in stores.all_room_states()
        if state.get("ours")
    }


def refresh_rooms(stores: PmsStores, rooms: list[Document] | None) -> None:
    """Bring the projection up to date from a read of the rooms API (newer versions only)."""
    for room in rooms or []:
        follow_room(stores, Context(), room, False)


def drift_report(
    stores: PmsStores, client: OperaClient, rooms: list[Document] | None = None
) -> list[Document]:
    """Drift per room; `rooms`, when read from the rooms API, refreshes our side first."""
    refresh_rooms(stores, rooms)
    try:
        return rules.drift(our_rooms(stores), pms_rooms(client))
    except PmsUnavailable as error:
        raise rules.PmsUnreachable(f"the PMS cannot be reached: {error}") from None


@unit_of_work
def _repair(stores: PmsStores, ctx: Context, item: Document, actions: list[str]) -> None:
    number = item["roomNumber"]
    with stores.transaction() as tx:
        state = tx.find_room_state(number) or {}
        if "send_ours" in actions and state.get("ours"):
            existing = tx.find_outbox(f"room:{number}")
            sent = existing.get("sentVersion") if existing else None
            tx.put_room_work(_room_work(number, state["ours"], int(state["version"]), sent))
        if "emit_pms" in actions:
            pms = {"frontOfficeStatus": item["pms"]["frontOfficeStatus"]}
            tx.note_pms_status(number, item["pms"], utc_now())
            tx.record(events.room_status_changed(number, pms, item["ours"], "reconcile", ctx))


def reconcile(
    stores: PmsStores,
    client: OperaClient,
    ctx: Context,
    today: date,
    rooms: list[Document] | None = None,
    *,
    retry_failed: bool = True,
) -> Document:
    """Repair drift by the policy (ours win on housekeeping, the PMS on occupancy), re-read the
    PMS's reservations, and record what was done; asked by a person, failed work is retried."""
    items = drift_report(stores, client, rooms)
    actions = []
    for item in items:
        repairs = rules.repairs(item)
        _repair(stores, ctx, item, repairs)
        actions.append(
            {"roomNumber": item["roomNumber"], "fields": item["fields"], "actions": repairs}
        )
    try:
        imported = import_reservation_window(stores, client, today)
    except PmsUnavailable as error:
        raise rules.PmsUnreachable(f"the PMS cannot be reached: {error}") from None
    # What the PMS refused (a bill before its guest was in house there) gets another round.
    requeued = stores.requeue_failed(utc_now()) if retry_failed else 0
    run = {
        "_id": f"reconcile:{uuid.uuid4()}",
        "at": utc_now(),
        "actor": (ctx.actor or {}).get("username"),
        "drifted": len(items),
        "actions": actions,
        "reservationsImported": imported,
        "requeued": requeued,
    }
    stores.record_reconcile(run)
    return run


def status_report(stores: PmsStores) -> Document:
    health = stores.health()
    last = stores.last_reconcile()
    return {
        "pmsReachable": bool(health.get("reachable")),
        "breaker": health.get("breaker", "closed"),
        "lastSyncAt": to_iso(health["lastSyncAt"]) if health.get("lastSyncAt") else None,
        "lastSuccessAt": to_iso(health["lastSuccessAt"]) if health.get("lastSuccessAt") else None,
        "lastPollAt": to_iso(health["lastPollAt"]) if health.get("lastPollAt") else None,
        "lastError": health.get("lastError"),
        "pending": stores.count_work(rules.PENDING),
        "failed": stores.count_work(rules.FAILED),
        "lastReconcileAt": to_iso(last["at"]) if last else None,
        "failedItems": [
            {
                "id": entry["_id"],
                "kind": entry["kind"],
                "roomNumber": entry.get("roomNumber"),
                "lastError": entry.get("lastError"),
                "failedAt": to_iso(entry.get("failedAt")),
            }
            for entry in stores.list_failed()
        ],
    }
