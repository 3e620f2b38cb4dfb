"""Local infrastructure launchers against real processes: SecantusDB and a private RabbitMQ node."""

from __future__ import annotations

import socket

import pika
import pymongo
import pytest

from hotel_shared.testing.servers import (
    RabbitNode,
    SecantusServer,
    amqp_answers,
    free_port,
    port_answers,
)


def test_free_port_is_bindable_and_silent():
    port = free_port()
    assert not port_answers("127.0.0.1", port)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_amqp_answers_is_false_for_a_closed_port():
    assert not amqp_answers(f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F")


def test_secantus_serves_pings_until_stopped(tmp_path):
    port = free_port()
    with SecantusServer(port, ":memory:", tmp_path / "mongo.log") as server:
        client = pymongo.MongoClient(server.url, serverSelectionTimeoutMS=2000)
        assert client.admin.command("ping")["ok"] == 1
        client.close()
    assert not server.is_running()
    assert not port_answers("127.0.0.1", port)


def test_secantus_keeps_data_in_its_storage_dir_across_restarts(tmp_path):
    port = free_port()
    with SecantusServer(port, tmp_path / "data", tmp_path / "mongo.log") as server:
        client = pymongo.MongoClient(server.url)
        client.hotel_test.rooms.insert_one({"roomNumber": "204"})
        client.close()
    with SecantusServer(port, tmp_path / "data", tmp_path / "mongo.log") as server:
        client = pymongo.MongoClient(server.url)
        assert client.hotel_test.rooms.find_one({}, {"_id": 0}) == {"roomNumber": "204"}
        client.close()


def test_secantus_reports_its_log_when_it_cannot_start(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = SecantusServer(taken.getsockname()[1], ":memory:", tmp_path / "mongo.log")
        server.start()
        with pytest.raises((RuntimeError, TimeoutError), match=r"mongo\.log"):
            server.wait_ready(timeout=15)
        server.stop()


@pytest.fixture
def rabbit(tmp_path):
    node = RabbitNode(free_port(), tmp_path / "rabbit")
    node.start()
    node.wait_ready()
    yield node
    node.stop()


def test_rabbit_node_keeps_persistent_messages_across_kill_9(rabbit):
    connection = pika.BlockingConnection(pika.URLParameters(rabbit.url))
    connection.channel().queue_declare("survivors", durable=True)
    connection.close()
    # The queue's definition is metadata the node may still hold in a write buffer; a clean
    # restart settles it, so what follows tests the messages, as the platform relies on.
    rabbit.stop()
    rabbit.start()
    rabbit.wait_ready()
    connection = pika.BlockingConnection(pika.URLParameters(rabbit.url))
    channel = connection.channel()
    channel.confirm_delivery()
    channel.basic_publish("", "survivors", b"room 204 clean", pika.BasicProperties(delivery_mode=2))
    connection.close()

    rabbit.kill()
    assert not port_answers("127.0.0.1", rabbit.port)
    assert not amqp_answers(rabbit.url)

    rabbit.start()
    rabbit.wait_ready()
    connection = pika.BlockingConnection(pika.URLParameters(rabbit.url))
    _, _, body = connection.channel().basic_get("survivors", auto_ack=True)
    connection.close()
    assert body == b"room 204 clean"


def test_rabbit_node_stop_frees_its_port(rabbit):
    assert amqp_answers(rabbit.url)
    rabbit.stop()
    assert not rabbit.is_running()
    assert not port_answers("127.0.0.1", rabbit.port)
