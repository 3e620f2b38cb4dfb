"""Each service's real app on a fresh database, with a few real records to aim at, and its callers.

The suite drives the apps through Flask's test client (no gateway, no worker): what it checks is
the app's own answer to every route, so nothing else needs to run but the Mongo-wire server the
shared fixtures start. The records are made through the API itself (and the tasks demo seed), so
they are what a caller could really reach.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from flask.testing import FlaskClient

from hotel_shared.auth import key_id, sign_token
from hotel_shared.demo import DEMO_BY_USERNAME
from hotel_shared.timeutil import utc_now

if TYPE_CHECKING:  # imported by pytest as a plugin: an import here would come too early
    from hotel_shared.testing import DemoCallers, SigningKeys

pytest_plugins = ["hotel_shared.testing"]

SERVICES = ("auth", "rooms", "fnb", "tasks", "notifications", "pms-adapter")

# The guest whose room every room-scoped call aims at, and the guest of another room.
GUEST_ROOM = "101"
OTHER_GUEST_ROOM = "102"

# The one role of each kind the matrix calls with (DESIGN §2 roles).
ROLE_CALLERS = {
    "hotelAdmin": "admin",
    "frontOffice": "frontdesk",
    "supervisor": "supervisor",
    "staff": "housekeeper",
    "restaurantAdmin": "chef",
}
ROLES = (*ROLE_CALLERS, "guest")


@dataclass
class ServiceUnderTest:
    """One service's app, a client, and real ids for its path parameters."""

    name: str
    app: Flask
    client: FlaskClient
    # Path parameter name -> an id that exists (or a placeholder where only 404 can follow).
    path_values: dict[str, str] = field(default_factory=dict)
    # Role -> the id of a real user of that role, where the service keeps users (auth).
    user_ids: dict[str, str] = field(default_factory=dict)

    def document(self) -> dict[str, Any]:
        response = self.client.get("/openapi.json")
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()


@dataclass(frozen=True)
class Tokens:
    """Access tokens: one per role, the guest of another room, and the ones that must be refused."""

    keys: SigningKeys
    callers: DemoCallers

    def for_role(self, role: str, service: ServiceUnderTest | None = None) -> str:
        if role == "guest":
            return self.callers.guest_token(GUEST_ROOM)
        person = DEMO_BY_USERNAME[ROLE_CALLERS[role]]
        user_id = service.user_ids.get(role) if service is not None else None
        return self.keys.token(
            role,
            username=person.username,
            user_id=user_id or f"u-{person.username}",
            department=person.department,
            employee_code=person.employee_code,
        )

    def other_guest(self) -> str:
        return self.callers.guest_token(OTHER_GUEST_ROOM)

    def refused(self) -> dict[str, str | None]:
        """Tokens no route may take: none, forged three ways, expired, a refresh token."""
        admin = jwt.decode(self.for_role("hotelAdmin"), options={"verify_signature": False})
        other_key = Ed25519PrivateKey.generate()
        now = int(time.time())
        real_kid = key_id(self.keys.private_key.public_key())
        return {
            "no token": None,
            "forged (another key)": sign_token(admin, other_key),
            "forged (another key, the real kid)": jwt.encode(
                admin, other_key, algorithm="EdDSA", headers={"kid": real_kid}
            ),
            "forged (alg none)": jwt.encode(admin, None, algorithm="none"),
            "expired": self.keys.token(
                "hotelAdmin",
                user_id="u-admin",
                username="admin",
                iat=now - 3600,
                nbf=now - 3600,
                exp=now - 60,
            ),
            "wrong audience": self.keys.token("hotelAdmin", aud="not-hotel"),
            "not an access token": self.keys.token("hotelAdmin", typ="refresh"),
        }


def bearer(token: str | None) -> dict[str, str]:
    return {} if token is None else {"Authorization": f"Bearer {token}"}


@pytest.fixture
def tokens(signing_keys: SigningKeys, demo_callers: DemoCallers) -> Tokens:
    return Tokens(signing_keys, demo_callers)


def _created(response, what: str) -> dict[str, Any]:
    assert response.status_code == 201, f"{what}: {response.get_data(as_text=True)}"
    return response.get_json()


def _day(offset: int) -> str:
    return (utc_now().date() + timedelta(days=offset)).isoformat()


