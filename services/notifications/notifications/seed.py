"""`python -m notifications.seed [--demo]`: ensures the indexes (there is no demo data to add)."""

from __future__ import annotations

import argparse
import logging

from hotel_shared.logs import configure_logging
from notifications.config import Config
from notifications.store import NotificationsStores

log = logging.getLogger("notifications.seed")  # not "__main__" when run with -m


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m notifications.seed", description=__doc__)
    parser.add_argument("--demo", action="store_true", help="accepted; the inbox starts empty")
    parser.parse_args(argv)
    config = Config.from_env(needs_public_key=False)
    configure_logging(f"{config.service.name}-seed", config.service.log_level)
    NotificationsStores.from_settings(config.service).ensure_indexes()
    log.info("indexes ensured")


if __name__ == "__main__":
    main()
