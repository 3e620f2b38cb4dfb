"""`python -m auth.seed [--demo]`: ensure indexes; create the first admin, or the demo users."""

from __future__ import annotations

import argparse
import sys

from marshmallow import ValidationError

from auth.config import Config
from auth.credentials import Passwords
from auth.schemas import UserCreateSchema
from auth.service import users as service
from auth.store import AuthStores
from hotel_shared.demo import DEMO_PEOPLE
from hotel_shared.logs import configure_logging
from hotel_shared.principal import Context

SEED = Context()  # a system action: no actor, no request


def seed_demo_users(stores: AuthStores, passwords: Passwords) -> list[str]:
    """Create the missing demo users (dev only); existing ones and their passwords stay."""
    created = []
    for person in DEMO_PEOPLE:
        fields = UserCreateSchema().load(
            {
                "username": person.username,
                "password": person.password,
                "role": person.role,
                "department": person.department,
                "employeeCode": person.employee_code,
                "name": person.name,
            }
        )
        if service.ensure_user(stores, SEED, passwords, fields):
            created.append(person.username)
    return created


def bootstrap_admin(
    stores: AuthStores, passwords: Passwords, username: str | None, password: str | None
) -> str:
    """Create the first hotelAdmin from the environment when no active one exists."""
    if service.has_active_admin(stores):
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
    if not service.ensure_user(stores, SEED, passwords, fields):
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
    stores = AuthStores.from_settings(config.service)
    stores.ensure_indexes()
    passwords = Passwords()
    if args.demo:
        created = seed_demo_users(stores, passwords)
        print(f"auth demo users created: {', '.join(created) or 'none (all present)'}")
    else:
        username, password = config.bootstrap_admin_username, config.bootstrap_admin_password
        print(bootstrap_admin(stores, passwords, username, password))


if __name__ == "__main__":
    main(sys.argv[1:])
