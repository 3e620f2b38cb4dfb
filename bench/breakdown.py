"""Where P4's time goes: each update's path from the HTTP send to the clients, stage by stage.

Every stage boundary is a time some part of the platform already records, read back after the
run from the databases (one machine, one clock; Mongo keeps milliseconds):

  sent (client, due time) -> event made (the envelope's `time`, stamped by rooms in the request)
  -> relayed (the outbox entry's `sentAt`, stamped once the broker confirmed it)
  -> consumed (notifications' `processed_events.processedAt`, stamped as its transaction starts)
  -> first client heard it -> last client heard it.

So `request` is nginx, auth and the rooms handler up to building the event; `commitAndRelay` the
commit, the relay's wake-up, publish and confirm; `brokerToConsumer` the queue and the consumer
picking the delivery up; `consumerToClient` the handler, its commit, the emit over the
Socket.IO message queue, the hub and the first socket; `fanOut` the rest of the broadcast.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from itertools import pairwise

from pymongo import MongoClient

from loadgen import percentile

ROOM_STATUS_CHANGED = "rooms.room.status_changed.v1"
STAGES = ("request", "commitAndRelay", "brokerToConsumer", "consumerToClient", "fanOut")

# (roomNumber, version) -> (due, first receipt, last receipt), wall-clock seconds
Timeline = Mapping[tuple[str, int], tuple[float, float, float]]


def _seconds(moment: datetime) -> float:
    return moment.timestamp()


def p4_breakdown(mongo_url: str, timeline: Timeline) -> dict:
    """p50/p99 ms of every stage over the updates of `timeline` that left a full trace."""
    if not timeline:
        return {"error": "no update was heard by any client"}
    earliest = min(due for due, _, _ in timeline.values())
    client = MongoClient(mongo_url, tz_aware=True)
    try:
        made: dict[tuple[str, int], tuple[str, float, float | None]] = {}
        outbox = client["hotel_rooms"]["outbox"].find(
            {
                "type": ROOM_STATUS_CHANGED,
                "createdAt": {"$gte": datetime.fromtimestamp(earliest - 5).astimezone()},
            },
            {
                "envelope.id": 1,
                "envelope.data.roomNumber": 1,
                "envelope.data.version": 1,
                "createdAt": 1,
                "sentAt": 1,
            },
        )
        for entry in outbox:
            data = entry["envelope"]["data"]
            key = (str(data["roomNumber"]), int(data["version"]))
            if key in timeline:
                sent_at = entry.get("sentAt")
                made[key] = (
                    entry["envelope"]["id"],
                    _seconds(entry["createdAt"]),
                    _seconds(sent_at) if sent_at else None,
                )
        consumed = {
            row["_id"]: _seconds(row["processedAt"])
            for row in client["hotel_notifications"]["processed_events"].find(
                {"_id": {"$in": [event_id for event_id, _, _ in made.values()]}},
                {"processedAt": 1},
            )
        }
    finally:
        client.close()

    stages: dict[str, list[float]] = {stage: [] for stage in STAGES}
    traced = 0
    for key, (due, first, last) in timeline.items():
        found = made.get(key)
        if found is None or found[2] is None or found[0] not in consumed:
            continue
        event_id, event_time, relayed = found
        points = (due, event_time, relayed, consumed[event_id], first, last)
        for stage, (start, end) in zip(STAGES, pairwise(points), strict=True):
            stages[stage].append((end - start) * 1000)
        traced += 1

    result: dict = {"updatesTraced": traced, "updatesHeard": len(timeline)}
    for stage, values in stages.items():
        values.sort()
        result[stage] = {
            "p50Ms": round(percentile(values, 0.50), 1) if values else None,
            "p99Ms": round(percentile(values, 0.99), 1) if values else None,
        }
    return result
