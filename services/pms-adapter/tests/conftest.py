"""Fixtures for the PMS adapter tests: a mock OPERA on a real socket, the service on a fresh
database pointed at it, and the sync loop's pieces driven step by step."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from hotel_shared.inbox import bind_handlers
from pms_adapter.app import create_app
from pms_adapter.breaker import CircuitBreaker
from pms_adapter.config import MOCK_DEFAULTS, Config
from pms_adapter.handlers import HANDLERS
from pms_adapter.mock_opera.server import MockOperaServer
from pms_adapter.mock_opera.state import demo_state
from pms_adapter.opera_client import OperaClient, PmsSettings
from pms_adapter.store import PmsStores
from pms_adapter.sync import PmsSync, SyncTiming

pytest_plugins = ["hotel_shared.testing"]

FAST = SyncTiming(backoff_base_s=0.02, backoff_cap_s=0.1, lease_s=5.0)


@pytest.fixture
def opera():
    with MockOperaServer(demo_state()) as server:
        yield server


@pytest.fixture
def config(service_settings, opera) -> Config:
    pms = PmsSettings(
        base_url=opera.url,
        client_id=MOCK_DEFAULTS["PMS_CLIENT_ID"],
        client_secret=MOCK_DEFAULTS["PMS_CLIENT_SECRET"],
        app_key=MOCK_DEFAULTS["PMS_APP_KEY"],
        hotel_id=MOCK_DEFAULTS["PMS_HOTEL_ID"],
        timeout_s=2.0,
    )
    return Config(
        service=service_settings("pms-adapter"),
        pms=pms,
        timing=FAST,
        breaker_threshold=3,
        breaker_cooldown_s=0.3,
    )


@pytest.fixture
def stores(config: Config, make_stores) -> PmsStores:
    return make_stores(PmsStores, config.service)


@pytest.fixture
def opera_client(config: Config) -> OperaClient:
    return OperaClient(config.pms, CircuitBreaker(3, 0.3, 1.0))


@pytest.fixture
def sync(stores, opera_client, config) -> PmsSync:
    return PmsSync(stores, opera_client, config.transaction_code, config.timing)


@pytest.fixture
def deliver(stores, make_envelope):
    """Deliver an event to the adapter's handlers as the consumer would (inbox and all)."""
    bound = bind_handlers(stores, HANDLERS)

    def send(event_type: str, data: dict[str, Any], envelope: dict | None = None) -> dict:
        envelope = envelope or make_envelope(event_type, data)
        bound.handle(envelope)
        return envelope

    return send


@pytest.fixture
def app(config: Config, stores: PmsStores):
    return create_app(config)


@pytest.fixture
def client(app):
    return app.test_client()


def room_event(number: str, status: str, version: int, **extra: Any) -> dict[str, Any]:
    """rooms.room.status_changed.v1 data for one of the demo rooms."""
    return {
        "roomNumber": number,
        "roomType": "Standard",
        "housekeepingStatus": status,
        "previousHousekeepingStatus": "Inspected",
        "frontOfficeStatus": "Vacant",
        "hkOccupancy": None,
        "discrepancy": None,
        "outOfOrder": None,
        "guestServiceStatus": "None",
        "turndownStatus": "NotRequired",
        "status": "available",
        "version": version,
        "changeSource": "api",
        "changes": [],
        **extra,
    }


def bill_event(billing_id: str, room: str = "106", total: str = "57.00") -> dict[str, Any]:
    return {
        "billingId": billing_id,
        "orderId": f"order-{billing_id}",
        "roomNumber": room,
        "customerId": "cust-1",
        "totalPrice": total,
        "currency": "USD",
        "items": [
            {
                "itemId": "a1",
                "kind": "food",
                "foodId": "f1",
                "name": "Club sandwich",
                "quantity": 2,
                "unitPrice": "28.50",
                "lineTotal": total,
            }
        ],
        "deliveredAt": "2026-11-21T19:42:10Z",
    }


def control(opera, method: str, path: str, **kwargs) -> Any:
    answer = requests.request(method, f"{opera.url}/control/{path}", timeout=5, **kwargs)
    assert answer.status_code < 300, answer.text
    return answer.json() if answer.content else None


def calls(opera, method: str | None = None, path_part: str = "") -> list[dict[str, Any]]:
    return [
        call
        for call in control(opera, "GET", "calls")["calls"]
        if (method is None or call["method"] == method) and path_part in call["path"]
    ]


def outbox_events(stores: PmsStores, event_type: str) -> list[dict[str, Any]]:
    entries = stores.db["outbox"].find({"type": event_type}).sort("createdAt", 1)
    return [entry["envelope"] for entry in entries]


def drain_outbox(sync: PmsSync, rounds: int = 200) -> None:
    """Run the sender until nothing is pending (entries backing off are waited for)."""
    import time

    for _ in range(rounds):
        sync.send_due()
        if sync.stores.count_work("pending") == 0:
            return
        time.sleep(0.02)
    raise AssertionError("the PMS outbox did not drain")


@pytest.fixture
def callers(demo_callers):
    return demo_callers
