"""`python -m tasks.seed [--demo] [--rebuild-stats]`: indexes, demo departments and staff."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from hotel_shared.demo import DEMO_PEOPLE
from hotel_shared.logs import configure_logging
from hotel_shared.principal import Context
from hotel_shared.timeutil import utc_now
from tasks import analytics
from tasks.config import Config
from tasks.rules import departments as department_rules
from tasks.rules import employees as employee_rules
from tasks.store import TasksStores

log = logging.getLogger("tasks.seed")  # not "__main__" when run with -m

DEFAULT_ESCALATION = [
    {"notify": "supervisor", "afterMinutes": 0},
    {"notify": "hotelAdmin", "afterMinutes": 30},
]


def _department(code, name, job_types, low, normal, high, urgent) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "jobTypes": job_types,
        "slaMinutes": {"low": low, "normal": normal, "high": high, "urgent": urgent},
        "acknowledgeMinutes": 15,
        "escalation": DEFAULT_ESCALATION,
    }


# DESIGN §4: department code -> job types; SLA minutes per priority (low, normal, high, urgent).
DEMO_DEPARTMENTS = (
    _department(
        "housekeeping",
        "Housekeeping",
        ["cleaning", "turndown", "amenities", "linen"],
        240,
        120,
        60,
        30,
    ),
    _department(
        "maintenance",
        "Maintenance",
        ["maintenance", "repair", "hvac", "plumbing", "electrical"],
        480,
        240,
        60,
        30,
    ),
    _department("fnb", "Food & Beverage", ["fnb"], 90, 45, 30, 15),
    _department("frontOffice", "Front Office", ["general", "checkin"], 120, 60, 30, 15),
    _department("concierge", "Concierge", ["concierge", "transport"], 120, 60, 30, 15),
)


def demo_employees() -> list[dict[str, Any]]:
    """The demo staff who have an employee code (every one but the admin), as employee details."""
    return [
        {
            "employeeCode": person.employee_code,
            "name": person.name,
            "role": person.role,
            "department": person.department,
            "jobTitle": person.job_title,
            "onDuty": True,
        }
        for person in DEMO_PEOPLE
        if person.employee_code
    ]


def seed_demo(stores: TasksStores) -> tuple[int, int]:
    """Create the missing demo departments and employees, never touching existing ones."""
    now = utc_now()
    departments = sum(
        stores.insert_department_if_missing(
            department_rules.new_department(department["code"], department, now)
        )
        for department in DEMO_DEPARTMENTS
    )
    employees = sum(
        stores.insert_employee_if_missing(employee_rules.new_employee(details, now))
        for details in demo_employees()
    )
    return departments, employees


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tasks.seed", description=__doc__)
    parser.add_argument("--demo", action="store_true", help="create demo departments and staff")
    parser.add_argument(
        "--rebuild-stats", action="store_true", help="recompute analytics rollups from the tasks"
    )
    args = parser.parse_args(argv)
    config = Config.from_env(needs_public_key=False)
    configure_logging(f"{config.service.name}-seed", config.service.log_level)
    stores = TasksStores.from_settings(config.service)
    stores.ensure_indexes()
    log.info("indexes ensured")
    if args.demo:
        log.info("demo departments, employees created: %d, %d", *seed_demo(stores))
    if args.rebuild_stats:
        log.info("analytics rollup rows rebuilt: %d", analytics.rebuild_stats(stores, Context()))


if __name__ == "__main__":
    main()
