"""The mock OPERA answers as OHIP documents: auth, paging, enums, errors, events, faults."""

from __future__ import annotations

import base64

import pytest
import requests

from pms_adapter.mock_opera.server import MockOperaServer
from pms_adapter.mock_opera.state import OperaState, demo_state

APP_KEY = "9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f"
HOTEL = "HOTEL1"


@pytest.fixture
def opera():
    with MockOperaServer(demo_state()) as server:
        yield server


def basic(user: str = "hotel-platform", secret: str = "mock-opera-secret") -> str:
    return "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()


def token(opera, **overrides) -> requests.Response:
    headers = {"authorization": basic(), "x-app-key": APP_KEY, **overrides}
    form = {"grant_type": "client_credentials", "scope": "urn:opc:hgbu:ws:__myscopes__"}
    return requests.post(f"{opera.url}/oauth/v1/tokens", data=form, headers=headers, timeout=5)


@pytest.fixture
def headers(opera) -> dict[str, str]:
    access = token(opera).json()["access_token"]
    return {"authorization": f"Bearer {access}", "x-app-key": APP_KEY, "x-hotelid": HOTEL}


def call(opera, method: str, path: str, headers, **kwargs) -> requests.Response:
    return requests.request(method, f"{opera.url}{path}", headers=headers, timeout=5, **kwargs)


def drain(opera, headers) -> list[dict]:
    events = []
    while True:
        answer = call(
            opera, "GET", f"/int/v1/externalSystem/HOTELOPS/hotels/{HOTEL}/businessEvents", headers
        )
        if answer.status_code == 204:
            return events
        events += answer.json()["businessEventData"]


def test_token_needs_basic_client_credentials_and_the_app_key(opera):
    granted = token(opera)
    assert granted.status_code == 200
    assert set(granted.json()) == {"access_token", "expires_in", "token_type", "oracle_tk_context"}
    assert (granted.json()["token_type"], granted.json()["expires_in"]) == ("Bearer", 3600)
    assert token(opera, authorization=basic(secret="wrong")).status_code == 401
    assert token(opera, **{"x-app-key": "00000000-0000-4000-8000-000000000000"}).status_code == 401


def test_every_call_needs_token_app_key_and_the_right_hotel(opera, headers):
    path = f"/hsk/v1/hotels/{HOTEL}/housekeepingOverview"
    assert call(opera, "GET", path, headers).status_code == 200
    no_token = {k: v for k, v in headers.items() if k != "authorization"}
    refused = call(opera, "GET", path, no_token)
    assert (refused.status_code, refused.content) == (401, b"")
    assert call(opera, "GET", path, {**headers, "x-app-key": "nope"}).status_code == 401
    wrong = call(opera, "GET", path, {**headers, "x-hotelid": "OTHER"})
    assert (wrong.status_code, wrong.content) == (403, b"")
    assert (
        call(
            opera,
            "GET",
            "/hsk/v1/hotels/OTHER/housekeepingOverview",
            {**headers, "x-hotelid": "OTHER"},
        ).status_code
        == 403
    )


def test_an_expired_token_is_refused(opera, headers):
    requests.post(f"{opera.url}/control/tokens/expire", timeout=5)
    path = f"/hsk/v1/hotels/{HOTEL}/housekeepingOverview"
    assert call(opera, "GET", path, headers).status_code == 401


def test_overview_pages_with_limit_offset_and_has_more(opera, headers):
    path = f"/hsk/v1/hotels/{HOTEL}/housekeepingOverview"
    first = call(opera, "GET", path, headers, params={"limit": 8}).json()["housekeepingRoomInfo"]
    assert (first["count"], first["totalResults"], first["hasMore"], first["totalPages"]) == (
        8,
        20,
        True,
        3,
    )
    last = call(opera, "GET", path, headers, params={"limit": 8, "offset": 16}).json()
    info = last["housekeepingRoomInfo"]
    assert (info["count"], info["hasMore"]) == (4, False)
    room = info["housekeepingRooms"]["room"][-1]
    assert room["roomId"] == "210"
    assert room["housekeeping"]["housekeepingRoomStatus"]["housekeepingRoomStatus"] == "Inspected"
    dirty = call(opera, "GET", path, headers, params={"housekeepingRoomStatus": "Dirty"})
    assert dirty.status_code == 204


