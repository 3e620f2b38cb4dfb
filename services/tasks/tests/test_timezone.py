"""HOTEL_TIMEZONE: analytics count a task on the hotel's calendar day, not the UTC day."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hotel_shared.principal import Context, Principal
from tasks import analytics, service
from tasks.app import create_app
from tasks.config import Config
from tasks.seed import seed_demo
from tasks.store import TasksStores

# 22:30 UTC on the 21st is 12:30 on the 22nd on Kiritimati (UTC+14), the farthest zone ahead.
ZONE = "Pacific/Kiritimati"
CREATED = datetime(2026, 11, 21, 22, 30, tzinfo=UTC)
UTC_DAY, HOTEL_DAY = "2026-11-21", "2026-11-22"
FRONT_DESK = Context(Principal("u-frontdesk", "frontdesk", "frontOffice", "frontOffice", "FO-001"))
HOT_WATER = {"roomNumber": "205", "jobType": "plumbing", "priority": "high"}


@pytest.fixture
def frozen_clock(monkeypatch):
    monkeypatch.setattr(service, "utc_now", lambda: CREATED)
    monkeypatch.setattr(analytics, "utc_now", lambda: CREATED)


@pytest.fixture
def zoned_config(service_settings) -> Config:
    return Config(service=service_settings("tasks", hotel_timezone=ZONE))


@pytest.fixture
def zoned_stores(zoned_config, make_stores) -> TasksStores:
    stores = make_stores(TasksStores, zoned_config.service)
    seed_demo(stores)
    return stores


def days(report):
    return {row["date"]: row["requests"] for row in report["daily"]}


def test_the_stores_carry_the_configured_zone(zoned_stores):
    assert zoned_stores.zone.key == ZONE
    with zoned_stores.transaction() as tx:
        assert tx.zone.key == ZONE


def test_a_request_counts_on_the_hotels_day_and_today_is_the_hotels(
    zoned_config, zoned_stores, frozen_clock, callers
):
    service.create_request(zoned_stores, FRONT_DESK, HOT_WATER)
    [row] = list(zoned_stores.daily_stats.find({"employeeId": None}))
    assert row["day"] == HOTEL_DAY
    client = create_app(zoned_config).test_client()
    # The default period ends on the hotel's today (the 22nd), so the request is in it.
    report = client.get("/api/analytics/departments", headers=callers.supervisor).get_json()
    assert (report["to"], days(report)) == (HOTEL_DAY, {HOTEL_DAY: 1})
    on_utc_day = client.get(
        "/api/analytics/departments",
        query_string={"from": UTC_DAY, "to": UTC_DAY},
        headers=callers.supervisor,
    ).get_json()
    assert on_utc_day["departments"] == []


def test_rollups_written_under_utc_move_to_the_hotels_days_on_a_rebuild(
    stores, zoned_config, frozen_clock
):
    service.create_request(stores, FRONT_DESK, HOT_WATER)  # the stores fixture's zone is UTC
    period = {"first": date(2026, 11, 1), "last": date(2026, 11, 30)}
    assert days(analytics.department_analytics(stores, FRONT_DESK, **period)) == {UTC_DAY: 1}
    zoned = TasksStores(stores.client, stores.db, zone=zoned_config.service.zone)
    # Existing rows keep working as they were until the rollups are recomputed in the new zone.
    assert days(analytics.department_analytics(zoned, FRONT_DESK, **period)) == {UTC_DAY: 1}
    analytics.rebuild_stats(zoned, Context())
    assert days(analytics.department_analytics(zoned, FRONT_DESK, **period)) == {HOTEL_DAY: 1}
