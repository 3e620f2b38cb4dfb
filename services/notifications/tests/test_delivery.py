"""The consumer's handlers through Socket.IO: each socket hears its audience's events, once."""

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hotel_shared.auth import Principal, access_claims, sign_token
from hotel_shared.inbox import bind_handlers
from notifications.handlers import make_handlers
from notifications.sockets import socketio_emitter
from notifications.store import NotificationsStores


def connect(app, socketio, token):
    return socketio.test_client(app, auth={"token": token} if token else None)


def received(client):
    return [(packet["name"], packet["args"][0]) for packet in client.get_received()]


ASSIGNED_TO_TECH = (
    "tasks.task.assigned.v1",
    {"taskId": "T1", "roomNumber": "205", "department": "maintenance", "employeeId": "MT-001"},
)
ASSIGNED_TO_HOUSEKEEPER = (
    "tasks.task.assigned.v1",
    {"taskId": "T2", "roomNumber": "101", "department": "housekeeping", "employeeId": "HK-001"},
)


@pytest.mark.parametrize("token", [None, "not-a-jwt"])
def test_a_socket_without_a_valid_token_is_refused(app, socketio, token):
    assert not connect(app, socketio, token).is_connected()


def test_a_token_signed_by_another_key_is_refused(app, socketio):
    claims = access_claims(
        Principal("u-admin", "admin", "hotelAdmin"),
        issuer="hotel-auth",
        audience="hotel",
        ttl_s=300,
    )
    forged = sign_token(claims, Ed25519PrivateKey.generate())
    assert not connect(app, socketio, forged).is_connected()


def test_technician_hears_his_task_and_nothing_of_housekeeping(
    app, socketio, demo_callers, deliver, make_envelope
):
    technician = connect(app, socketio, demo_callers.token_for("technician"))
    housekeeper = connect(app, socketio, demo_callers.token_for("housekeeper"))
    deliver(make_envelope(*ASSIGNED_TO_HOUSEKEEPER))
    deliver(make_envelope(*ASSIGNED_TO_TECH))
    tech_events = received(technician)
    assert [(name, payload["taskId"]) for name, payload in tech_events] == [("task.assigned", "T1")]
    assert [payload["taskId"] for _, payload in received(housekeeper)] == ["T2"]


def test_room_status_reaches_admin_with_envelope_fields(
    app, socketio, demo_callers, deliver, make_envelope
):
    admin = connect(app, socketio, demo_callers.token_for("admin"))
    technician = connect(app, socketio, demo_callers.token_for("technician"))
    changes = [{"field": "housekeepingStatus", "oldValue": "Dirty", "newValue": "Clean"}]
    envelope = make_envelope(
        "rooms.room.status_changed.v1",
        {"roomNumber": "204", "housekeepingStatus": "Clean", "changes": changes},
    )
    deliver(envelope)
    [(name, payload)] = received(admin)
    assert name == "room.status_changed"
    assert payload["eventId"] == envelope["id"]
    assert payload["type"] == envelope["type"]
    assert payload["time"] == envelope["time"]
    assert payload["housekeepingStatus"] == "Clean"
    assert payload["changes"] == changes
    assert payload["createdAt"].endswith("Z")
    assert received(technician) == []


def test_a_guest_hears_only_its_own_rooms_orders(
    app, socketio, demo_callers, deliver, make_envelope
):
    guest = connect(app, socketio, demo_callers.guest_token("205"))
    chef = connect(app, socketio, demo_callers.token_for("chef"))
    deliver(make_envelope("fnb.order.status_changed.v1", {"orderId": "o1", "roomNumber": "101"}))
    deliver(make_envelope("fnb.order.status_changed.v1", {"orderId": "o2", "roomNumber": "205"}))
    deliver(make_envelope("rooms.room.status_changed.v1", {"roomNumber": "205"}))
    assert [payload["orderId"] for _, payload in received(guest)] == ["o2"]
    assert [payload["orderId"] for _, payload in received(chef)] == ["o1", "o2"]


def test_a_redelivered_event_is_stored_and_pushed_once(
    app, socketio, demo_callers, deliver, make_envelope, stores
):
    supervisor = connect(app, socketio, demo_callers.token_for("supervisor"))
    envelope = make_envelope(*ASSIGNED_TO_TECH)
    deliver(envelope)
    deliver(envelope)
    assert len(received(supervisor)) == 1
    assert stores.notifications.count_documents({}) == 1


def test_two_workers_given_the_same_event_store_and_push_it_once(
    app, socketio, demo_callers, make_envelope, config
):
    # Each worker process has its own stores and its own inbox clock; the inbox is shared.
    supervisor = connect(app, socketio, demo_callers.token_for("supervisor"))
    workers = [
        bind_handlers(
            NotificationsStores.from_settings(config.service),
            make_handlers(socketio_emitter(socketio)),
        )
        for _ in range(2)
    ]
    envelope = make_envelope(*ASSIGNED_TO_TECH)
    for worker in workers:
        worker.handle(envelope)
    assert [payload["eventId"] for _, payload in received(supervisor)] == [envelope["id"]]


def test_a_socket_in_several_target_rooms_hears_the_event_once(
    app, socketio, demo_callers, deliver, make_envelope
):
    # The supervisor is in role:supervisor and dept:housekeeping, both audiences of a room event.
    supervisor = connect(app, socketio, demo_callers.token_for("supervisor"))
    deliver(make_envelope("rooms.room.status_changed.v1", {"roomNumber": "204"}))
    assert len(received(supervisor)) == 1