def test_room_status_put_sets_opera_status_and_refuses_out_of_order(opera, headers):
    path = f"/hsk/v1/hotels/{HOTEL}/rooms/status"
    body = {
        "roomList": [{"roomId": "101"}],
        "housekeepingRoomStatus": "Dirty",
        "housekeepingStatus": "Vacant",
    }
    answer = call(opera, "PUT", path, headers, json=body)
    assert (answer.status_code, answer.json()) == (200, {"links": [], "warnings": []})
    assert opera.state.rooms["101"]["housekeepingRoomStatus"] == "Dirty"
    refused = call(
        opera, "PUT", path, headers, json={**body, "housekeepingRoomStatus": "OutOfOrder"}
    )
    assert refused.status_code == 400
    assert {"type", "title", "status", "o:errorCode"} <= set(refused.json())
    missing = call(opera, "PUT", path, headers, json={**body, "roomList": [{"roomId": "999"}]})
    assert missing.status_code == 404


def test_out_of_order_has_its_own_operation(opera, headers):
    body = {
        "criteria": {
            "roomRangeList": {
                "roomIds": ["102"],
                "roomOutOfOrder": {
                    "reasonCode": "MAINT",
                    "returnStatus": "Dirty",
                    "start": "2026-12-01",
                    "end": "2026-12-03",
                },
            }
        }
    }
    answer = call(
        opera, "POST", f"/hsk/v1/hotels/{HOTEL}/rooms/outOfOrderRooms", headers, json=body
    )
    assert answer.status_code == 201
    overview = call(
        opera,
        "GET",
        f"/hsk/v1/hotels/{HOTEL}/housekeepingOverview",
        headers,
        params={"housekeepingRoomStatus": "OutOfOrder"},
    ).json()
    [room] = overview["housekeepingRoomInfo"]["housekeepingRooms"]["room"]
    assert (room["roomId"], room["outOfOrder"][0]["reasonCode"]) == ("102", "MAINT")


def test_reservation_search_by_window_and_search_status_enum(opera, headers):
    path = f"/rsv/v1/hotels/{HOTEL}/reservations"
    in_house = call(opera, "GET", path, headers, params={"reservationStatuses": "CheckedIn"}).json()
    infos = in_house["reservations"]["reservationInfo"]
    assert sorted(i["roomStay"]["roomId"] for i in infos) == ["106", "208"]
    assert {i["reservationStatus"] for i in infos} == {"InHouse"}
    ada = next(r for r in opera.state.reservations.values() if r["surname"] == "Lovelace")
    window = {"arrivalStartDate": ada["arrivalDate"], "arrivalEndDate": ada["arrivalDate"]}
    [found] = call(opera, "GET", path, headers, params=window).json()["reservations"][
        "reservationInfo"
    ]
    assert found["reservationIdList"][0] == {"id": ada["reservationId"], "type": "Reservation"}
    assert found["reservationGuest"]["surname"] == "Lovelace"
    assert (
        call(
            opera,
            "GET",
            path,
            headers,
            params={"arrivalStartDate": "1999-01-01", "arrivalEndDate": "1999-01-02"},
        ).status_code
        == 204
    )


def test_check_in_check_out_and_the_charges_on_the_folio(opera, headers):
    ada = next(r for r in opera.state.reservations.values() if r["surname"] == "Lovelace")
    rid = ada["reservationId"]
    checked_in = call(
        opera,
        "POST",
        f"/fof/v1/hotels/{HOTEL}/reservations/{rid}/checkIns",
        headers,
        json={"reservation": {"roomId": "104", "ignoreWarnings": True}},
    )
    assert checked_in.status_code == 201
    [item] = checked_in.json()["reservation"]
    assert (item["roomStay"]["currentRoomInfo"]["roomId"], item["reservationStatus"]) == (
        "104",
        "InHouse",
    )
    charge = {
        "transactionCode": "2000",
        "price": {"amount": 57.0, "currencyCode": "USD"},
        "postingQuantity": 1,
        "postingReference": "bill-1",
        "postingRemark": "Room service",
    }
    path = f"/csh/v1/hotels/{HOTEL}/reservations/{rid}/charges"
    posted = call(
        opera,
        "POST",
        path,
        headers,
        json={
            "criteria": {
                "hotelId": HOTEL,
                "reservationId": {"id": rid, "type": "Reservation"},
                "charges": [charge],
            }
        },
    )
    assert posted.status_code == 201
    [posting] = posted.json()["postings"]
    assert (posting["reference"], posting["postedAmount"]) == (
        "bill-1",
        {"amount": 57.0, "currencyCode": "USD"},
    )
    reverse = {**charge, "price": {"amount": -57.0, "currencyCode": "USD"}}
    call(opera, "POST", path, headers, json={"criteria": {"charges": reverse}})
    folio = call(opera, "GET", path, headers).json()["postings"]
    assert [p["postedAmount"]["amount"] for p in folio] == [57.0, -57.0]
    out = call(
        opera,
        "POST",
        f"/csh/v1/hotels/{HOTEL}/reservations/{rid}/checkOuts",
        headers,
        json={"reservation": {"checkoutInstr": {"roomStatus": "Dirty"}}},
    )
    assert out.status_code == 201
    assert opera.state.rooms["104"]["housekeepingRoomStatus"] == "Dirty"
    late = call(opera, "POST", path, headers, json={"criteria": {"charges": [charge]}})
    assert (late.status_code, late.json()["o:errorCode"]) == (400, "CSH00042")


