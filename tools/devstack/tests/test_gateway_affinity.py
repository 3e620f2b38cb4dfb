"""A scaled service behind the real gateway: requests spread over its processes, while every
/socket.io/ request of one client stays on one notifications process (the affinity cookie)."""

from __future__ import annotations

import pytest
import requests
from conftest import running_gateway, start_recording_server

from hotel_devstack.services import DEFAULT_PORTS

POLL = "/socket.io/?EIO=4&transport=polling"


@pytest.fixture(scope="module")
def scaled_gateway():
    """Two recording servers for rooms and for notifications, one for every other service;
    yields the gateway's URL and the ports of the two notifications processes."""
    servers = {
        name: [start_recording_server(name) for _ in range(2 if name in SCALED else 1)]
        for name in DEFAULT_PORTS
    }
    upstreams = {
        name: [f"127.0.0.1:{server.server_port}" for server in group]
        for name, group in servers.items()
    }
    try:
        with running_gateway(
            upstreams, LOGIN_RATE="100r/s", LOGIN_BURST="100", CLIENT_MAX_BODY_SIZE="1m"
        ) as url:
            yield url, {server.server_port for server in servers["notifications"]}
    finally:
        for group in servers.values():
            for server in group:
                server.shutdown()


SCALED = ("rooms", "notifications")


def answered_by(response: requests.Response) -> int:
    assert response.status_code == 200, response.text
    return response.json()["port"]


def test_requests_to_a_scaled_service_reach_every_process(scaled_gateway):
    url, _ = scaled_gateway
    ports = {answered_by(requests.get(f"{url}/api/rooms", timeout=5)) for _ in range(10)}
    assert len(ports) == 2


def test_the_first_socket_io_answer_sets_the_affinity_cookie_once(scaled_gateway):
    url, _ = scaled_gateway
    client = requests.Session()
    first = client.get(url + POLL, timeout=5)
    cookie = first.cookies.get("hotel_sio")
    assert cookie is not None
    assert len(cookie) == 32
    assert "Path=/socket.io/" in first.headers["Set-Cookie"]
    assert "HttpOnly" in first.headers["Set-Cookie"]
    again = client.get(url + POLL, timeout=5)
    assert "Set-Cookie" not in again.headers
    # Other routes neither set nor need it.
    assert "Set-Cookie" not in requests.get(f"{url}/api/notifications", timeout=5).headers


def test_every_socket_io_request_of_one_client_reaches_one_process(scaled_gateway):
    url, _ = scaled_gateway
    for _ in range(6):
        client = requests.Session()
        ports = {answered_by(client.get(url + POLL, timeout=5)) for _ in range(8)}
        ports |= {answered_by(client.post(url + POLL, data="40", timeout=5)) for _ in range(4)}
        assert len(ports) == 1


def test_clients_from_one_address_are_spread_over_the_processes(scaled_gateway):
    url, processes = scaled_gateway
    # Each new client draws a random key; 30 all on one of two processes would be 2 in 2**30.
    first_answers = {answered_by(requests.get(url + POLL, timeout=5)) for _ in range(30)}
    assert first_answers == processes


def test_a_forged_or_malformed_affinity_cookie_is_replaced(scaled_gateway):
    url, _ = scaled_gateway
    response = requests.get(url + POLL, cookies={"hotel_sio": "not-a-key"}, timeout=5)
    assert answered_by(response)
    replaced = response.cookies.get("hotel_sio")
    assert replaced is not None
    assert replaced != "not-a-key"
