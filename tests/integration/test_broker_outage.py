"""A status change made while RabbitMQ is down still reaches its consumers once it is back."""

from __future__ import annotations

import uuid

from conftest import eventually


def test_status_change_during_a_broker_outage_is_delivered_after_restart(gateway, rabbit):
    # Tokens first, so that the outage is the only thing this test exercises.
    gateway.token("housekeeper")
    gateway.token("admin")
    rabbit.kill()  # kill -9: no graceful shutdown, no chance to flush anything

    request_id = f"outage-{uuid.uuid4().hex[:12]}"
    response = gateway.request(
        "PATCH",
        "/api/rooms/209/status",
        as_user="housekeeper",
        json={"housekeepingStatus": "Pickup"},
        headers={"X-Request-ID": request_id},
    )
    # The change and its event are durable in Mongo: the API answers 2xx with the broker down.
    assert response.status_code == 200, response.text

    rabbit.start()
    rabbit.wait_ready()

    def delivered():
        """the outage-time status change to reach auth's audit log after the broker restart"""
        response = gateway.request(
            "GET",
            "/api/activity-logs?collection=rooms&documentId=209",
            as_user="admin",
        )
        return [e for e in response.json()["items"] if e["correlationId"] == request_id]

    [entry] = eventually(delivered, timeout=90, interval=0.5)
    assert entry["change"]["newValue"] == "Pickup"