def test_business_events_come_twenty_at_most_and_leave_the_queue(opera, headers):
    drain(opera, headers)
    for number in range(25):
        opera.state.set_room_status(
            ["101"], ("Dirty", "Clean")[number % 2], None, by_interface=False
        )
    path = f"/int/v1/externalSystem/HOTELOPS/hotels/{HOTEL}/businessEvents"
    first = call(opera, "GET", path, headers).json()["businessEventData"]
    assert len(first) == 20
    header = first[0]["businessEvent"]["header"]
    assert (header["moduleName"], header["actionType"], header["primaryKey"]) == (
        "Housekeeping",
        "UPDATE ROOM STATUS",
        "101",
    )
    assert len(call(opera, "GET", path, headers).json()["businessEventData"]) == 5
    assert call(opera, "GET", path, headers).status_code == 204
    assert call(opera, "GET", path, headers, params={"limit": 21}).status_code == 400


def test_control_reservations_emit_reservation_events(opera, headers):
    drain(opera, headers)
    made = requests.post(
        f"{opera.url}/control/reservations",
        json={
            "roomId": "203",
            "givenName": "Edsger",
            "surname": "Dijkstra",
            "arrivalDate": "2026-12-10",
            "departureDate": "2026-12-12",
        },
        timeout=5,
    ).json()
    rid = made["reservationId"]
    requests.patch(
        f"{opera.url}/control/reservations/{rid}", json={"departureDate": "2026-12-13"}, timeout=5
    )
    requests.post(f"{opera.url}/control/reservations/{rid}/cancel", timeout=5)
    actions = [e["businessEvent"]["header"]["actionType"] for e in drain(opera, headers)]
    assert actions == ["NEW RESERVATION", "UPDATE RESERVATION", "CANCEL RESERVATION"]


def test_faults_outage_dropped_connection_and_duplicate_events(opera, headers):
    path = f"/hsk/v1/hotels/{HOTEL}/rooms/status"
    requests.put(f"{opera.url}/control/faults", json={"unavailableForSeconds": 30}, timeout=5)
    assert (
        call(opera, "GET", f"/hsk/v1/hotels/{HOTEL}/housekeepingOverview", headers).status_code
        == 503
    )
    requests.delete(f"{opera.url}/control/faults", timeout=5)
    requests.put(f"{opera.url}/control/faults", json={"dropConnections": 1}, timeout=5)
    body = {"roomList": [{"roomId": "105"}], "housekeepingRoomStatus": "Dirty"}
    with pytest.raises(requests.ConnectionError):
        call(opera, "PUT", path, headers, json=body)
    assert opera.state.rooms["105"]["housekeepingRoomStatus"] == "Dirty"  # applied, answer lost
    drain(opera, headers)
    requests.put(f"{opera.url}/control/faults", json={"duplicateEvents": True}, timeout=5)
    opera.state.set_room_status(["105"], "Clean", None, by_interface=False)
    ids = [e["businessEventId"] for e in drain(opera, headers)]
    assert len(ids) == 2
    assert ids[0] == ids[1]
    log = requests.get(f"{opera.url}/control/calls", timeout=5).json()["calls"]
    assert [c["status"] for c in log if c["method"] == "PUT"] == [200]
    assert any(c["dropped"] for c in log)


def test_the_snapshot_keeps_the_hotel_across_restarts(tmp_path):
    path = tmp_path / "opera.json"
    first = demo_state(snapshot_path=path)
    first.set_room_status(["110"], "Pickup", None, by_interface=False)
    again = OperaState(snapshot_path=path)
    assert again.load()
    assert again.rooms["110"]["housekeepingRoomStatus"] == "Pickup"
