"""`make chaos`'s checker: what the producers know to be true against what every consumer applied
and what every client saw.

The comparisons are plain functions over plain values (tested in tests/chaos without a stack);
`Observed.read` gathers those values from the running stack: the services' databases (outbox,
processed_events and the side effects), the API, the mock OPERA.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# room number -> (housekeepingStatus, version)
RoomView = dict[str, tuple[str, int]]

SAMPLE = 5  # ids quoted per finding, so a report names real events without drowning in them


# --- routing ---------------------------------------------------------------------------------


def topic_matches(pattern: str, routing_key: str) -> bool:
    """RabbitMQ topic matching: `*` is exactly one word, `#` zero or more."""
    return _words_match(pattern.split("."), routing_key.split("."))


def _words_match(pattern: list[str], words: list[str]) -> bool:
    if not pattern:
        return not words
    head, rest = pattern[0], pattern[1:]
    if head == "#":
        return any(_words_match(rest, words[skip:]) for skip in range(len(words) + 1))
    return bool(words) and head in ("*", words[0]) and _words_match(rest, words[1:])


def consumers_of(event_type: str, bindings: Mapping[str, Iterable[str]]) -> list[str]:
    """The consuming services whose queue a message with this routing key reaches."""
    return sorted(
        name
        for name, patterns in bindings.items()
        if any(topic_matches(pattern, event_type) for pattern in patterns)
    )


# --- comparisons -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxEvent:
    id: str
    type: str
    source: str
    sent: bool


def missing_deliveries(
    events: Iterable[OutboxEvent],
    processed: Mapping[str, set[str]],
    bindings: Mapping[str, Iterable[str]],
) -> dict[str, list[str]]:
    """Per consumer, the ids of events it binds that it has not applied (processed_events)."""
    missing: dict[str, list[str]] = {}
    for event in events:
        for consumer in consumers_of(event.type, bindings):
            if event.id not in processed.get(consumer, set()):
                missing.setdefault(consumer, []).append(event.id)
    return missing


def extra_applications(counts: Mapping[str, int]) -> dict[str, int]:
    """Keys applied more than once, and how many times too many."""
    return {key: count - 1 for key, count in counts.items() if count > 1}


def shortfall(expected: Mapping[str, int], actual: Mapping[str, int]) -> tuple[int, int]:
    """(missing, extra) summed over keys: fewer than expected is missing, more is extra."""
    missing = extra = 0
    for key in set(expected) | set(actual):
        difference = actual.get(key, 0) - expected.get(key, 0)
        if difference < 0:
            missing -= difference
        else:
            extra += difference
    return missing, extra


def view_differences(view: Mapping[str, tuple[str, int]], truth: RoomView) -> list[str]:
    """Rooms of `truth` whose (status, version) the view does not hold."""
    return sorted(room for room, state in truth.items() if tuple(view.get(room, ())) != state)


def status_differences(final: Mapping[str, str], truth: Mapping[str, str]) -> list[str]:
    """Keys of `truth` whose final status differs (or is missing)."""
    return sorted(key for key, status in truth.items() if final.get(key) != status)


# --- the verdict -----------------------------------------------------------------------------


@dataclass
class Verdict:
    """Counts of one check; `findings` explains every non-zero count with ids."""

    lost: int = 0
    dup_applied: int = 0
    mismatched: int = 0
    findings: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, Any] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return self.lost == 0 and self.dup_applied == 0 and self.mismatched == 0

    def note(self, kind: str, name: str, found: list[str] | Mapping[str, int] | int) -> None:
        """Add `found` to the `kind` count: ids (one each), {id: times too many} or a number."""
        if isinstance(found, int):
            amount, ids = found, None
        elif isinstance(found, Mapping):
            amount, ids = sum(found.values()), sorted(found)
        else:
            amount, ids = len(found), found
        if not amount:
            return
        setattr(self, kind, getattr(self, kind) + amount)
        self.findings[name] = amount if ids is None else {"count": amount, "ids": ids[:SAMPLE]}


@dataclass
class Truth:
    """What the load generator knows it did: the last answer the API gave to each write (or the
    state it read back after a write whose answer was lost)."""

    rooms: RoomView = field(default_factory=dict)
    tasks: dict[str, str] = field(default_factory=dict)
    orders: dict[str, str] = field(default_factory=dict)
    # cycle room -> Dirty moves the API accepted (each must open exactly one clean)
    dirty_moves: Counter[str] = field(default_factory=Counter)
    # cycle room -> cleaning tasks completed (each must turn the room Clean once)
    cleans_completed: Counter[str] = field(default_factory=Counter)
    orders_placed: int = 0


@dataclass
class Observed:
    """What the stack holds once the load has stopped."""

    events: list[OutboxEvent]
    processed: dict[str, set[str]]
    audit_counts: dict[str, int]  # event id -> activity logs auth holds for it
    cleaning_tasks: Counter[str]  # cycle room -> cleaning tasks opened in the window
    rooms_cleaned_by_tasks: Counter[str]  # cycle room -> history entries with source tasks
    bills_per_order: dict[str, int]
    orders_in_window: int
    api_rooms: RoomView
    api_tasks: dict[str, str]
    api_orders: dict[str, str]
    pms_rooms: dict[str, str | None]  # room -> the mock OPERA's housekeepingRoomStatus


def judge(
    truth: Truth, seen: Observed, bindings: Mapping[str, Iterable[str]], pms_rooms: Iterable[str]
) -> Verdict:
    """lost / dupApplied / mismatched of one scenario, each with the ids that make it up."""
    verdict = Verdict()
    unsent = [event.id for event in seen.events if not event.sent]
    verdict.note("lost", "outboxUnsent", unsent)
    for consumer, ids in missing_deliveries(seen.events, seen.processed, bindings).items():
        verdict.note("lost", f"notAppliedBy:{consumer}", ids)
    audited = {event.id for event in seen.events} & set(seen.audit_counts)
    never_audited = [event.id for event in seen.events if event.id not in audited]
    verdict.note("lost", "notAudited", never_audited)
    verdict.note("dup_applied", "auditedTwice", extra_applications(seen.audit_counts))

    missing, extra = shortfall(truth.dirty_moves, seen.cleaning_tasks)
    verdict.note("lost", "dirtyRoomsWithoutClean", missing)
    verdict.note("dup_applied", "extraCleaningTasks", extra)
    missing, extra = shortfall(truth.cleans_completed, seen.rooms_cleaned_by_tasks)
    verdict.note("lost", "completedCleansNotApplied", missing)
    verdict.note("dup_applied", "completedCleansAppliedTwice", extra)
    verdict.note("dup_applied", "billsTwice", extra_applications(seen.bills_per_order))
    verdict.note("dup_applied", "extraOrders", max(0, seen.orders_in_window - truth.orders_placed))

    verdict.note("mismatched", "rooms", view_differences(seen.api_rooms, truth.rooms))
    verdict.note("mismatched", "tasks", status_differences(seen.api_tasks, truth.tasks))
    verdict.note("mismatched", "orders", status_differences(seen.api_orders, truth.orders))
    ours = {room: seen.api_rooms[room][0] for room in pms_rooms if room in seen.api_rooms}
    verdict.note("mismatched", "pmsRooms", status_differences(seen.pms_rooms, ours))
    verdict.counts = {
        "events": len(seen.events),
        "eventsByType": dict(Counter(event.type for event in seen.events)),
        "deliveriesExpected": sum(len(consumers_of(e.type, bindings)) for e in seen.events),
        "rooms": len(truth.rooms),
        "tasks": len(truth.tasks),
        "orders": len(truth.orders),
        "dirtyMoves": sum(truth.dirty_moves.values()),
        "cleansCompleted": sum(truth.cleans_completed.values()),
        "pmsRooms": len(ours),
    }
    return verdict


def idle_load(truth: Truth, events: int) -> list[str]:
    """The kinds of load that did nothing in a scenario: a pass over no work proves nothing."""
    idle = []
    if events == 0:
        idle.append("no event was produced")
    if not truth.rooms:
        idle.append("no room was read or written")
    if not truth.dirty_moves:
        idle.append("no room was set Dirty")
    if not truth.cleans_completed:
        idle.append("no cleaning task was completed")
    if "delivered" not in truth.orders.values():
        idle.append("no order was delivered")
    return idle


def client_differences(views: Iterable[Mapping[str, tuple[str, int]]], api: RoomView) -> list[int]:
    """Indexes of the clients whose room view is not the API's."""
    return [index for index, view in enumerate(views) if view_differences(view, api)]


def newer(current: tuple[str, int] | None, candidate: tuple[str, int]) -> bool:
    """A client keeps the state with the highest version (events may arrive late or twice)."""
    return current is None or candidate[1] > current[1]
