"""A whole isolated Stack on free ports: one throwaway service, SecantusDB, broker and nginx."""

from __future__ import annotations

import textwrap

import pymongo
import pytest
import requests

from hotel_devstack import Stack, StackError
from hotel_shared.testing.servers import free_port

# A minimal service following the repo's conventions (wsgi, seed, consumer), written to a temp
# dir by the test so the real services/ play no part.
THROWAWAY_SERVICE = {
    "pyproject.toml": '[project]\nname = "rooms"\nversion = "0"\n',
    "rooms/__init__.py": "",
    "rooms/wsgi.py": """
        import os
        from flask import Flask, jsonify

        app = Flask(__name__)

        @app.get("/readyz")
        def readyz():
            return jsonify(
                mongo=os.environ["MONGO_URL"],
                db=os.environ["MONGO_DB"],
                amqp=os.environ["AMQP_URL"],
                key=os.environ["JWT_PUBLIC_KEY_FILE"],
                prom=os.environ.get("PROMETHEUS_MULTIPROC_DIR"),
                pid=os.getpid(),
            )

        @app.get("/openapi.json")
        def openapi():
            return jsonify(openapi="3.0.3")
    """,
    "rooms/seed.py": """
        import os, sys, pymongo
        assert sys.argv[1:] == ["--demo"]
        client = pymongo.MongoClient(os.environ["MONGO_URL"])
        client[os.environ["MONGO_DB"]].seeds.insert_one({"seeded": True})
    """,
    "rooms/consumer.py": "import time\nwhile True:\n    time.sleep(1)\n",
}


@pytest.fixture
def services_root(open_tmp_path):
    root = open_tmp_path / "services"
    for relative, text in THROWAWAY_SERVICE.items():
        path = root / "rooms" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


@pytest.fixture
def make_stack(repo_root, open_tmp_path, services_root):
    """Stacks on one var dir, ports and database, as `make up` run again with other flags."""
    stacks = []
    ports = {"rooms": free_port()}
    gateway_port, mongo_port = free_port(), free_port()

    def make(**options) -> Stack:
        stack = Stack(
            repo_root,
            var_dir=open_tmp_path / "var",
            services_root=services_root,
            ports=ports,
            gateway_port=gateway_port,
            mongo_port=mongo_port,
            web_concurrency=1,
            ready_timeout=60,
            **options,
        )
        stacks.append(stack)
        return stack

    yield make
    stacks[0].down()


@pytest.fixture
def stack(make_stack):
    return make_stack()


def test_up_runs_seed_web_worker_and_gateway(stack):
    stack.up()
    alive = {row.name for row in stack.status() if row.alive}
    assert alive >= {"mongo", "gateway", "rooms-web", "rooms-worker"}

    health = requests.get(f"{stack.gateway_url}/api/health/rooms", timeout=5)
    assert health.status_code == 200
    env = health.json()
    assert env["db"] == "hotel_rooms"
    assert env["mongo"] == stack.mongo_url
    assert env["prom"].endswith("run/prom/rooms")
    assert (stack.var_dir / "keys" / "jwt-private.pem").exists()

    docs = requests.get(f"{stack.gateway_url}/api/docs/rooms/openapi.json", timeout=5)
    assert docs.json() == {"openapi": "3.0.3"}
    client = pymongo.MongoClient(stack.mongo_url)
    assert client.hotel_rooms.seeds.count_documents({}) == 1
    client.close()


def test_up_again_keeps_running_processes(stack):
    stack.up()
    before = {row.name: row.pid for row in stack.status()}
    stack.up()
    assert {row.name: row.pid for row in stack.status()} == before


def test_up_restarts_a_service_that_died(stack):
    stack.up()
    stack.processes.stop("rooms-web")
    stack.up()
    assert stack.processes.alive_pid("rooms-web")
    assert requests.get(f"{stack.service_url('rooms')}/readyz", timeout=5).status_code == 200


def test_up_restarts_the_database_and_broker_it_started_when_they_died(make_stack):
    stack = make_stack(private_broker=True, rabbit_port=free_port())
    stack.up()
    broker_url = stack.amqp_url
    stack.processes.stop("mongo")
    stack.processes.stop("rabbitmq")
    stack.up()  # the same stack object, as `make chaos` brings a killed broker back
    assert stack.processes.alive_pid("mongo")
    assert stack.processes.alive_pid("rabbitmq")
    assert stack.amqp_url == broker_url  # same node name and data: durable queues come back
    assert requests.get(f"{stack.service_url('rooms')}/readyz", timeout=5).status_code == 200


