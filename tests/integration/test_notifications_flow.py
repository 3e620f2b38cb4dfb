"""Notifications end to end: real processes, Socket.IO clients through the gateway and beside it."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
import requests
import socketio
from conftest import eventually
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hotel_devstack.services import discover_services
from hotel_shared.auth import Principal, access_claims, sign_token
from hotel_shared.testing.servers import find_repo_root, free_port

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


@pytest.fixture
def second_notifications_process(stack, tmp_path) -> Iterator[str]:
    service = next(
        s for s in discover_services(find_repo_root() / "services") if s.name == "notifications"
    )
    port = free_port()
    venv_bin = find_repo_root() / ".venv" / "bin"
    log = open(tmp_path / "notifications-2.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            str(venv_bin / "gunicorn"),
            "--config",
            service.gunicorn_config,
            "--bind",
            f"127.0.0.1:{port}",
            "--control-socket",
            str(tmp_path / "notifications-2.ctl"),
            f"{service.package}.wsgi:app",
        ],
        env=stack.service_env(service),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"

    def is_up():
        """the second notifications process answers /healthz"""
        try:
            return requests.get(f"{url}/healthz", timeout=1).status_code == 200
        except requests.ConnectionError:
            return False

    try:
        eventually(is_up, timeout=30)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_clients_on_two_processes_each_hear_every_event_once(
    gateway, listen, second_notifications_process
):
    via_gateway = listen("supervisor")
    direct = listen("supervisor", url=second_notifications_process)
    versions = [
        change_room_status(gateway, "107", as_user="supervisor")["version"] for _ in range(5)
    ]

    for listener in (via_gateway, direct):

        def heard_all(listener=listener):
            """both clients got the five changes of room 107"""
            heard = listener.heard("room.status_changed", roomNumber="107")
            return heard if len(heard) >= len(versions) else None

        eventually(heard_all)
    # One more change, after the five: once both clients heard it, a duplicate of any of the five
    # would have arrived before it.
    marker = change_room_status(gateway, "108", as_user="supervisor")
    for listener in (via_gateway, direct):

        def heard_marker(listener=listener):
            """both clients got the marker change of room 108"""
            return listener.heard(
                "room.status_changed", roomNumber="108", version=marker["version"]
            )

        eventually(heard_marker)
    for listener in (via_gateway, direct):
        heard = listener.heard("room.status_changed", roomNumber="107")
        assert sorted(payload["version"] for payload in heard) == versions


def test_long_polling_clients_are_served_through_the_gateway(gateway, listen):
    # Hotel Wi-Fi proxies sometimes block WebSocket upgrades; polling must carry the same events.
    admin = listen("admin", transports=["polling"])
    assert admin.client.transport() == "polling"
    room = change_room_status(gateway, "102")

    def heard():
        """the polling client to hear the room change"""
        return admin.heard("room.status_changed", roomNumber="102", version=room["version"])

    eventually(heard)
