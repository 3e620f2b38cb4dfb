"""Fixtures for the shared library's own tests: a probe service's database and the broker."""

import random
import string

import pytest

from hotel_shared.bus import connect, declare_topology
from hotel_shared.bus.notices import configure_notices
from hotel_shared.inbox import ensure_inbox_indexes
from hotel_shared.mongo import get_database
from hotel_shared.outbox import ensure_outbox_indexes
from hotel_shared.store import MongoStores

pytest_plugins = ["hotel_shared.testing"]


@pytest.fixture(autouse=True)
def change_notices_on_the_broker(amqp_url):
    """Writers announce and read models and relays listen, as in every service process."""
    configure_notices(amqp_url)
    yield
    configure_notices(amqp_url)


@pytest.fixture
def settings(service_settings):
    return service_settings("probe")


@pytest.fixture
def db(settings):
    database = get_database(settings)
    ensure_outbox_indexes(database)
    ensure_inbox_indexes(database)
    yield database
    database.client.drop_database(database.name)


@pytest.fixture
def stores(settings, db):
    return MongoStores.from_settings(settings)


@pytest.fixture
def event_type():
    """A routing key no other test or service is bound to."""
    entity = "".join(random.choices(string.ascii_lowercase, k=10))
    return f"probe.{entity}.happened.v1"


@pytest.fixture
def broker(amqp_url):
    """A channel on the tests' broker with the topology declared, and a list of queue names to
    delete afterwards."""
    connection = connect(amqp_url)
    channel = declare_topology(connection.channel())
    created = []
    yield channel, created
    for queue in created:
        channel.queue_delete(queue)
    connection.close()
