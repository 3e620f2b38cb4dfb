"""Fixtures for the tasks tests: an app on a fresh seeded database, its stores, callers by role."""

from __future__ import annotations

from typing import Any

import pytest

from hotel_shared.readmodel import close_read_models
from tasks.app import create_app
from tasks.config import Config
from tasks.seed import seed_demo
from tasks.store import TasksStores

pytest_plugins = ["hotel_shared.testing"]


@pytest.fixture
def config(service_settings) -> Config:
    return Config(service=service_settings("tasks"))


@pytest.fixture
def stores(config: Config, make_stores) -> TasksStores:
    """The demo departments and employees on a fresh database."""
    stores = make_stores(TasksStores, config.service)
    seed_demo(stores)
    return stores


@pytest.fixture
def app(config: Config, stores: TasksStores):
    return create_app(config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def callers(demo_callers):
    """The demo staff of DESIGN §4, plus the guest of room 205 and a second technician."""
    demo_callers.guest = demo_callers.guest_headers("205")
    demo_callers.second_technician = demo_callers.staff_headers("tech2", "maintenance", "MT-002")
    return demo_callers


def add_staff(stores: TasksStores, code: str, department: str, on_duty: bool = True) -> None:
    stores.employees.insert_one(
        {
            "employeeCode": code,
            "name": f"Employee {code}",
            "role": "staff",
            "department": department,
            "jobTitle": "Technician",
            "onDuty": on_duty,
            "openTasks": 0,
            "lastAssignedAt": None,
            "version": 1,
        }
    )


def outbox_events(stores: TasksStores, event_type: str) -> list[dict[str, Any]]:
    entries = stores.db["outbox"].find({"type": event_type}).sort("createdAt", 1)
    return [entry["envelope"] for entry in entries]


@pytest.fixture(autouse=True)
def _stop_read_models(make_stores):
    """Each test's database is dropped after it: stop the watchers this test started first."""
    yield
    close_read_models()
