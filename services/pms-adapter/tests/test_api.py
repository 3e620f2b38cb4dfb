"""/api/pms: sync health, drift against the PMS's housekeeping board, reconcile by the policy."""

from __future__ import annotations

from conftest import control, drain_outbox, outbox_events, room_event

from pms_adapter import events

DEMO_ROOMS = [f"{floor}{n:02d}" for floor in (1, 2) for n in range(1, 11)]


def follow_demo_rooms(deliver) -> None:
    """Our side as rooms' created events describe the demo hotel: Vacant and Inspected."""
    for number in DEMO_ROOMS:
        deliver(
            "rooms.room.created.v1",
            {
                "roomNumber": number,
                "roomType": "Standard",
                "housekeepingStatus": "Inspected",
                "frontOfficeStatus": "Vacant",
                "version": 1,
            },
        )


def test_status_reports_backlog_and_health(client, callers, deliver, sync):
    deliver("rooms.room.status_changed.v1", room_event("101", "Dirty", 2))
    answer = client.get("/api/pms/status", headers=callers.admin)
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["pending"], body["failed"], body["breaker"]) == (1, 0, "closed")
    assert body["failedItems"] == []
    assert body["lastSyncAt"] is None
    sync.send_due()
    sync._record_health()
    body = client.get("/api/pms/status", headers=callers.front_desk).get_json()
    assert (body["pending"], body["pmsReachable"]) == (0, True)
    assert body["lastSyncAt"] is not None


def test_drift_shows_what_was_set_directly_in_the_pms(client, callers, deliver, opera):
    follow_demo_rooms(deliver)
    control(opera, "PUT", "rooms/105", json={"housekeepingRoomStatus": "Dirty"})
    answer = client.get("/api/pms/drift", headers=callers.supervisor)
    assert answer.status_code == 200
    items = {item["roomNumber"]: item for item in answer.get_json()["items"]}
    assert items["105"]["ours"]["housekeepingStatus"] == "Inspected"
    assert items["105"]["pms"]["housekeepingStatus"] == "Dirty"
    assert items["105"]["fields"] == ["housekeepingStatus"]
    # The demo PMS has guests in house in 106 and 208 that our side has not checked in.
    assert items["106"]["fields"] == ["frontOfficeStatus"]
    assert set(items) == {"105", "106", "208"}


def test_reconcile_sends_our_housekeeping_and_emits_the_pms_occupancy(
    client, callers, deliver, opera, sync, stores
):
    follow_demo_rooms(deliver)
    control(opera, "PUT", "rooms/105", json={"housekeepingRoomStatus": "Dirty"})
    answer = client.post("/api/pms/reconcile", headers=callers.admin)
    assert answer.status_code == 200
    run = answer.get_json()
    actions = {a["roomNumber"]: a["actions"] for a in run["actions"]}
    assert actions == {"105": ["send_ours"], "106": ["emit_pms"], "208": ["emit_pms"]}
    assert run["actor"] == "admin"
    assert run["reservationsImported"] == 3
    drain_outbox(sync)
    assert opera.state.rooms["105"]["housekeepingRoomStatus"] == "Inspected"
    emitted = {
        e["data"]["roomNumber"]: e["data"]
        for e in outbox_events(stores, events.ROOM_STATUS_CHANGED)
    }
    assert emitted["106"]["frontOfficeStatus"] == "Occupied"
    assert emitted["106"]["cause"] == "reconcile"
    remaining = client.get("/api/pms/drift", headers=callers.admin).get_json()["items"]
    assert {i["roomNumber"] for i in remaining} == {"106", "208"}  # until rooms checks them in
    status = client.get("/api/pms/status", headers=callers.admin).get_json()
    assert status["lastReconcileAt"] is not None


def test_only_the_hotel_admin_reconciles_and_guests_see_nothing(client, callers):
    assert client.post("/api/pms/reconcile", headers=callers.supervisor).status_code == 403
    assert client.get("/api/pms/status", headers=callers.housekeeper).status_code == 403
    assert client.get("/api/pms/drift", headers=callers.guest_headers("106")).status_code == 403
    assert client.get("/api/pms/status").status_code == 401


def test_drift_is_503_while_the_pms_is_down(client, callers, opera):
    control(opera, "PUT", "faults", json={"unavailableForSeconds": 30})
    answer = client.get("/api/pms/drift", headers=callers.admin)
    assert answer.status_code == 503
    assert answer.get_json()["code"] == "pms_unreachable"


def test_drift_reads_our_rooms_from_the_rooms_api_as_the_caller(config, stores, callers, opera):
    """With ROOMS_URL set, our side is read from rooms as the person asking (a fake rooms)."""
    import dataclasses

    from flask import Flask, jsonify, request

    from pms_adapter.app import create_app
    from pms_adapter.mock_opera.server import serve_app

    seen = []
    rooms = Flask("fake_rooms")

    @rooms.get("/api/rooms")
    def list_rooms():
        seen.append(request.headers.get("Authorization"))
        items = [
            {
                "roomNumber": "110",
                "housekeepingStatus": "Dirty",
                "frontOfficeStatus": "Vacant",
                "hkOccupancy": None,
                "outOfOrder": None,
                "version": 3,
            }
        ]
        return jsonify(items=items, total=1, limit=500, offset=0)

    with serve_app(rooms) as url:
        app = create_app(dataclasses.replace(config, rooms_url=url))
        answer = app.test_client().get("/api/pms/drift", headers=callers.admin)
    assert answer.status_code == 200
    [item] = answer.get_json()["items"]
    assert (item["roomNumber"], item["ours"]["housekeepingStatus"]) == ("110", "Dirty")
    assert seen == [callers.admin["Authorization"]]


def test_metrics_show_the_breaker_and_the_work_waiting(client, stores):
    text = client.get("/metrics").get_data(as_text=True)
    assert "hotel_pms_breaker_open 0.0" in text
    assert 'hotel_pms_outbox_items{state="failed"} 0.0' in text
    assert 'hotel_outbox_pending_events{service="pms-adapter"}' in text

    stores.update_health({"breaker": "open"})
    # A new app reads afresh (one app caches its reading for a few seconds between scrapes).
    from pms_adapter.app import create_app

    fresh = create_app(client.application.extensions["pms_adapter.config"])
    assert "hotel_pms_breaker_open 1.0" in fresh.test_client().get("/metrics").get_data(
        as_text=True
    )
