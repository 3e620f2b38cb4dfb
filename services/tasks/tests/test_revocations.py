"""Revoked access ends at once: once tasks' consumer has kept the revocation, the subject's
earlier tokens are refused (401 token_revoked); nobody else's are."""

from __future__ import annotations

import time
from datetime import timedelta

from hotel_shared.events import new_event
from hotel_shared.inbox import bind_handlers
from hotel_shared.revocations import ACCESS_REVOKED, revocation_data
from hotel_shared.testing import assert_problem
from hotel_shared.timeutil import utc_now
from tasks.handlers import HANDLERS

REQUEST = {"roomNumber": "205", "jobType": "plumbing", "description": "no hot water"}


def revoke(stores, subject_id, reason):
    revoked_at = utc_now()
    data = revocation_data(
        subject_id, reason=reason, revoked_at=revoked_at, expires_at=revoked_at + timedelta(hours=1)
    )
    envelope = new_event(ACCESS_REVOKED, source="auth", subject=f"user/{subject_id}", data=data)
    bind_handlers(stores, HANDLERS).handle(envelope)


def refused_once_revoked(client, headers):
    """Post until refused (the barrier); how fast is `make bench`'s concern (R1)."""
    started = time.monotonic()
    while True:
        response = client.post("/api/requests", json=REQUEST, headers=headers)
        if response.status_code != 201 or time.monotonic() - started > 5.0:
            return response
        time.sleep(0.05)


def test_a_checked_out_guest_can_no_longer_make_requests(client, callers, stores):
    guest = callers.guest
    assert client.post("/api/requests", json=REQUEST, headers=guest).status_code == 201
    revoke(stores, "guest:cust-205", "guest_checked_out")
    assert_problem(refused_once_revoked(client, guest), 401, "token_revoked")
    assert_problem(client.get("/api/requests", headers=guest), 401, "token_revoked")
    other_guest = callers.guest_headers("101")
    other = {**REQUEST, "roomNumber": "101"}
    assert client.post("/api/requests", json=other, headers=other_guest).status_code == 201


def test_a_deactivated_staff_members_token_is_refused_on_reads_and_writes(client, callers, stores):
    technician = callers.technician
    assert client.get("/api/tasks", headers=technician).status_code == 200
    revoke(stores, "u-technician", "user_deactivated")
    assert_problem(refused_once_revoked(client, technician), 401, "token_revoked")
    assert_problem(client.get("/api/tasks", headers=technician), 401, "token_revoked")
    duty = client.patch("/api/employees/MT-001", json={"onDuty": False}, headers=technician)
    assert_problem(duty, 401, "token_revoked")
    assert client.get("/api/tasks", headers=callers.supervisor).status_code == 200
