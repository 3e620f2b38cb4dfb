"""Web Push over HTTP: the VAPID public key, a person's devices (subscribe, list, forget), and
who may do what."""

import base64

import pytest

from hotel_shared.testing import assert_problem
from hotel_shared.testing.push import BrowserDevice
from notifications.app import create_app
from notifications.config import Config

ENDPOINT = "https://push.example.com/wpush/v2/device-1"


def subscribe(client, headers, endpoint=ENDPOINT, device=None, **kwargs):
    body = (device or BrowserDevice()).subscription(endpoint)
    return client.post("/api/push-subscriptions", json=body, headers={**headers, **kwargs})


def devices(client, headers):
    response = client.get("/api/push-subscriptions", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["items"]


def test_the_public_key_is_an_uncompressed_p256_point_and_stable(client, demo_callers, app):
    first = client.get("/api/push/vapid-public-key", headers=demo_callers.technician)
    assert first.status_code == 200, first.get_data(as_text=True)
    key = first.get_json()["publicKey"]
    raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    assert len(raw) == 65
    assert raw[0] == 4
    assert "=" not in key
    assert "+" not in key
    assert "/" not in key
    again = client.get("/api/push/vapid-public-key", headers=demo_callers.admin)
    assert again.get_json()["publicKey"] == key
    # Another process of the service (a second app on the same database) signs with the same key.
    other = create_app(app.extensions["notifications.config"]).test_client()
    assert other.get("/api/push/vapid-public-key", headers=demo_callers.chef).get_json() == {
        "publicKey": key
    }


def test_a_configured_key_is_the_one_served(client, config, demo_callers, make_stores):
    from dataclasses import replace

    from notifications.webpush import generate_private_pem, parse_private_key

    pem = generate_private_pem()
    configured = replace(config, push=replace(config.push, vapid_private_key=pem))
    served = (
        create_app(configured)
        .test_client()
        .get("/api/push/vapid-public-key", headers=demo_callers.supervisor)
        .get_json()["publicKey"]
    )
    from notifications.webpush import VapidKeys

    assert served == VapidKeys(parse_private_key(pem)).public_key


def test_subscribe_then_the_same_endpoint_again_is_the_same_device(client, demo_callers):
    device = BrowserDevice()
    created = subscribe(client, demo_callers.technician, device=device, **{"User-Agent": "Phone"})
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.get_json()
    assert created.headers["Location"] == f"/api/push-subscriptions/{body['id']}"
    assert body["endpoint"] == ENDPOINT
    assert (body["userId"], body["employeeCode"], body["department"], body["role"]) == (
        "u-technician",
        "MT-001",
        "maintenance",
        "staff",
    )
    assert "employee:MT-001" in body["audiences"]
    assert body["userAgent"] == "Phone"
    assert "keys" not in body
    again = subscribe(client, demo_callers.technician, device=device)
    assert again.status_code == 200
    assert again.get_json()["id"] == body["id"]
    assert [d["id"] for d in devices(client, demo_callers.technician)] == [body["id"]]


def test_a_shared_device_moves_to_whoever_subscribes_it_last(client, demo_callers):
    device = BrowserDevice()
    first = subscribe(client, demo_callers.technician, device=device).get_json()
    moved = subscribe(client, demo_callers.housekeeper, device=device)
    assert moved.status_code == 201
    assert moved.get_json()["id"] == first["id"]
    assert moved.get_json()["employeeCode"] == "HK-001"
    assert devices(client, demo_callers.technician) == []
    assert [d["id"] for d in devices(client, demo_callers.housekeeper)] == [first["id"]]


def test_each_person_lists_only_their_own_devices(client, demo_callers):
    mine = subscribe(client, demo_callers.supervisor, "https://push.example.com/a").get_json()
    subscribe(client, demo_callers.chef, "https://push.example.com/b")
    assert [d["id"] for d in devices(client, demo_callers.supervisor)] == [mine["id"]]


def test_forget_a_device_only_as_its_owner(client, demo_callers):
    device = subscribe(client, demo_callers.technician).get_json()
    url = f"/api/push-subscriptions/{device['id']}"
    assert_problem(
        client.delete(url, headers=demo_callers.housekeeper), 404, "push_subscription_not_found"
    )
    assert client.delete(url, headers=demo_callers.technician).status_code == 204
    assert devices(client, demo_callers.technician) == []
    assert_problem(
        client.delete(url, headers=demo_callers.technician), 404, "push_subscription_not_found"
    )


def test_guests_are_refused(client, demo_callers):
    guest = demo_callers.guest_headers("205")
    assert_problem(client.get("/api/push/vapid-public-key", headers=guest), 403)
    assert_problem(subscribe(client, guest), 403)
    assert_problem(client.get("/api/push-subscriptions", headers=guest), 403)
    assert_problem(client.delete("/api/push-subscriptions/x", headers=guest), 403)


def test_a_token_is_required(client):
    assert_problem(client.get("/api/push/vapid-public-key"), 401)
    assert_problem(client.post("/api/push-subscriptions", json={}), 401)


@pytest.mark.parametrize(
    "change",
    [
        {"endpoint": "http://push.example.com/x"},
        {"endpoint": "https://10.1.2.3/x"},
        {"keys": {"p256dh": "short", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}},
        {"keys": {"p256dh": BrowserDevice().p256dh}},
        {"endpoint": None},
        {"keys": None},
    ],
)
def test_bad_subscriptions_are_refused(client, demo_callers, change):
    body = {**BrowserDevice().subscription(ENDPOINT), **change}
    body = {key: value for key, value in body.items() if value is not None}
    response = client.post("/api/push-subscriptions", json=body, headers=demo_callers.technician)
    assert_problem(response, 422)


def test_local_endpoints_are_refused_unless_the_setting_is_on(
    service_settings, make_stores, demo_callers
):
    from notifications.store import NotificationsStores

    config = Config(service=service_settings("notifications"), async_mode="threading")
    assert config.push.allow_local_endpoints is False
    make_stores(NotificationsStores, config.service)
    client = create_app(config).test_client()
    local = "http://127.0.0.1:9/push/a"
    assert_problem(subscribe(client, demo_callers.technician, local), 422)
    assert (
        Config.from_env(
            {"MONGO_URL": "mongodb://x", "AMQP_URL": "amqp://x"}, needs_public_key=False
        ).push
        == config.push
    )