def _build_auth(service_settings, make_stores, callers: DemoCallers) -> ServiceUnderTest:
    from auth.app import create_app
    from auth.config import Config
    from auth.store import AuthStores

    config = Config(service=service_settings("auth"), private_key=Ed25519PrivateKey.generate())
    make_stores(AuthStores, config.service)
    app = create_app(config)
    client = app.test_client()
    user_ids = {}
    for role, username in ROLE_CALLERS.items():
        person = DEMO_BY_USERNAME[username]
        details = {
            "username": person.username,
            "password": person.password,
            "role": role,
            "department": person.department,
            "employeeCode": person.employee_code,
            "name": person.name,
        }
        details = {key: value for key, value in details.items() if value is not None}
        response = client.post("/api/users", json=details, headers=callers.admin)
        user_ids[role] = _created(response, f"the {role} user")["id"]
    victim = {
        "username": "victim",
        "password": "correct-horse-battery",
        "role": "staff",
        "department": "housekeeping",
        "employeeCode": "HK-009",
        "name": "Vic Tim",
    }
    user = _created(client.post("/api/users", json=victim, headers=callers.admin), "a user")
    return ServiceUnderTest("auth", app, client, {"user_id": user["id"]}, user_ids)


def _build_rooms(service_settings, make_stores, callers: DemoCallers) -> ServiceUnderTest:
    from rooms.app import create_app
    from rooms.config import Config
    from rooms.store import RoomsStores

    config = Config(service=service_settings("rooms"))
    make_stores(RoomsStores, config.service)
    app = create_app(config)
    client = app.test_client()
    for number in (GUEST_ROOM, OTHER_GUEST_ROOM, "103", "104"):
        room = {
            "roomNumber": number,
            "roomType": "Standard",
            "price": 120.0,
            "capacity": 2,
            "housekeepingStatus": "Inspected",
        }
        _created(client.post("/api/rooms", json=room, headers=callers.admin), f"room {number}")
    stay = _created(
        client.post(
            "/api/customers",
            json={"name": "Walk In", "roomNumber": GUEST_ROOM, "checkoutDate": _day(2)},
            headers=callers.front_desk,
        ),
        "a walk-in stay",
    )
    booking = _created(
        client.post(
            "/api/bookings",
            json={
                "roomNumber": "103",
                "customerName": "Ada Lovelace",
                "customerEmail": "ada@example.com",
                "checkInDate": _day(3),
                "checkOutDate": _day(5),
            },
            headers=callers.front_desk,
        ),
        "a booking",
    )
    return ServiceUnderTest(
        "rooms",
        app,
        client,
        {"room_number": GUEST_ROOM, "customer_id": stay["id"], "booking_id": booking["id"]},
    )


def _build_tasks(service_settings, make_stores, callers: DemoCallers) -> ServiceUnderTest:
    from tasks.app import create_app
    from tasks.config import Config
    from tasks.seed import seed_demo
    from tasks.store import TasksStores

    config = Config(service=service_settings("tasks"))
    seed_demo(make_stores(TasksStores, config.service))
    app = create_app(config)
    client = app.test_client()
    request = _created(
        client.post(
            "/api/requests",
            json={"roomNumber": GUEST_ROOM, "jobType": "plumbing", "description": "no hot water"},
            headers=callers.front_desk,
        ),
        "a request",
    )
    return ServiceUnderTest(
        "tasks",
        app,
        client,
        {"task_id": request["taskId"], "code": "maintenance", "employee_code": "MT-001"},
    )


def _build_fnb(service_settings, make_stores, callers: DemoCallers) -> ServiceUnderTest:
    from fnb.app import create_app
    from fnb.config import Config
    from fnb.seed import seed_demo
    from fnb.service import stays
    from fnb.store import FnbStores
    from hotel_shared.principal import Context

    config = Config(service=service_settings("fnb"))
    stores = make_stores(FnbStores, config.service)
    seed_demo(stores)
    for room in (GUEST_ROOM, OTHER_GUEST_ROOM):
        stay = {
            "customerId": f"cust-{room}",
            "roomNumber": room,
            "bookingId": None,
            "name": "Guest",
        }
        stays.open_stay(stores, Context(), stay)
    app = create_app(config)
    client = app.test_client()
    guest = callers.guest_headers(GUEST_ROOM)
    foods = client.get("/api/menu", headers=guest).get_json()["items"]
    combos = client.get("/api/combos", headers=guest).get_json()["items"]
    url = f"/api/carts/{GUEST_ROOM}"
    _created(client.post(f"{url}/items", json={"foodId": foods[0]["id"]}, headers=guest), "a line")
    order = _created(client.post(f"{url}/checkout", headers=guest), "an order")
    cart = _created(
        client.post(f"{url}/items", json={"comboId": combos[0]["id"]}, headers=guest), "a line"
    )
    return ServiceUnderTest(
        "fnb",
        app,
        client,
        {
            "food_id": foods[-1]["id"],
            "combo_id": combos[-1]["id"],
            "room_number": GUEST_ROOM,
            "item_id": cart["items"][0]["itemId"],
            "order_id": order["id"],
        },
    )


