"""docker-compose.yml runs every service (web + worker) with health checks on a replica set."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from conftest import REPO, SERVICES, package_of

COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]


def command(entry) -> list[str]:
    value = entry.get("command")
    return value if isinstance(value, list) or value is None else value.split()


def health_test(entry) -> str:
    test = entry["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else test


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_has_a_web_and_a_worker_from_its_own_image(service):
    for name in (service, f"{service}-worker"):
        assert name in COMPOSE, f"docker-compose.yml has no {name}"
        assert COMPOSE[name]["build"]["dockerfile"] == f"services/{service}/Dockerfile"
    assert command(COMPOSE[service]) is None  # the image's gunicorn CMD
    assert command(COMPOSE[f"{service}-worker"]) == [
        "python",
        "-m",
        f"{package_of(service)}.consumer",
    ]


@pytest.mark.parametrize("service", SERVICES)
def test_each_web_and_worker_has_a_health_check(service):
    web = COMPOSE[service]
    assert "/readyz" in health_test(web)
    worker = COMPOSE[f"{service}-worker"]
    assert "healthcheck" in worker, f"{service}-worker has no healthcheck"
    # The worker has no HTTP port: its check asks whether MongoDB and RabbitMQ answer it.
    assert "MONGO_URL" in health_test(worker)
    assert "AMQP_URL" in health_test(worker)


@pytest.mark.parametrize("service", SERVICES)
def test_services_wait_for_healthy_infrastructure(service):
    for name in (service, f"{service}-worker"):
        depends = COMPOSE[name]["depends_on"]
        assert depends["mongo"]["condition"] == "service_healthy"
        assert depends["rabbitmq"]["condition"] == "service_healthy"
        assert "replicaSet=rs0" in COMPOSE[name]["environment"]["MONGO_URL"]


def test_mongodb_runs_as_a_replica_set_and_its_health_check_initiates_it():
    mongo = COMPOSE["mongo"]
    assert mongo["image"].startswith("mongo:7")
    replica_set = mongo["command"][mongo["command"].index("--replSet") + 1]
    assert replica_set == "rs0"
    check = health_test(mongo)
    assert "rs.initiate(" in check
    assert f"_id: '{replica_set}'" in check
    assert re.search(r"rs\.status\(\)", check)  # initiated once, then only checked


def test_rabbitmq_the_gateway_and_the_mock_pms_have_health_checks():
    assert COMPOSE["rabbitmq"]["image"].startswith("rabbitmq:3.13")
    for name in ("rabbitmq", "gateway", "mock-opera"):
        assert health_test(COMPOSE[name]), name
    waits = COMPOSE["gateway"]["depends_on"]
    healthy = dict.fromkeys(SERVICES, "service_healthy")
    assert {s: waits[s]["condition"] for s in SERVICES} == healthy


def test_every_compose_web_service_is_routed_by_the_gateway():
    env = COMPOSE["gateway"]["environment"]
    for service in SERVICES:
        key = f"{package_of(service).upper()}_UPSTREAM"
        assert env[key] == f"{service}:8000"
    # Compose's seed jobs are the Kubernetes seed Jobs: the same module, one per seeded service.
    seeds = {n.removesuffix("-seed") for n in COMPOSE if n.endswith("-seed")}
    assert seeds == {
        s for s in SERVICES if (REPO / "services" / s / package_of(s) / "seed.py").exists()
    }
    assert json.dumps(COMPOSE)  # plain data, no YAML oddities left


@pytest.mark.parametrize("service", SERVICES)
def test_the_web_process_metrics_directory_exists(service):
    # prometheus_client's multiprocess mode writes into PROMETHEUS_MULTIPROC_DIR and fails every
    # request (so /readyz, so the health check) when the directory is missing: the image has
    # none, so the container must mount one.
    web = COMPOSE[service]
    directory = web["environment"].get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        mounts = [*web.get("tmpfs", []), *(v.split(":")[1] for v in web.get("volumes", []))]
        assert directory in mounts, f"{service}: nothing provides {directory}"
