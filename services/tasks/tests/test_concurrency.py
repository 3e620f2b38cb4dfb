"""Auto-assignment under parallel requests to a real gunicorn process on the real server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from conftest import add_staff

from hotel_shared.testing.servers import free_port, port_answers

GUNICORN = Path(sys.executable).with_name("gunicorn")


@pytest.fixture
def web(config, stores, tmp_path):
    """The tasks web process under gunicorn (2 workers x 8 threads), on the test database."""
    port = free_port()
    settings = config.service
    env = {
        **os.environ,
        "MONGO_URL": settings.mongo_url,
        "MONGO_DB": settings.mongo_db,
        "AMQP_URL": settings.amqp_url,
        "JWT_PUBLIC_KEY_FILE": settings.jwt_public_key_file,
        "WEB_CONCURRENCY": "2",
        "WEB_THREADS": "8",
        "LOG_LEVEL": "WARNING",
    }
    command = [
        str(GUNICORN),
        "--config",
        "python:hotel_shared.gunicorn_conf",
        "--bind",
        f"127.0.0.1:{port}",
        "tasks.wsgi:app",
    ]
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115 - closed after the process
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while not port_answers("127.0.0.1", port):
            assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            # gunicorn lets in-flight requests finish for up to its graceful timeout (20 s).
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_fifty_parallel_requests_spread_ten_to_each_of_five_staff(web, stores, callers):
    stores.employees.update_one({"employeeCode": "MT-001"}, {"$set": {"onDuty": False}})
    team = [f"MT-1{n:02d}" for n in range(5)]
    for code in team:
        add_staff(stores, code, "maintenance")

    def send(n: int) -> str:
        body = {"roomNumber": f"{100 + n}", "jobType": "repair", "priority": "normal"}
        response = requests.post(
            f"{web}/api/requests", json=body, headers=callers.front_desk, timeout=60
        )
        assert response.status_code == 201, response.text
        return response.json()["task"]["employeeId"]

    with ThreadPoolExecutor(max_workers=25) as pool:
        assigned = Counter(pool.map(send, range(50)))

    assert assigned == dict.fromkeys(team, 10)
    open_per_employee = Counter(
        task["employeeId"] for task in stores.tasks.find({"status": "assigned"})
    )
    assert open_per_employee == dict.fromkeys(team, 10)
    assert {
        e["employeeCode"]: e["openTasks"]
        for e in stores.employees.find({"employeeCode": {"$in": team}})
    } == dict.fromkeys(team, 10)