def _build_notifications(
    service_settings, make_stores, callers: DemoCallers, make_envelope
) -> ServiceUnderTest:
    from hotel_shared.inbox import bind_handlers
    from notifications.app import SOCKETIO_KEY, create_app
    from notifications.config import Config
    from notifications.handlers import make_handlers
    from notifications.sockets import socketio_emitter
    from notifications.store import NotificationsStores

    config = Config(service=service_settings("notifications"), async_mode="threading")
    stores = make_stores(NotificationsStores, config.service)
    app = create_app(config)
    deliver = bind_handlers(
        stores, make_handlers(socketio_emitter(app.extensions[SOCKETIO_KEY]))
    ).handle
    deliver(
        make_envelope(
            "tasks.task.assigned.v1",
            {
                "taskId": "T1",
                "roomNumber": GUEST_ROOM,
                "department": "maintenance",
                "employeeId": "MT-001",
            },
        )
    )
    client = app.test_client()
    inbox = client.get("/api/notifications", headers=callers.technician).get_json()
    [notification] = inbox["items"]
    return ServiceUnderTest("notifications", app, client, {"notification_id": notification["id"]})


def _build_pms_adapter(service_settings, make_stores) -> tuple[ServiceUnderTest, Callable]:
    """The adapter pointed at a mock OPERA of its own (the demo hotel); with the mock's stop."""
    from pms_adapter.app import create_app
    from pms_adapter.config import MOCK_DEFAULTS, Config
    from pms_adapter.mock_opera.server import MockOperaServer
    from pms_adapter.mock_opera.state import demo_state
    from pms_adapter.opera_client import PmsSettings
    from pms_adapter.store import PmsStores

    opera = MockOperaServer(demo_state()).__enter__()
    pms = PmsSettings(
        base_url=opera.url,
        client_id=MOCK_DEFAULTS["PMS_CLIENT_ID"],
        client_secret=MOCK_DEFAULTS["PMS_CLIENT_SECRET"],
        app_key=MOCK_DEFAULTS["PMS_APP_KEY"],
        hotel_id=MOCK_DEFAULTS["PMS_HOTEL_ID"],
        timeout_s=2.0,
    )
    config = Config(service=service_settings("pms-adapter"), pms=pms)
    make_stores(PmsStores, config.service)
    app = create_app(config)
    built = ServiceUnderTest("pms-adapter", app, app.test_client(), {})
    return built, lambda: opera.__exit__(None, None, None)


@pytest.fixture
def build_service(
    service_settings, make_stores, demo_callers: DemoCallers, make_envelope
) -> Iterator[Callable[[str], ServiceUnderTest]]:
    """`build_service("rooms")`: that service's app on a fresh database with its records."""
    stops: list[Callable[[], None]] = []

    def build(name: str) -> ServiceUnderTest:
        if name == "auth":
            return _build_auth(service_settings, make_stores, demo_callers)
        if name == "rooms":
            return _build_rooms(service_settings, make_stores, demo_callers)
        if name == "tasks":
            return _build_tasks(service_settings, make_stores, demo_callers)
        if name == "fnb":
            return _build_fnb(service_settings, make_stores, demo_callers)
        if name == "notifications":
            from notifications.sockets import WATCH_KEY

            built = _build_notifications(service_settings, make_stores, demo_callers, make_envelope)
            stops.append(built.app.extensions[WATCH_KEY].stop)
            return built
        if name == "pms-adapter":
            built, stop = _build_pms_adapter(service_settings, make_stores)
            stops.append(stop)
            return built
        raise ValueError(f"unknown service {name}")

    yield build
    for stop in stops:
        stop()


def pytest_terminal_summary(terminalreporter) -> None:
    """The figures of this run: what the matrix and the fuzzing covered."""
    import sys

    lines = []
    matrix = sys.modules.get("test_authorization_matrix")
    if matrix is not None and matrix.MATRIX_FIGURES["cells"]:
        figures = matrix.MATRIX_FIGURES
        lines.append(f"authorization matrix: {figures['routes']} routes, {figures['cells']} cells")
    fuzz = sys.modules.get("test_openapi_fuzz")
    if fuzz is not None and fuzz.FUZZ_FIGURES["cases"]:
        figures = fuzz.FUZZ_FIGURES
        lines.append(
            f"schemathesis: {figures['operations']} operations, {figures['cases']} requests"
        )
    for line in lines:
        terminalreporter.write_line(line)
