"""Revoked access ends at once: the consumer keeps the revocation, the inbox refuses the token,
and the hub closes the user's open sockets (and refuses new ones)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from hotel_shared.events import new_event
from hotel_shared.revocations import ACCESS_REVOKED, revocation_data
from hotel_shared.testing import assert_problem
from hotel_shared.timeutil import utc_now
from notifications.sockets import WATCH_KEY

ROOM_EVENT = ("rooms.room.status_changed.v1", {"roomNumber": "204", "housekeepingStatus": "Clean"})


def revocation(subject_id, *, reason="user_deactivated"):
    revoked_at = utc_now()
    data = revocation_data(
        subject_id,
        reason=reason,
        revoked_at=revoked_at,
        expires_at=revoked_at + timedelta(minutes=15),
    )
    return new_event(ACCESS_REVOKED, source="auth", subject=f"user/{subject_id}", data=data)


def connect(app, socketio, token):
    return socketio.test_client(app, auth={"token": token})


def wait_until(condition, timeout=2.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_the_revocation_is_kept_in_the_services_own_database(deliver, stores):
    deliver(revocation("u-housekeeper"))
    [kept] = list(stores.db.revoked_access.find({"_id": "u-housekeeper"}))
    assert kept["reason"] == "user_deactivated"


def test_a_revoked_users_open_socket_is_closed_and_others_stay(
    app, socketio, demo_callers, deliver, make_envelope
):
    housekeeper = connect(app, socketio, demo_callers.token_for("housekeeper"))
    supervisor = connect(app, socketio, demo_callers.token_for("supervisor"))
    assert housekeeper.is_connected()
    assert supervisor.is_connected()
    deliver(revocation("u-housekeeper"))
    assert wait_until(lambda: not housekeeper.is_connected())
    # One more full check of the open sockets after the close: the other user's stays open,
    # and still hears its events.
    watch = app.extensions[WATCH_KEY]
    passes = watch.passes
    assert wait_until(lambda: watch.passes > passes)
    assert supervisor.is_connected()
    supervisor.get_received()
    deliver(make_envelope(*ROOM_EVENT))
    assert [packet["name"] for packet in supervisor.get_received()] == ["room.status_changed"]


def test_a_socket_with_a_revoked_token_is_refused(app, socketio, demo_callers, deliver, client):
    token = demo_callers.token_for("technician")
    deliver(revocation("u-technician"))
    headers = {"Authorization": f"Bearer {token}"}
    # The REST verifier shares the process's list: once it refuses, so does the hub.
    assert wait_until(lambda: client.get("/api/notifications", headers=headers).status_code == 401)
    assert not connect(app, socketio, token).is_connected()
    assert connect(app, socketio, demo_callers.token_for("supervisor")).is_connected()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/notifications"),
        ("get", "/api/notifications/unread-count"),
        ("post", "/api/notifications/some-id/read"),
        ("post", "/api/notifications/read-all"),
    ],
)
def test_every_route_answers_401_token_revoked_after_the_revocation(
    client, demo_callers, deliver, method, path
):
    guest = demo_callers.guest_headers("205")
    assert client.get("/api/notifications", headers=guest).status_code == 200
    deliver(revocation("guest:cust-205", reason="guest_checked_out"))
    assert wait_until(
        lambda: client.get("/api/notifications", headers=guest).status_code == 401, timeout=5.0
    )
    response = getattr(client, method)(path, headers=guest)
    assert_problem(response, 401, "token_revoked")
    assert client.get("/api/notifications", headers=demo_callers.admin).status_code == 200
