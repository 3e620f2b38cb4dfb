"""pytest fixtures for services: a real Mongo-wire server, a real broker, signing keys, envelopes.

Use from a service's conftest.py with `pytest_plugins = ["hotel_shared.testing"]`. Test-only code:
no runtime module of a service or of hotel_shared imports this package.
Where a Docker engine answers, Mongo 7 and RabbitMQ run in testcontainers; otherwise a private
SecantusDB process and a private RabbitMQ node (or, without rabbitmq-server, the local broker).
TEST_MONGO_URL / TEST_AMQP_URL override both.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hotel_shared.auth import Principal, access_claims, sign_token
from hotel_shared.bus.notices import ChangeNotices
from hotel_shared.config import ServiceSettings
from hotel_shared.demo import DEMO_BY_USERNAME
from hotel_shared.events import new_event
from hotel_shared.store import MongoStores
from hotel_shared.testing.assertions import (  # noqa: F401  (re-exported for tests)
    assert_has_contract,
    assert_matches_contract,
    assert_openapi_complete,
    assert_problem,
    consumed_event_types,
    contract_path,
    load_contract,
)
from hotel_shared.testing.servers import (
    RABBITMQ_SERVER,
    RabbitNode,
    SecantusServer,
    amqp_answers,
    free_port,
)

LOCAL_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"


def docker_available() -> bool:
    if os.environ.get("HOTEL_TESTS_NO_DOCKER"):
        return False
    try:
        import docker

        docker.from_env(timeout=2).ping()
    except Exception:
        return False
    return True


@pytest.fixture(scope="session")
def mongo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if os.environ.get("TEST_MONGO_URL"):
        yield os.environ["TEST_MONGO_URL"]
    elif docker_available():
        yield from _mongo_container()
    else:
        log_path = tmp_path_factory.mktemp("secantus") / "secantusd.log"
        server = SecantusServer(port=free_port(), storage_path=":memory:", log_path=str(log_path))
        server.start()
        try:
            server.wait_ready()
            yield server.url
        finally:
            server.stop()


def _mongo_container() -> Iterator[str]:
    from pymongo import MongoClient
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.waiting_utils import wait_for_logs

    # Transactions need a replica set, so run a one-node set rather than a standalone mongod.
    container = DockerContainer("mongo:7").with_command("--replSet rs0 --bind_ip_all")
    container.with_exposed_ports(27017)
    with container:
        wait_for_logs(container, "Waiting for connections", timeout=60)
        host, port = container.get_container_host_ip(), container.get_exposed_port(27017)
        client = MongoClient(host, int(port), directConnection=True)
        client.admin.command(
            "replSetInitiate", {"_id": "rs0", "members": [{"_id": 0, "host": "localhost:27017"}]}
        )
        client.close()
        yield f"mongodb://{host}:{port}/?directConnection=true"


@pytest.fixture(scope="session")
def amqp_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if os.environ.get("TEST_AMQP_URL"):
        yield os.environ["TEST_AMQP_URL"]
    elif docker_available():
        from testcontainers.rabbitmq import RabbitMqContainer

        with RabbitMqContainer("rabbitmq:3.13-management") as broker:
            host, port = broker.get_container_host_ip(), broker.get_exposed_port(5672)
            yield f"amqp://guest:guest@{host}:{port}/%2F"
    elif os.path.exists(RABBITMQ_SERVER):
        # A node of our own: test events never reach the queues of a `make up` stack (auth's
        # audit queue binds '#') and nothing piles up in the machine's broker between runs.
        node = RabbitNode(port=free_port(), base_dir=str(tmp_path_factory.mktemp("rabbitmq")))
        node.start()
        try:
            node.wait_ready()
            yield node.url
        finally:
            node.stop()
    elif amqp_answers(LOCAL_AMQP_URL):
        yield LOCAL_AMQP_URL
    else:
        pytest.fail(
            "no RabbitMQ for the tests: install rabbitmq-server (`make install` does), "
            "set TEST_AMQP_URL, or run a Docker engine"
        )


@dataclass(frozen=True)
class SigningKeys:
    """A throwaway Ed25519 key pair standing in for the auth service's keys."""

    private_key: Ed25519PrivateKey
    private_key_file: str
    public_key_file: str
    issuer: str = "hotel-auth"
    audience: str = "hotel"

    def token(
        self,
        role: str,
        *,
        username: str | None = None,
        user_id: str | None = None,
        department: str | None = None,
        employee_code: str | None = None,
        room_number: str | None = None,
        ttl_s: int = 900,
        **overrides: Any,
    ) -> str:
        principal = Principal(
            user_id=user_id or uuid.uuid4().hex,
            username=username or f"{role}-user",
            role=role,
            department=department,
            employee_code=employee_code,
            room_number=room_number,
        )
        claims = access_claims(principal, issuer=self.issuer, audience=self.audience, ttl_s=ttl_s)
        claims.update(overrides)
        return sign_token(claims, self.private_key)

    def headers(self, role: str, **kwargs: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role, **kwargs)}"}


