"""`python -m rooms.seed [--demo]`: ensure indexes and, with --demo, create the demo rooms."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterator
from typing import Any

from hotel_shared.logs import configure_logging
from hotel_shared.principal import Context
from rooms.config import Config
from rooms.rules import rooms as rules
from rooms.service import rooms as service
from rooms.store import RoomsStores

log = logging.getLogger("rooms.seed")  # not "__main__" when run with -m

# By position on the floor: 01-02 Economy, 03-06 Standard, 07-09 Deluxe, 10 Suite.
DEMO_LAYOUT = (
    ("Economy", 79.0, 1, ["wifi", "tv"]),
    ("Economy", 79.0, 1, ["wifi", "tv"]),
    ("Standard", 119.0, 2, ["wifi", "tv", "safe"]),
    ("Standard", 119.0, 2, ["wifi", "tv", "safe"]),
    ("Standard", 119.0, 2, ["wifi", "tv", "safe"]),
    ("Standard", 119.0, 2, ["wifi", "tv", "safe"]),
    ("Deluxe", 179.0, 3, ["wifi", "tv", "safe", "minibar"]),
    ("Deluxe", 179.0, 3, ["wifi", "tv", "safe", "minibar"]),
    ("Deluxe", 179.0, 3, ["wifi", "tv", "safe", "minibar"]),
    ("Suite", 299.0, 4, ["wifi", "tv", "safe", "minibar", "bathtub", "lounge"]),
)


def demo_rooms() -> Iterator[dict[str, Any]]:
    """Rooms 101-110 and 201-210, Vacant and Inspected: ready to sell."""
    for floor in (1, 2):
        for position, (room_type, price, capacity, facilities) in enumerate(DEMO_LAYOUT, start=1):
            yield {
                "roomNumber": f"{floor}{position:02d}",
                "roomType": room_type,
                "price": price,
                "capacity": capacity,
                "description": f"{room_type} room on floor {floor}",
                "facilities": facilities,
                "floor": floor,
                "housekeepingStatus": rules.INSPECTED,
            }


def seed_demo_rooms(stores: RoomsStores) -> int:
    """Create the demo rooms that are missing, never touching existing ones; returns how many."""
    created = 0
    for details in demo_rooms():
        if stores.find_room(details["roomNumber"]) is not None:
            continue
        try:
            # A system action: no actor, no request; the created events say so.
            service.create_room(stores, Context(), details)
            created += 1
        except rules.RoomExists:  # another seed run won the race; the room is there either way
            pass
    return created


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m rooms.seed", description=__doc__)
    parser.add_argument("--demo", action="store_true", help="also create the demo rooms")
    args = parser.parse_args(argv)
    config = Config.from_env(needs_public_key=False)
    configure_logging(f"{config.service.name}-seed", config.service.log_level)
    stores = RoomsStores.from_settings(config.service)
    stores.ensure_indexes()
    log.info("indexes ensured")
    if args.demo:
        log.info("demo rooms created: %d", seed_demo_rooms(stores))


if __name__ == "__main__":
    main()
