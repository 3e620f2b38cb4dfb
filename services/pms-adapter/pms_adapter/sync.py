"""The worker's PMS loops: deliver `pms_outbox` work, drain the business-events queue, reconcile.

Delivery: each due entry is claimed (a lease, so two workers never send the same one), sent,
then marked. A room has one entry holding its latest wanted state, so a room's changes are never
reordered and a backlog collapses to the newest. A bill's posting looks at the folio before
re-posting whenever an earlier attempt may have reached OPERA (a timeout, a dropped connection),
so each bill is posted once. "Not now" answers back off exponentially with jitter; the breaker
keeps a dead PMS from being hammered.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hotel_shared.principal import Context
from hotel_shared.timeutil import hotel_today, utc_now
from pms_adapter import rules, service, translate
from pms_adapter.breaker import CLOSED
from pms_adapter.opera_client import CircuitOpen, OperaClient, PmsRejected, PmsUnavailable
from pms_adapter.store import PmsStores

log = logging.getLogger(__name__)
Document = dict[str, Any]


class NoInHouseReservation(PmsRejected):
    def __init__(self, room: str):
        super().__init__(404, f"no in-house reservation in the PMS for room {room}", "NO_STAY")


@dataclass(frozen=True)
class SyncTiming:
    send_interval_s: float = 0.2
    poll_interval_s: float = 2.0
    reconcile_interval_s: float = 300.0
    backoff_base_s: float = 1.0
    backoff_cap_s: float = 30.0
    lease_s: float = 30.0


class PmsSync:
    def __init__(
        self,
        stores: PmsStores,
        client: OperaClient,
        transaction_code: str,
        timing: SyncTiming = SyncTiming(),
    ):
        self.stores = stores
        self.client = client
        self.transaction_code = transaction_code
        self.timing = timing
        self._imported_window = False
        self._health: Document = {}

    # --- outbound ------------------------------------------------------------------------------

    def send_due(self) -> int:
        """Send what is due now; returns how many entries were delivered."""
        delivered = 0
        for entry in self.stores.due_work(utc_now()):
            claimed = self.stores.claim_work(entry["_id"], utc_now(), self.timing.lease_s)
            if claimed is None:
                continue
            try:
                self._deliver(claimed)
                delivered += 1
            except CircuitOpen:
                self._retry_later(claimed, self.client.breaker.seconds_until_probe(), counted=False)
                break  # the breaker refuses every call: leave the rest where they are
            except PmsUnavailable as error:
                self._retry_later(claimed, None, error=str(error))
            except PmsRejected as error:
                self._rejected(claimed, error)
        if delivered:
            self.stores.update_health({"lastSyncAt": utc_now()})
        return delivered

    def _deliver(self, entry: Document) -> None:
        if entry["kind"] == rules.ROOM_STATUS:
            self._send_room(entry)
        elif entry["kind"] == rules.STAY:
            self._move_stay(entry)
        else:
            self._post_charge(entry)

    def _move_stay(self, entry: Document) -> None:
        """Check the guest in or out in OPERA, after looking: a repeat finds it done."""
        reservation_id = entry["pmsReservationId"]
        found, _ = translate.reservations_page(self.client.get_reservation(reservation_id))
        status = found[0]["reservationStatus"] if found else None
        needed = rules.stay_move_needed(entry["action"], status)
        if needed is None:
            raise PmsRejected(409, f"{entry['action']} not possible from {status}", "STAY_STATE")
        if needed and entry["action"] == rules.CHECK_IN:
            self.client.check_in(reservation_id, translate.check_in_body(entry["roomNumber"]))
        elif needed:
            hotel = self.client.settings.hotel_id
            self.client.check_out(reservation_id, translate.check_out_body(hotel, reservation_id))
        posting = {"reservationId": reservation_id, "alreadyDone": not needed}
        self.stores.finish_work(entry["_id"], posting, utc_now())

    def _send_room(self, entry: Document) -> None:
        number, desired = entry["roomNumber"], entry["desired"]
        # Noted before the call, so the PMS's event for it is recognised even if it comes first.
        self.stores.note_sent_status(
            number, {"housekeepingStatus": desired.get("housekeepingStatus")}, utc_now()
        )
        if desired.get("outOfOrder"):
            detail = desired.get("outOfOrderDetail") or {}
            body = translate.out_of_order_body(number, detail)
            self.client.post_out_of_order(desired["outOfOrder"], body)
        else:
            body = translate.room_status_body(
                number, desired["housekeepingStatus"], desired.get("hkOccupancy")
            )
            self.client.put_room_status(body)
        self.stores.finish_room_work(entry["_id"], entry["version"], utc_now())

    def _post_charge(self, entry: Document) -> None:
        bill = entry["bill"]
        reservation_id = self._in_house_reservation(bill["roomNumber"])
        if entry.get("mayHaveReached"):
            # An earlier attempt may have been applied: look before posting again.
            found = translate.posting_with_reference(
                self.client.get_charges(reservation_id), bill["billingId"]
            )
            if found is not None:
                self._posted(entry, reservation_id, found, looked=True)
                return
        self.stores.note_attempt(entry["_id"])
        body = translate.charge_body(
            self.client.settings.hotel_id, reservation_id, bill, self.transaction_code
        )
        answer = self.client.post_charges(reservation_id, body)
        self._posted(entry, reservation_id, translate.posted_transaction(answer), looked=False)

    def _posted(self, entry: Document, reservation_id: str, trx: int | None, looked: bool) -> None:
        posting = {"reservationId": reservation_id, "transactionNo": trx, "foundOnFolio": looked}
        self.stores.finish_work(entry["_id"], posting, utc_now())

    def _in_house_reservation(self, room: str) -> str:
        answer = self.client.search_reservations(
            {"roomId": room, "reservationStatuses": ["CheckedIn"], "limit": 5}
        )
        reservations, _ = translate.reservations_page(answer)
        if not reservations:
            raise NoInHouseReservation(room)
        return str(reservations[0]["pmsReservationId"])

    def _retry_later(
        self, entry: Document, delay: float | None, *, error: str = "circuit open", counted=True
    ) -> None:
        attempts = entry.get("attempts", 0) + (1 if counted else 0)
        if delay is None:
            delay = rules.backoff_seconds(
                attempts, self.timing.backoff_base_s, self.timing.backoff_cap_s
            )
        at = utc_now() + timedelta(seconds=max(delay, 0.05))
        self.stores.retry_work(entry["_id"], attempts, at, error)

    def _rejected(self, entry: Document, error: PmsRejected) -> None:
        attempts = entry.get("attempts", 0) + 1
        if attempts >= rules.MAX_REJECTED_ATTEMPTS:
            log.warning("PMS refused %s for good: %s", entry["_id"], error)
            self.stores.fail_work(entry["_id"], str(error), utc_now())
        else:
            self._retry_later(entry, None, error=str(error))

    # --- inbound -------------------------------------------------------------------------------

    def poll_once(self) -> int:
        """Drain the business-events queue (20 a call) and apply each; returns how many."""
        handled = 0
        if not self._imported_window:
            # Events can be missed (a lost answer dequeues them), so start from a search.
            today = hotel_today(self.stores.zone)
            service.import_reservation_window(self.stores, self.client, today)
            self._imported_window = True
        while True:
            answer = self.client.business_events()
            batch = translate.business_events(answer)
            for event in batch:
                outcome = service.handle_business_event(self.stores, self.client, event)
                log.info("PMS event %s %s %s: %s", event.event_id, event.action, event.key, outcome)
            handled += len(batch)
            self.stores.update_health({"lastPollAt": utc_now()})
            if len(batch) < 20:
                return handled

    # --- the loop ------------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        next_poll = next_reconcile = time.monotonic()
        next_reconcile += self.timing.reconcile_interval_s
        while not stop.is_set():
            self._step("send", self.send_due)
            now = time.monotonic()
            if now >= next_poll:
                self._step("poll", self.poll_once)
                next_poll = now + self.timing.poll_interval_s
            if now >= next_reconcile:
                self._step("reconcile", self._scheduled_reconcile)
                next_reconcile = now + self.timing.reconcile_interval_s
            self._record_health()
            stop.wait(self.timing.send_interval_s)

    def _scheduled_reconcile(self) -> None:
        today = hotel_today(self.stores.zone)
        # Failed work stays failed until a person reconciles: no endless rounds of refusals.
        service.reconcile(self.stores, self.client, Context(), today, retry_failed=False)

    def _step(self, name: str, action) -> None:
        try:
            action()
        except (PmsUnavailable, rules.PmsUnreachable) as error:
            log.info("PMS %s deferred: %s", name, error)
        except Exception:  # the loop outlives any one failure; the work stays queued
            log.exception("PMS %s failed", name)

    def _record_health(self) -> None:
        client = self.client
        breaker = client.breaker.state
        reachable = (
            breaker == CLOSED
            and client.last_success_at is not None
            and (client.breaker.failures == 0)
        )
        fields: Document = {
            "breaker": breaker,
            "reachable": reachable,
            "lastError": client.last_error,
        }
        if client.last_success_at is not None:
            fields["lastSuccessAt"] = datetime.fromtimestamp(client.last_success_at, UTC)
        if fields != self._health:  # written when it moved, not on every turn of the loop
            self.stores.update_health(fields)
            self._health = fields
