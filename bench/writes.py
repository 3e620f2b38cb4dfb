"""P3's baseline: the durable status write's transaction on a bare pymongo loop.

What rooms does for `PATCH /api/rooms/{n}/status`, without HTTP, auth, schemas or rules: in one
transaction read the room, update it under its version, append a history entry and record the
event in the outbox. Run back to back on the bench's own SecantusDB (a database of its own), so
P3's latency can be read against what the database alone costs on this machine.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

from pymongo import MongoClient

from loadgen import percentile

DATABASE = "bench_p3_baseline"
ROOMS = 20


def bare_transactions(mongo_url: str, seconds: float) -> dict:
    client = MongoClient(mongo_url)
    try:
        db = client[DATABASE]
        db.rooms.drop()
        db.rooms.insert_many(
            [
                {"_id": f"{100 + n}", "housekeepingStatus": "Clean", "version": 1}
                for n in range(ROOMS)
            ]
        )
        latencies: list[float] = []
        deadline = time.perf_counter() + seconds
        index = 0
        while time.perf_counter() < deadline:
            number = f"{100 + index % ROOMS}"
            target = "Pickup" if (index // ROOMS) % 2 == 0 else "Clean"
            started = time.perf_counter()
            with client.start_session() as session:
                session.with_transaction(
                    lambda s, number=number, target=target: _write(db, s, number, target)
                )
            latencies.append(time.perf_counter() - started)
            index += 1
        latencies.sort()
        return {
            "transactions": len(latencies),
            "tps": round(len(latencies) / seconds, 1),
            "p50Ms": round(percentile(latencies, 0.50) * 1000, 2),
            "p99Ms": round(percentile(latencies, 0.99) * 1000, 2),
        }
    finally:
        client.drop_database(DATABASE)
        client.close()


def _write(db, session, number: str, target: str) -> None:
    room = db.rooms.find_one({"_id": number}, session=session)
    now = datetime.now(UTC)
    db.rooms.update_one(
        {"_id": number, "version": room["version"]},
        {"$set": {"housekeepingStatus": target, "updatedAt": now}, "$inc": {"version": 1}},
        session=session,
    )
    db.history.insert_one(
        {"roomNumber": number, "from": room["housekeepingStatus"], "to": target, "at": now},
        session=session,
    )
    event_id = str(uuid.uuid4())
    db.outbox.insert_one(
        {"_id": event_id, "type": "rooms.room.status_changed.v1", "createdAt": now, "sentAt": None},
        session=session,
    )