@pytest.fixture(scope="session")
def signing_keys(tmp_path_factory: pytest.TempPathFactory) -> SigningKeys:
    directory: Path = tmp_path_factory.mktemp("keys")
    key = Ed25519PrivateKey.generate()
    private_file, public_file = directory / "jwt-private.pem", directory / "jwt-public.pem"
    private_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    public_file.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return SigningKeys(key, str(private_file), str(public_file))


class DemoCallers:
    """Tokens and Authorization headers for the demo staff, guests and extra staff members.

    Each demo persona is an attribute holding its headers (`callers.front_desk`); user ids are
    stable (`u-<username>`), so per-user state such as read marks can be checked.
    """

    def __init__(self, keys: SigningKeys) -> None:
        self.keys = keys
        self.admin = self.headers_for("admin")
        self.front_desk = self.headers_for("frontdesk")
        self.supervisor = self.headers_for("supervisor")
        self.housekeeper = self.headers_for("housekeeper")
        self.technician = self.headers_for("technician")
        self.chef = self.headers_for("chef")

    def token_for(self, username: str) -> str:
        person = DEMO_BY_USERNAME[username]
        return self.staff_token(username, person.role, person.department, person.employee_code)

    def headers_for(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token_for(username)}"}

    def staff_token(
        self, username: str, role: str, department: str | None, employee_code: str | None
    ) -> str:
        return self.keys.token(
            role,
            username=username,
            user_id=f"u-{username}",
            department=department,
            employee_code=employee_code,
        )

    def staff_headers(self, username: str, department: str, employee_code: str) -> dict[str, str]:
        token = self.staff_token(username, "staff", department, employee_code)
        return {"Authorization": f"Bearer {token}"}

    def guest_token(self, room_number: str, stay_id: str | None = None) -> str:
        """A guest's token as auth issues it: `sub` = "guest:<the stay's customerId>" (by default
        the stay `cust-<room>`), scoped to the room."""
        return self.keys.token(
            "guest",
            username=f"guest-{room_number}",
            user_id=f"guest:{stay_id or f'cust-{room_number}'}",
            room_number=room_number,
        )

    def guest_headers(self, room_number: str, stay_id: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.guest_token(room_number, stay_id)}"}


@pytest.fixture
def notices_elsewhere(amqp_url: str) -> Iterator[ChangeNotices]:
    """Another process's change notices: a test writing as that process announces with it."""
    notices = ChangeNotices(amqp_url)
    yield notices
    notices.stop()


@pytest.fixture
def demo_callers(signing_keys: SigningKeys) -> DemoCallers:
    return DemoCallers(signing_keys)


@pytest.fixture
def service_settings(
    mongo_url: str, amqp_url: str, signing_keys: SigningKeys
) -> Callable[..., ServiceSettings]:
    """Settings for a service under test: its own fresh database, fast retries."""

    def make(name: str, **overrides: Any) -> ServiceSettings:
        settings = ServiceSettings(
            name=name,
            mongo_url=mongo_url,
            mongo_db=f"test_{name.replace('-', '_')}_{uuid.uuid4().hex[:10]}",
            amqp_url=amqp_url,
            jwt_public_key_file=signing_keys.public_key_file,
            log_level="WARNING",
            mongo_timeout_ms=3000,
            retry_delays_ms=(50, 100, 150, 200),
            outbox_poll_interval_s=0.05,
            trusted_proxy_hops=0,
        )
        return replace(settings, **overrides)

    return make


# --- a service's stores ------------------------------------------------------------------------


S = TypeVar("S", bound=MongoStores)


@pytest.fixture
def make_stores() -> Iterator[Callable[[type[S], ServiceSettings], S]]:
    """Make a service's stores on its own empty database, with its indexes; dropped afterwards.

    A service's conftest: `def stores(config, make_stores): return make_stores(RoomsStores, ...)`.
    """
    made: list[MongoStores] = []

    def make(stores_class: type[S], settings: ServiceSettings) -> S:
        stores = stores_class.from_settings(settings)
        stores.ensure_indexes()
        made.append(stores)
        return stores

    yield make
    for stores in made:
        stores.client.drop_database(stores.db.name)


@pytest.fixture
def contract_envelope() -> Callable[..., dict[str, Any]]:
    """A fresh envelope carrying the contract example's data, with `overrides` applied."""

    def make(event_type: str, **overrides: Any) -> dict[str, Any]:
        example = load_contract(event_type)
        source = event_type.split(".", 1)[0]
        return new_event(
            event_type,
            source=source,
            subject=example["subject"],
            data={**example["data"], **overrides},
        )

    return make


@pytest.fixture
def make_envelope() -> Callable[..., dict[str, Any]]:
    """Build an event envelope exactly as a producer would (for handler and contract tests)."""

    def make(
        event_type: str,
        data: dict[str, Any],
        *,
        subject: str = "test/1",
        actor: dict[str, Any] | None = None,
        time: str | None = None,
        correlation_id: str | None = None,
    ) -> dict[str, Any]:
        source = event_type.split(".", 1)[0]
        envelope = new_event(
            event_type,
            source=source,
            subject=subject,
            data=data,
            actor=actor,
            correlation_id=correlation_id,
        )
        if time is not None:
            envelope["time"] = time  # e.g. to replay events out of order
        return envelope

    return make