def test_down_stops_everything_it_started(stack):
    stack.up()
    stopped = stack.down()
    assert set(stopped) >= {"gateway", "rooms-web", "rooms-worker", "mongo"}
    assert not any(row.alive for row in stack.status())
    with pytest.raises(requests.ConnectionError):
        requests.get(stack.gateway_url, timeout=2)


def test_failing_seed_is_reported_with_its_log(stack, services_root):
    (services_root / "rooms" / "rooms" / "seed.py").write_text("raise SystemExit('no rooms')\n")
    with pytest.raises(StackError, match="no rooms"):
        stack.up()


def test_summary_lists_gateway_docs_and_demo_logins(stack):
    text = stack.summary()
    assert stack.gateway_url in text
    assert "/api/docs/rooms/openapi.json" in text
    assert "housekeeper-demo-pass" in text


def test_scaled_service_runs_each_process_on_its_own_port_behind_the_gateway(make_stack):
    stack = make_stack(scale={"rooms": 2})
    stack.up()
    alive = {row.name for row in stack.status() if row.alive}
    assert alive >= {"rooms-web", "rooms-web-2", "rooms-worker", "rooms-worker-2"}
    first, second = stack.web_urls("rooms")
    assert first == stack.service_url("rooms") != second
    direct = [requests.get(f"{url}/readyz", timeout=5).json() for url in (first, second)]
    assert direct[0]["pid"] != direct[1]["pid"]
    # Each web process has its own metrics directory: each is its own scrape target.
    assert [env["prom"].rsplit("/", 1)[1] for env in direct] == ["rooms", "rooms-2"]

    answered = {
        requests.get(f"{stack.gateway_url}/api/health/rooms", timeout=5).json()["pid"]
        for _ in range(10)
    }
    assert answered == {env["pid"] for env in direct}
    logs = {path.name for path in stack.log_files()}
    assert {"rooms-web-2.log", "rooms-worker-2.log"} <= logs
    assert stack.web_urls("rooms")[1] in stack.summary()


def test_up_without_scale_keeps_the_scaled_processes_and_scale_one_stops_the_extras(make_stack):
    make_stack(scale={"all": 2}).up()
    again = make_stack()
    before = {row.name: row.pid for row in again.status()}
    again.up()
    assert {row.name: row.pid for row in again.status()} == before
    assert again.process_count("rooms") == 2

    down_to_one = make_stack(scale={"rooms": 1})
    down_to_one.up()
    names = {row.name for row in down_to_one.status()}
    assert "rooms-web-2" not in names
    assert "rooms-worker-2" not in names
    assert down_to_one.processes.alive_pid("rooms-web") == before["rooms-web"]
    conf = (down_to_one.gateway.prefix / "conf.d" / "default.conf").read_text()
    rooms_upstream = conf.split("upstream rooms ", 1)[1].split("}", 1)[0]
    assert rooms_upstream.count("server ") == 1


def test_down_stops_every_process_of_a_scaled_service(make_stack):
    stack = make_stack(scale={"rooms": 3})
    stack.up()
    stopped = stack.down()
    assert set(stopped) >= {
        f"rooms-{role}{suffix}" for role in ("web", "worker") for suffix in ("", "-2", "-3")
    }
    assert not any(row.alive for row in stack.status())


def test_scale_of_a_service_the_stack_does_not_run_is_refused(make_stack):
    with pytest.raises(StackError, match="kitchen"):
        make_stack(scale={"kitchen": 2}).up()


def test_make_up_puts_extra_processes_a_hundred_ports_up(repo_root, open_tmp_path):
    stack = Stack(repo_root, var_dir=open_tmp_path / "var", scale={"rooms": 3})
    assert stack.web_urls("rooms") == [
        "http://127.0.0.1:8002",
        "http://127.0.0.1:8102",
        "http://127.0.0.1:8202",
    ]
    assert stack.web_urls("auth") == ["http://127.0.0.1:8001"]
    upstreams = stack.gateway_variables()
    assert upstreams["ROOMS_UPSTREAM"] == ["127.0.0.1:8002", "127.0.0.1:8102", "127.0.0.1:8202"]
