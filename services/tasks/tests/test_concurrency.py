"""Auto-assignment under parallel requests to a real gunicorn process on the real server."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from conftest import add_staff

from hotel_shared.testing.servers import gunicorn_service


@pytest.fixture
def web(config, stores, tmp_path):
    """The tasks web process under gunicorn (2 workers x 8 threads), on the test database."""
    with gunicorn_service("tasks.wsgi:app", config.service, tmp_path) as url:
        yield url


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
