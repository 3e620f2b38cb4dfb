"""`python -m auth.seed [--demo]`: ensure indexes; create the first admin, or the demo users."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from marshmallow import ValidationError

from auth.config import Config
from auth.schemas import UserCreateSchema
from auth.service import AuthService
from auth.store import AuthStores, ensure_indexes
from hotel_shared.logs import configure_logging

# Development only (DESIGN §4). These passwords exist nowhere else; production uses the bootstrap.
DEMO_USERS: tuple[dict[str, Any], ...] = (
    {"username": "admin", "password": "admin-demo-pass", "role": "hotelAdmin",
     "name": "Demo Admin"},
    {"username": "frontdesk", "password": "frontdesk-demo-pass", "role": "frontOffice",
     "department": "frontOffice", "employeeCode": "FO-001", "name": "Demo Front Desk"},
    {"username": "supervisor", "password": "supervisor-demo-pass", "role": "supervisor",
     "department": "housekeeping", "employeeCode": "HK-SUP-01", "name": "Demo Supervisor"},
    {"username": "housekeeper", "password": "housekeeper-demo-pass", "role": "staff",
     "department": "housekeeping", "employeeCode": "HK-001", "name": "Demo Housekeeper"},
    {"username": "technician", "password": "technician-demo-pass", "role": "staff",
     "department": "maintenance", "employeeCode": "MT-001", "name": "Demo Technician"},
    {"username": "chef", "password": "chef-demo-pass", "role": "restaurantAdmin",
     "department": "fnb", "employeeCode": "FB-001", "name": "Demo Chef"},
)  # fmt: skip


def seed_demo_users(service: AuthService) -> list[str]:
    """Create the missing demo users; existing ones (and changed passwords) stay as they are."""
    return [
        user["username"]
        for user in DEMO_USERS
        if service.ensure_user(UserCreateSchema().load(user))
    ]


def bootstrap_admin(service: AuthService, username: str | None, password: str | None) -> str:
    """Create the first hotelAdmin from the environment when no active one exists."""
    if service.has_active_admin():
        return "an active hotelAdmin exists; nothing to bootstrap"
    if not username or not password:
        raise SystemExit(
            "no active hotelAdmin exists: set AUTH_BOOTSTRAP_ADMIN_USERNAME and "
            "AUTH_BOOTSTRAP_ADMIN_PASSWORD (at least 10 characters) and run again"
        )
    try:
        fields = UserCreateSchema().load(
            {"username": username, "password": password, "role": "hotelAdmin", "name": username}
        )
    except ValidationError as error:
        raise SystemExit(f"bootstrap admin rejected: {error.normalized_messages()}") from None
    if not service.ensure_user(fields):
        raise SystemExit(
            f"user {username!r} exists but is not an active hotelAdmin; "
            "choose another AUTH_BOOTSTRAP_ADMIN_USERNAME"
        )
    return f"created hotelAdmin {username!r}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m auth.seed", description=__doc__)
    parser.add_argument("--demo", action="store_true", help="create the demo users (dev only)")
    args = parser.parse_args(argv)
    config = Config.from_env(needs_private_key=False)
    configure_logging("auth-seed", config.service.log_level)
    stores = AuthStores(config.service)
    ensure_indexes(stores)
    service = AuthService(config, stores)
    if args.demo:
        created = seed_demo_users(service)
        print(f"auth demo users created: {', '.join(created) or 'none (all present)'}")
    else:
        print(
            bootstrap_admin(
                service, config.bootstrap_admin_username, config.bootstrap_admin_password
            )
        )


if __name__ == "__main__":
    main(sys.argv[1:])
