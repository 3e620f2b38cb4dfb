"""Notifications end to end: real processes, Socket.IO clients through the gateway and beside it."""

from __future__ import annotations

import json

import pytest
import requests
import socketio
from conftest import eventually
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hotel_shared.auth import Principal, access_claims, sign_token

# Each housekeeping status's next legal move, so a room can be changed again and again.
NEXT_STATUS = {"Dirty": "Pickup", "Pickup": "Clean", "Clean": "Dirty", "Inspected": "Dirty"}


def change_room_status(gateway, room_number: str, as_user: str = "housekeeper") -> dict:
    room = gateway.request("GET", f"/api/rooms/{room_number}", as_user="admin").json()
    target = NEXT_STATUS[room["housekeepingStatus"]]
    response = gateway.request(
        "PATCH",
        f"/api/rooms/{room_number}/status",
        as_user=as_user,
        json={"housekeepingStatus": target},
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_housekeepers_change_reaches_the_admin_through_the_gateway(gateway, listen):
    admin = listen("admin")
    technician = listen("technician")
    room = change_room_status(gateway, "104")

    def admin_heard_it():
        """the admin's socket got room.status_changed for room 104"""
        return admin.heard("room.status_changed", roomNumber="104", version=room["version"])

    [payload] = eventually(admin_heard_it)
    assert payload["housekeepingStatus"] == room["housekeepingStatus"]
    assert payload["type"] == "rooms.room.status_changed.v1"
    assert payload["eventId"]
    assert technician.heard("room.status_changed") == []


def test_technician_hears_his_task_and_nothing_of_housekeepings(gateway, listen):
    technician = listen("technician")
    housekeeper = listen("housekeeper")
    # Dirty opens a cleaning task for housekeeping; the technician must not hear of it.
    while change_room_status(gateway, "105")["housekeepingStatus"] != "Dirty":
        pass
    response = gateway.request(
        "POST",
        "/api/requests",
        as_user="frontdesk",
        json={"roomNumber": "105", "jobType": "plumbing", "priority": "normal"},
    )
    assert response.status_code == 201, response.text
    task_id = response.json()["taskId"]

    def technician_heard_it():
        """the technician's socket got task.assigned for the plumbing task"""
        return technician.heard("task.assigned", taskId=task_id)

    [payload] = eventually(technician_heard_it)
    assert payload["employeeId"] == "MT-001"

    def housekeeper_heard_the_clean():
        """the housekeeper's socket got task.assigned for room 105's cleaning"""
        return housekeeper.heard("task.assigned", roomNumber="105", department="housekeeping")

    eventually(housekeeper_heard_the_clean)
    # A second plumbing task, created after the clean was pushed: once the technician hears it,
    # a wrongly addressed push of the clean would have reached him before it.
    marker = gateway.request(
        "POST",
        "/api/requests",
        as_user="frontdesk",
        json={"roomNumber": "105", "jobType": "plumbing", "priority": "low"},
    )
    assert marker.status_code == 201, marker.text

    def technician_heard_the_marker():
        """the technician's socket got task.assigned for the second plumbing task"""
        return technician.heard("task.assigned", taskId=marker.json()["taskId"])

    eventually(technician_heard_the_marker)
    departments = {payload.get("department") for _, payload in technician.events}
    assert departments == {"maintenance"}
    assert housekeeper.heard("task.assigned", taskId=task_id) == []


def test_a_forged_token_is_refused(gateway):
    claims = access_claims(
        Principal("forger", "admin", "hotelAdmin"),
        issuer="hotel-auth",
        audience="hotel",
        ttl_s=300,
    )
    forged = sign_token(claims, Ed25519PrivateKey.generate())
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(gateway.base_url, auth={"token": forged}, wait_timeout=10)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(gateway.base_url, auth={}, wait_timeout=10)


def test_a_client_that_was_away_fetches_all_it_missed_with_since(gateway, listen):
    admin = listen("admin")
    first = change_room_status(gateway, "106", as_user="supervisor")

    def heard_first():
        """the admin's socket got the first change of room 106"""
        return admin.heard("room.status_changed", roomNumber="106", version=first["version"])

    [last_seen] = eventually(heard_first)
    admin.close()
    versions = [
        change_room_status(gateway, "106", as_user="supervisor")["version"] for _ in range(20)
    ]

    def missed():
        """the inbox holds the 20 changes made while the admin was away"""
        response = gateway.request(
            "GET",
            "/api/notifications",
            as_user="admin",
            params={"since": last_seen["createdAt"], "limit": 500},
        )
        assert response.status_code == 200, response.text
        items = [
            item
            for item in response.json()["items"]
            if item["event"] == "room.status_changed" and item["roomNumber"] == "106"
        ]
        return items if len(items) >= 20 else None

    items = eventually(missed)
    assert sorted(item["raw"]["version"] for item in items) == versions
    assert len({item["id"] for item in items}) == 20


def notifications_processes(stack) -> list[str]:
    urls = stack.web_urls("notifications")
    if len(urls) < 2:
        pytest.skip("needs two notifications processes (INTEGRATION_SCALE=notifications=1)")
    return urls


def test_a_client_on_each_notifications_process_hears_every_event_once(gateway, listen, stack):
    # One client straight on each web process, one through the gateway on long-polling: the
    # worker's emits reach every process through the AMQP message queue.
    clients = [listen("supervisor", url=url) for url in notifications_processes(stack)]
    clients.append(listen("supervisor", transports=["polling"]))
    changes = [change_room_status(gateway, "107", as_user="supervisor") for _ in range(5)]
    request = gateway.request(
        "POST",
        "/api/requests",
        as_user="frontdesk",
        json={"roomNumber": "107", "jobType": "plumbing", "priority": "normal"},
    )
    assert request.status_code == 201, request.text
    task_id = request.json()["taskId"]
    versions = [change["version"] for change in changes]

    def ours(client) -> list[dict]:
        """What a client heard of the five changes and the request (in the order it heard)."""
        return [
            payload
            for name, payload in client.everything()
            if (
                name == "room.status_changed"
                and payload.get("roomNumber") == "107"
                and payload.get("version") in versions
            )
            or (name == "request.created" and payload.get("taskId") == task_id)
        ]

    for client in clients:

        def heard_all(client=client):
            """every client got the five changes of room 107 and the request"""
            return len(ours(client)) >= len(changes) + 1

        eventually(heard_all)
    # A marker after them all: once every client heard it, a duplicate would have come before.
    marker = change_room_status(gateway, "108", as_user="supervisor")
    for client in clients:

        def heard_marker(client=client):
            """every client got the marker change of room 108"""
            return client.heard("room.status_changed", roomNumber="108", version=marker["version"])

        eventually(heard_marker)
    for client in clients:
        heard = ours(client)
        # Once each, counted by event id: no process delivered an emit twice, none missed one.
        assert len(heard) == len({payload["eventId"] for payload in heard}) == len(changes) + 1
        # Two workers consume the queue: the order may differ, the set may not (hints only).
        rooms = [payload["version"] for payload in heard if payload["type"].startswith("rooms.")]
        assert sorted(rooms) == versions
        every_id = [p["eventId"] for _, p in client.everything() if "eventId" in p]
        assert len(every_id) == len(set(every_id))


def engine_io_handshake(http: requests.Session, base_url: str) -> str:
    """Open an Engine.IO long-polling session through the gateway; its sid."""
    response = http.get(f"{base_url}/socket.io/?EIO=4&transport=polling", timeout=10)
    assert response.status_code == 200, response.text
    assert response.text.startswith("0"), response.text
    return json.loads(response.text[1:])["sid"]


def polling_url(base_url: str, sid: str) -> str:
    return f"{base_url}/socket.io/?EIO=4&transport=polling&sid={sid}"


def post_pong(http: requests.Session, base_url: str, sid: str) -> requests.Response:
    # A pong packet (3): "OK" from the process holding the session, 400 from any other.
    return http.post(polling_url(base_url, sid), data="3", timeout=10)


def test_every_polling_request_of_a_client_reaches_the_process_holding_its_session(gateway, stack):
    notifications_processes(stack)
    http = requests.Session()
    sid = engine_io_handshake(http, gateway.base_url)
    assert http.cookies.get("hotel_sio")
    # The Socket.IO connect with the token, then its answer on the next poll.
    auth = json.dumps({"token": gateway.token("supervisor")})
    connect = http.post(polling_url(gateway.base_url, sid), data=f"40{auth}", timeout=10)
    assert (connect.status_code, connect.text) == (200, "OK")
    accepted = http.get(polling_url(gateway.base_url, sid), timeout=10)
    assert accepted.status_code == 200, accepted.text
    assert accepted.text.startswith("40{"), accepted.text
    for _ in range(20):
        response = post_pong(http, gateway.base_url, sid)
        assert (response.status_code, response.text) == (200, "OK")
    # The same requests without the affinity cookie land on either process: the other one does
    # not know the session (20 on the right one by chance: 1 in 2**20).
    strangers = [post_pong(requests.Session(), gateway.base_url, sid) for _ in range(20)]
    refused = [response for response in strangers if response.status_code == 400]
    assert refused
    assert "Invalid session" in refused[0].text


def test_long_polling_clients_are_served_through_the_gateway(gateway, listen):
    # Hotel Wi-Fi proxies sometimes block WebSocket upgrades; polling must carry the same events.
    admin = listen("admin", transports=["polling"])
    assert admin.client.transport() == "polling"
    room = change_room_status(gateway, "102")

    def heard():
        """the polling client to hear the room change"""
        return admin.heard("room.status_changed", roomNumber="102", version=room["version"])

    eventually(heard)
