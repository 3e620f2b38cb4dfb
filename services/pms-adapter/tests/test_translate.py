"""Pure translation against golden files: what the mock OPERA answers (pinned), and what we make
of it; what we send, pinned and accepted by the mock. `UPDATE_GOLDEN=1` rewrites the files."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

import pytest

from pms_adapter import translate
from pms_adapter.breaker import CircuitBreaker
from pms_adapter.config import MOCK_DEFAULTS
from pms_adapter.mock_opera.server import MockOperaServer
from pms_adapter.mock_opera.state import OperaState
from pms_adapter.opera_client import OperaClient, PmsSettings

GOLDEN = Path(__file__).parent / "golden"
VOLATILE = {
    "createDateTime",
    "lastModifyDateTime",
    "createdDateTime",
    "postingDate",
    "revenueDate",
    "created",
}


def normalised(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "<volatile>" if k in VOLATILE else normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalised(v) for v in value]
    if isinstance(value, tuple):
        return [normalised(v) for v in value]
    return value


def golden(name: str, actual: Any) -> None:
    path = GOLDEN / f"{name}.json"
    actual = json.loads(json.dumps(normalised(actual)))
    if os.environ.get("UPDATE_GOLDEN") or not path.exists():
        path.write_text(json.dumps(actual, indent=2, sort_keys=True) + "\n")
    assert actual == json.loads(path.read_text()), f"{name} differs from tests/golden/{name}.json"


@pytest.fixture(scope="module")
def opera():
    state = OperaState()
    for room_id, room_type in (("101", "ECON"), ("102", "STDK"), ("103", "DLXK")):
        state.add_room(room_id, room_type, "1")
    guest = state.add_reservation(
        {
            "roomId": "102",
            "givenName": "Grace",
            "surname": "Hopper",
            "email": "grace@example.org",
            "arrivalDate": "2026-03-01",
            "departureDate": "2026-03-04",
        }
    )
    state.check_in(guest["reservationId"], None)
    state.add_reservation(
        {
            "roomId": "103",
            "givenName": "Ada",
            "surname": "Lovelace",
            "arrivalDate": "2026-03-02",
            "departureDate": "2026-03-05",
        }
    )
    state.set_room_status(["101"], "Dirty", None, by_interface=False)
    with MockOperaServer(state) as server:
        yield server


@pytest.fixture(scope="module")
def client(opera) -> OperaClient:
    settings = PmsSettings(
        base_url=opera.url,
        **{
            k.removeprefix("PMS_").lower(): v
            for k, v in MOCK_DEFAULTS.items()
            if k != "PMS_BASE_URL"
        },
    )
    return OperaClient(settings, CircuitBreaker())


def test_housekeeping_overview(client):
    answer = client.housekeeping_overview(limit=2, offset=1)
    golden("overview.ohip", answer)
    golden("overview.ours", translate.overview_page(answer))


def test_reservation_search(client):
    answer = client.search_reservations(
        {"arrivalStartDate": "2026-03-01", "arrivalEndDate": "2026-03-02"}
    )
    golden("reservations.ohip", answer)
    golden("reservations.ours", translate.reservations_page(answer))


def test_business_events(client):
    answer = client.business_events()
    golden("business_events.ohip", answer)
    golden(
        "business_events.ours", [dataclasses.asdict(e) for e in translate.business_events(answer)]
    )


def test_room_status_put(client, opera):
    body = translate.room_status_body("103", "Pickup", "Vacant")
    golden("room_status.request", body)
    client.put_room_status(body)
    assert opera.state.rooms["103"]["housekeepingRoomStatus"] == "Pickup"
    assert translate.room_status_body("103", "Clean", None) == {
        "roomList": [{"roomId": "103"}],
        "housekeepingRoomStatus": "Clean",
    }


def test_out_of_service(client, opera):
    body = translate.out_of_order_body(
        "101",
        {
            "kind": "OutOfService",
            "reason": "Repainting",
            "from": "2026-03-01T00:00:00Z",
            "to": "2026-03-03T00:00:00Z",
            "returnStatus": "Dirty",
        },
    )
    golden("out_of_service.request", body)
    client.post_out_of_order("OutOfService", body)
    assert opera.state.rooms["101"]["outOfOrder"]["housekeepingRoomStatus"] == "OutOfService"


def test_folio_charge_and_finding_it_again(client, opera):
    [reservation] = [r for r in opera.state.reservations.values() if r["surname"] == "Hopper"]
    rid = reservation["reservationId"]
    bill = {
        "billingId": "bill-42",
        "orderId": "order-42",
        "roomNumber": "102",
        "totalPrice": "59.50",
        "currency": "USD",
        "items": [{"name": "Pancakes", "quantity": 2}, {"name": "Coffee", "quantity": 1}],
    }
    body = translate.charge_body("HOTEL1", rid, bill, "2000")
    golden("charge.request", body)
    answer = client.post_charges(rid, body)
    golden("charge.ohip", answer)
    folio = client.get_charges(rid)
    assert translate.posting_with_reference(folio, "bill-42") == translate.posted_transaction(
        answer
    )
    assert translate.posting_with_reference(folio, "bill-43") is None


def test_htng_style_codes():
    assert translate.htng_code("Clean", "Vacant", None) == "VACANT_CLEAN"
    assert translate.htng_code("Dirty", "Occupied", None) == "OCCUPIED_DIRTY"
    assert translate.htng_code("Dirty", "Vacant", "OutOfOrder") == "OUT_OF_ORDER"
