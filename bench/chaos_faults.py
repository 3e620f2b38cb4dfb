"""`make chaos`'s faults, each done to the isolated stack the way it happens in production: a
process killed with SIGKILL (no clean shutdown), the broker handed every event twice, junk on the
exchange, the PMS gone. Each `Fault` has `inject` (while the load runs) and `restore`; both block,
so the runner calls them in a thread.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pika
from pymongo import MongoClient

from chaos_check import consumers_of
from chaos_observe import BINDINGS, PRODUCERS, database
from hotel_devstack import Stack
from hotel_shared.bus import EXCHANGE, BusPublisher, connect, queue_depths
from hotel_shared.events import new_event
from hotel_shared.testing.servers import RabbitNode


def kill_group(stack: Stack, name: str, timeout: float = 20) -> int:
    """SIGKILL the process group the stack recorded under `name`; its pid once it is gone."""
    pid = stack.processes.alive_pid(name)
    if pid is None:
        raise RuntimeError(f"{name} is not running: nothing to kill")
    os.killpg(pid, signal.SIGKILL)
    deadline = time.monotonic() + timeout
    while stack.processes.alive_pid(name) is not None:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} (pid {pid}) survived SIGKILL for {timeout:.0f}s")
        time.sleep(0.1)
    return pid


def restart_dead(stack: Stack) -> None:
    """`Stack.up()` starts whatever of the platform is not running (as `make up` again does)."""
    stack.up()


@dataclass
class Fault:
    name: str
    summary: str
    # Seconds the fault lasts (the load goes on meanwhile); `quick` for --quick runs.
    hold_s: float = 0
    quick_hold_s: float = 0
    details: dict = field(default_factory=dict)

    def inject(self, stack: Stack, start: datetime) -> None:
        raise NotImplementedError

    def restore(self, stack: Stack) -> None:
        """Undo the fault; the clock of recoverySeconds starts when this returns."""

    def extra_checks(self, stack: Stack) -> dict:
        """Scenario-specific evidence, checked after recovery: {name: (ok, details)}."""
        return {}

    def close(self) -> None:
        """Stop whatever the fault left running (called once the scenario is judged)."""


class BrokerKill(Fault):
    def inject(self, stack: Stack, start: datetime) -> None:
        self.details["killedPid"] = kill_group(stack, "rabbitmq")

    def restore(self, stack: Stack) -> None:
        # The node keeps its name and data dir (its port is part of both), so durable queues and
        # persistent messages come back with it. Infrastructure.resolve() does not restart a
        # broker once it knows its URL, so the node is started here as devstack started it.
        node = RabbitNode(stack.infrastructure.rabbit_port, stack.var_dir / "rabbitmq")
        node.start()
        stack.processes.record("rabbitmq", node.pid)
        node.wait_ready(timeout=120)


class ConsumerKill(Fault):
    """SIGKILL workers mid-batch: auth's (the audit consumer applies every event) and tasks'."""

    victims = ("auth-worker", "tasks-worker")

    def inject(self, stack: Stack, start: datetime) -> None:
        self.details["killedPids"] = {name: kill_group(stack, name) for name in self.victims}

    def restore(self, stack: Stack) -> None:
        restart_dead(stack)


class DuplicateStorm(Fault):
    """Every event the relays publish is published once more, by a second publisher that copies
    each outbox entry once it is marked sent: every consumer receives every event twice."""

    def inject(self, stack: Stack, start: datetime) -> None:
        self._start = start
        self._stop = threading.Event()
        self._copied: set[str] = set()
        self._thread = threading.Thread(
            target=self._copy_sent, args=(stack, start), name="duplicate-storm", daemon=True
        )
        self._thread.start()

    def _sent_ids(self, client: MongoClient, start: datetime) -> dict[str, dict]:
        """Envelopes of the scenario's outbox entries the relays have marked sent, by id."""
        sent = {}
        for service in PRODUCERS:
            for entry in client[database(service)].outbox.find(
                {"createdAt": {"$gte": start}, "sentAt": {"$ne": None}}, {"envelope": 1}
            ):
                sent[entry["_id"]] = entry["envelope"]
        return sent

    def _copy_sent(self, stack: Stack, start: datetime) -> None:
        client = MongoClient(stack.mongo_url)
        publisher = BusPublisher(stack.amqp_url)
        try:
            while not self._stop.is_set():
                for event_id, envelope in self._sent_ids(client, start).items():
                    if event_id not in self._copied:
                        publisher.publish(envelope)
                        self._copied.add(event_id)
                self._stop.wait(0.5)
        except Exception as error:  # reported: a storm that stopped early proves less
            self.details["copierError"] = f"{type(error).__name__}: {error}"
            raise
        finally:
            publisher.close()
            client.close()

    def extra_checks(self, stack: Stack) -> dict:
        """Every sent event was copied, and auth (bound to every event) logged each copy as a
        redelivery it ignored: the copies arrived and were dropped, not merely never delivered."""
        client = MongoClient(stack.mongo_url)
        try:
            deadline = time.monotonic() + 30
            while True:
                uncopied = set(self._sent_ids(client, self._start)) - self._copied
                ignored = redeliveries_ignored(stack, self._copied)
                ok = not uncopied and ignored.get("auth-worker", 0) >= len(self._copied) > 0
                if ok or time.monotonic() > deadline:
                    break
                time.sleep(1)
        finally:
            client.close()
        details = {
            "eventsPublishedTwice": len(self._copied),
            "sentButNotCopied": len(uncopied),
            "redeliveriesIgnoredByConsumer": ignored,
        }
        return {"everyEventSentTwice": (ok, details)}

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


