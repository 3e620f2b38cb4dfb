"""The inbox clock every process shares: two workers storing events at once, and a reader
catching up with `since`, who never misses an entry and never gets one twice."""

from __future__ import annotations

import itertools
import random
import threading
import time
from datetime import timedelta

from hotel_shared.inbox import bind_handlers
from hotel_shared.mongo import WriteContention
from hotel_shared.principal import Context, Principal
from hotel_shared.timeutil import utc_now
from notifications.handlers import make_handlers
from notifications.service import inbox as inbox_service
from notifications.store import NotificationsStores

ADMIN = Context(Principal("u-admin", "admin", "hotelAdmin"))
EVENTS_PER_WORKER = 40


def no_push(event, payload, audiences):
    """The sockets play no part here."""


def slow_to_commit(handler):
    """The handler, then a pause before its transaction commits: the window in which a clock of
    the process alone would let another worker's later time be read first."""

    def run(stores, event):
        handler(stores, event)
        time.sleep(random.uniform(0, 0.01))

    return run


def worker(config) -> object:
    """One worker process's consumer: its own client and stores, on the shared database."""
    handlers = {
        event_type: slow_to_commit(handler)
        for event_type, handler in make_handlers(no_push).items()
    }
    return bind_handlers(NotificationsStores.from_settings(config.service), handlers)


def deliver_all(bound, envelopes) -> None:
    for envelope in envelopes:
        # As the bus does with a message whose transaction kept losing: deliver it again.
        while True:
            try:
                bound.handle(envelope)
                break
            except WriteContention:
                continue


def test_a_reader_polling_since_never_misses_what_two_workers_store(config, stores, make_envelope):
    batches = [
        [
            make_envelope("rooms.room.status_changed.v1", {"roomNumber": str(100 + n)})
            for n in range(EVENTS_PER_WORKER)
        ]
        for _ in range(2)
    ]
    writers = [
        threading.Thread(target=deliver_all, args=(worker(config), batch)) for batch in batches
    ]
    seen: list[str] = []
    since = None

    def catch_up() -> None:
        nonlocal since
        items, _ = inbox_service.list_notifications(
            stores, ADMIN, since=since, unread_only=False, limit=500, offset=0
        )
        for item in reversed(items):  # oldest first
            seen.append(item["_id"])
            since = item["createdAt"]

    for writer in writers:
        writer.start()
    while any(writer.is_alive() for writer in writers):
        catch_up()
    catch_up()

    stored = {envelope["id"] for batch in batches for envelope in batch}
    assert stores.notifications.count_documents({}) == len(stored)
    assert sorted(seen) == sorted(stored)  # none missed, none twice


def test_inbox_times_rise_strictly_whatever_the_process_proposes(stores):
    later = utc_now() + timedelta(seconds=30)
    with stores.transaction() as tx:
        times = [tx.next_inbox_time(later), tx.next_inbox_time(utc_now())]
        times += [tx.next_inbox_time(utc_now() - timedelta(hours=1)) for _ in range(50)]
    assert times[0] == later.replace(microsecond=later.microsecond // 1000 * 1000)
    assert all(earlier < after for earlier, after in itertools.pairwise(times))


def test_read_all_takes_a_time_of_the_clock_so_earlier_entries_are_read(
    stores, deliver, make_envelope
):
    # An entry whose time ran ahead of the wall clock (a burst) is still covered by read-all.
    with stores.transaction() as tx:
        tx.next_inbox_time(utc_now() + timedelta(seconds=5))
    deliver(make_envelope("rooms.room.status_changed.v1", {"roomNumber": "204"}))
    inbox_service.mark_all_read(stores, ADMIN, no_push)
    assert inbox_service.count_unread(stores, ADMIN) == 0
    deliver(make_envelope("rooms.room.status_changed.v1", {"roomNumber": "205"}))
    assert inbox_service.count_unread(stores, ADMIN) == 1
