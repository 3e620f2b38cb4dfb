"""The demo staff of DESIGN §4, in one place: auth's and tasks' seeds, the tests and devstack.

Development only: `make up` seeds them; a production install creates its first admin from env.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoPerson:
    username: str
    password: str
    role: str
    department: str | None
    employee_code: str | None
    name: str
    job_title: str | None


DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("admin", "admin-demo-pass", "hotelAdmin", None, None, "Demo Admin", None),
    DemoPerson(
        "frontdesk", "frontdesk-demo-pass", "frontOffice", "frontOffice", "FO-001",
        "Frank Desk", "Front desk agent",
    ),
    DemoPerson(
        "supervisor", "supervisor-demo-pass", "supervisor", "housekeeping", "HK-SUP-01",
        "Sarah Super", "Housekeeping supervisor",
    ),
    DemoPerson(
        "housekeeper", "housekeeper-demo-pass", "staff", "housekeeping", "HK-001",
        "Hannah Keeper", "Housekeeper",
    ),
    DemoPerson(
        "technician", "technician-demo-pass", "staff", "maintenance", "MT-001",
        "Tom Tech", "Technician",
    ),
    DemoPerson("chef", "chef-demo-pass", "restaurantAdmin", "fnb", "FB-001", "Carla Chef", "Chef"),
)  # fmt: skip

DEMO_BY_USERNAME = {person.username: person for person in DEMO_PEOPLE}