def redeliveries_ignored(stack: Stack, ids: set[str]) -> dict[str, int]:
    """Per worker log, how many of `ids` it logged as a redelivery it ignored (evidence that the
    second copies arrived and were dropped, not merely never delivered)."""
    counts = {}
    for log_path in sorted(Path(stack.log_dir).glob("*-worker.log")):
        hits = 0
        for line in log_path.read_text(errors="replace").splitlines():
            if "already applied" in line and any(part in ids for part in _words(line)):
                hits += 1
        counts[log_path.stem] = hits
    return counts


def _words(line: str) -> list[str]:
    return line.replace('"', " ").replace(",", " ").split()


# Poison: what a broken or hostile producer could put on the exchange.
def _envelope(event_type: str, payload: dict, **overrides) -> bytes:
    """A valid envelope with `overrides` (a field set to ... is left out)."""
    source = event_type.split(".")[0]
    envelope = new_event(event_type, source=source, subject="chaos", data=payload)
    envelope.update(overrides)
    return json.dumps({k: v for k, v in envelope.items() if v is not ...}).encode()


ROOM_CHANGED = "rooms.room.status_changed.v1"
TASK_DONE = "tasks.task.completed.v1"
DIRTY = {"changes": [{"field": "housekeepingStatus", "oldValue": "Clean", "newValue": "Dirty"}]}


def poison_messages() -> list[tuple[str, str, bytes, bool]]:
    """(label, routing key, body, malformed): malformed ones must be parked at once by every
    consumer bound to the key; the others are valid envelopes that must change nothing."""
    return [
        ("notJson", ROOM_CHANGED, b"{not json", True),
        ("notAnObject", TASK_DONE, b'"just a string"', True),
        ("noId", ROOM_CHANGED, _envelope(ROOM_CHANGED, {"roomNumber": "101"}, id=...), True),
        ("idNotUuid", ROOM_CHANGED, _envelope(ROOM_CHANGED, {}, id="chaos-1"), True),
        ("dataNotObject", TASK_DONE, _envelope(TASK_DONE, {}, data=[1, 2]), True),
        (
            "unknownType",
            "rooms.room.teleported.v1",
            _envelope("rooms.room.teleported.v1", {}),
            False,
        ),
        ("missingFields", ROOM_CHANGED, _envelope(ROOM_CHANGED, DIRTY), False),
        ("missingTaskFields", TASK_DONE, _envelope(TASK_DONE, {"jobType": "cleaning"}), False),
    ]


def dead_queues() -> list[str]:
    return [f"{consumer}.events.dead" for consumer in BINDINGS]


class Poison(Fault):
    """Malformed messages, an unknown event type and envelopes missing the fields handlers read,
    published straight to the exchange in the middle of the load."""

    def inject(self, stack: Stack, start: datetime) -> None:
        self._before = queue_depths(stack.amqp_url, dead_queues())
        self._expected = dict.fromkeys(dead_queues(), 0)
        connection = connect(stack.amqp_url)
        try:
            channel = connection.channel()
            channel.confirm_delivery()
            sent = []
            for label, key, body, malformed in poison_messages():
                properties = pika.BasicProperties(
                    content_type="application/json",
                    delivery_mode=pika.DeliveryMode.Persistent,
                    message_id=f"chaos-{uuid.uuid4().hex[:8]}",
                )
                channel.basic_publish(EXCHANGE, key, body, properties, mandatory=True)
                sent.append(label)
                if malformed:
                    for consumer in consumers_of(key, BINDINGS):
                        self._expected[f"{consumer}.events.dead"] += 1
        finally:
            connection.close()
        self.details["injected"] = sent

    def extra_checks(self, stack: Stack) -> dict:
        # Parking is asynchronous: give the consumers a moment to reach the junk in their queues.
        deadline = time.monotonic() + 30
        while True:
            after = queue_depths(stack.amqp_url, dead_queues())
            parked = {q: after[q] - self._before.get(q, 0) for q in after}
            ok = all(parked[q] >= self._expected[q] for q in self._expected)
            if ok or time.monotonic() > deadline:
                break
            time.sleep(1)
        details = {"parkedInDeadQueues": parked, "expectedParked": self._expected}
        return {"malformedParked": (ok, details)}


class PmsOutage(Fault):
    """The mock OPERA killed and kept down; the adapter must queue what it owes and deliver it
    when OPERA is back (the checker compares OPERA's board with our rooms)."""

    def inject(self, stack: Stack, start: datetime) -> None:
        self.details["killedPid"] = kill_group(stack, "pms-adapter-mock")

    def restore(self, stack: Stack) -> None:
        restart_dead(stack)


FAULTS: dict[str, Fault] = {
    fault.name: fault
    for fault in (
        BrokerKill("broker_kill", "kill -9 the RabbitMQ node mid-load, restart it", 15, 8),
        ConsumerKill("consumer_kill", "kill -9 auth's and tasks' workers mid-load, restart", 5, 3),
        DuplicateStorm("duplicate_storm", "every event published a second time", 0, 0),
        Poison("poison", "malformed, unknown and incomplete events on the exchange", 0, 0),
        PmsOutage("pms_outage", "the mock OPERA killed for 2 minutes (--quick: 20 s)", 120, 20),
    )
}
