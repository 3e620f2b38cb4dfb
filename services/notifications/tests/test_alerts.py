"""Alerts over HTTP and Socket.IO: who may send to whom, the recipients' inboxes, read receipts."""

from __future__ import annotations

import pytest

from hotel_shared.testing import assert_problem

TO_HOUSEKEEPING = {
    "audience": {"kind": "department", "value": "housekeeping"},
    "message": "Linen delivery is late: use the spare stock on floor 2",
    "priority": "high",
}


def send(client, headers, body=TO_HOUSEKEEPING):
    return client.post("/api/alerts", json=body, headers=headers)


def sent(client, headers, body=TO_HOUSEKEEPING):
    response = send(client, headers, body)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def inbox(client, headers):
    response = client.get("/api/notifications", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["items"]


def alert(client, headers, alert_id):
    response = client.get(f"/api/alerts/{alert_id}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def connect(app, socketio, token):
    client = socketio.test_client(app, auth={"token": token})
    assert client.is_connected()
    return client


def received(client):
    return [(packet["name"], packet["args"][0]) for packet in client.get_received()]


def test_a_supervisor_alerts_their_department_and_each_member_finds_it_unread(client, demo_callers):
    body = sent(client, demo_callers.supervisor)
    assert body["audience"] == {"kind": "department", "value": "housekeeping"}
    assert (body["priority"], body["readCount"], body["readBy"]) == ("high", 0, [])
    assert body["sentBy"] == {
        "userId": "u-supervisor",
        "username": "supervisor",
        "role": "supervisor",
        "employeeCode": "HK-SUP-01",
    }
    [item] = inbox(client, demo_callers.housekeeper)
    assert (item["id"], item["event"], item["read"]) == (body["id"], "alert.sent", False)
    assert item["raw"]["message"] == TO_HOUSEKEEPING["message"]
    assert item["raw"]["priority"] == "high"
    response = client.get("/api/notifications/unread-count", headers=demo_callers.housekeeper)
    assert response.get_json() == {"count": 1}
    assert inbox(client, demo_callers.technician) == []


def test_the_senders_own_copy_is_read_already(client, demo_callers):
    # The supervisor belongs to housekeeping, so the alert is in their inbox too.
    body = sent(client, demo_callers.supervisor)
    [item] = inbox(client, demo_callers.supervisor)
    assert (item["id"], item["read"]) == (body["id"], True)


def test_marking_the_inbox_item_read_is_a_receipt_for_the_sender(client, demo_callers):
    body = sent(client, demo_callers.supervisor)
    response = client.post(
        f"/api/notifications/{body['id']}/read", headers=demo_callers.housekeeper
    )
    assert response.status_code == 200
    client.post(f"/api/notifications/{body['id']}/read", headers=demo_callers.housekeeper)
    seen = alert(client, demo_callers.supervisor, body["id"])
    assert seen["readCount"] == 1
    [receipt] = seen["readBy"]
    assert (receipt["userId"], receipt["username"], receipt["employeeCode"]) == (
        "u-housekeeper",
        "housekeeper",
        "HK-001",
    )
    assert receipt["readAt"].endswith("Z")


def test_read_all_is_a_receipt_for_each_unread_alert(client, demo_callers):
    first = sent(client, demo_callers.supervisor)
    second = sent(client, demo_callers.supervisor, {**TO_HOUSEKEEPING, "message": "second"})
    assert (
        client.post("/api/notifications/read-all", headers=demo_callers.housekeeper).status_code
        == 204
    )
    for body in (first, second):
        readers = alert(client, demo_callers.supervisor, body["id"])["readBy"]
        assert [r["username"] for r in readers] == ["housekeeper"]


def test_the_sender_reading_their_own_copy_is_no_receipt(client, demo_callers):
    body = sent(client, demo_callers.supervisor)
    client.post(f"/api/notifications/{body['id']}/read", headers=demo_callers.supervisor)
    client.post("/api/notifications/read-all", headers=demo_callers.supervisor)
    assert alert(client, demo_callers.supervisor, body["id"])["readBy"] == []


def test_a_supervisor_may_not_alert_another_department(client, demo_callers):
    body = {**TO_HOUSEKEEPING, "audience": {"kind": "department", "value": "maintenance"}}
    assert_problem(send(client, demo_callers.supervisor, body), 403, "alert_audience_forbidden")
    assert inbox(client, demo_callers.technician) == []


def test_a_supervisor_may_not_alert_a_whole_role(client, demo_callers):
    body = {**TO_HOUSEKEEPING, "audience": {"kind": "role", "value": "staff"}}
    assert_problem(send(client, demo_callers.supervisor, body), 403, "alert_audience_forbidden")


@pytest.mark.parametrize("username", ["housekeeper", "frontdesk", "chef"])
def test_other_roles_may_not_send_alerts(client, demo_callers, username):
    response = send(client, demo_callers.headers_for(username))
    assert_problem(response, 403, "role_not_allowed")


def test_a_supervisors_alert_to_one_employee_reaches_them_only_in_that_department(
    client, demo_callers
):
    body = {**TO_HOUSEKEEPING, "audience": {"kind": "employee", "value": "HK-001"}}
    alert_id = sent(client, demo_callers.supervisor, body)["id"]
    assert [item["id"] for item in inbox(client, demo_callers.housekeeper)] == [alert_id]
    # The same code in another department (as a token says) hears nothing of it.
    moved = demo_callers.staff_headers("housekeeper", "maintenance", "HK-001")
    assert inbox(client, moved) == []
    # A code from another department is addressed within the supervisor's: nobody there has it.
    elsewhere = {**TO_HOUSEKEEPING, "audience": {"kind": "employee", "value": "MT-001"}}
    sent(client, demo_callers.supervisor, elsewhere)
    assert inbox(client, demo_callers.technician) == []


def test_a_hotel_admin_alerts_any_department_role_or_employee(client, demo_callers):
    for kind, value, reader in [
        ("department", "maintenance", "technician"),
        ("role", "restaurantAdmin", "chef"),
        ("employee", "FO-001", "frontdesk"),
    ]:
        body = {**TO_HOUSEKEEPING, "audience": {"kind": kind, "value": value}}
        alert_id = sent(client, demo_callers.admin, body)["id"]
        ids = [item["id"] for item in inbox(client, demo_callers.headers_for(reader))]
        assert alert_id in ids, (kind, value)


@pytest.mark.parametrize(
    ("audience", "field"),
    [
        ({"kind": "department", "value": "spa"}, "value"),
        ({"kind": "role", "value": "guest"}, "value"),
        ({"kind": "role", "value": "janitor"}, "value"),
        ({"kind": "floor", "value": "2"}, "kind"),
        ({"kind": "department", "value": "$where"}, "value"),
        ({"kind": "department"}, "value"),
    ],
)
def test_an_unknown_audience_is_422_naming_it(client, demo_callers, audience, field):
    body = assert_problem(
        send(client, demo_callers.admin, {**TO_HOUSEKEEPING, "audience": audience}), 422
    )
    assert field in body["errors"]["audience"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"message": ""}, "message"),
        ({"message": "x" * 501}, "message"),
        ({"priority": "critical"}, "priority"),
        ({"audience": None}, "audience"),
        ({"extra": 1}, "extra"),
    ],
)
def test_a_bad_alert_body_is_422_naming_the_field(client, demo_callers, change, field):
    body = assert_problem(send(client, demo_callers.admin, {**TO_HOUSEKEEPING, **change}), 422)
    assert field in body["errors"]


def test_a_message_of_500_characters_is_accepted(client, demo_callers):
    assert (
        len(sent(client, demo_callers.admin, {**TO_HOUSEKEEPING, "message": "x" * 500})["message"])
        == 500
    )


def test_a_supervisor_lists_their_own_sent_alerts_newest_first_and_the_admin_sees_all(
    client, demo_callers
):
    first = sent(client, demo_callers.supervisor, {**TO_HOUSEKEEPING, "message": "first"})
    second = sent(client, demo_callers.supervisor, {**TO_HOUSEKEEPING, "message": "second"})
    by_admin = sent(client, demo_callers.admin)
    client.post(f"/api/notifications/{first['id']}/read", headers=demo_callers.housekeeper)
    listed = client.get("/api/alerts", headers=demo_callers.supervisor).get_json()
    assert [item["id"] for item in listed["items"]] == [second["id"], first["id"]]
    assert (listed["total"], listed["limit"], listed["offset"]) == (2, 50, 0)
    assert [item["readCount"] for item in listed["items"]] == [0, 1]
    everything = client.get("/api/alerts?limit=2", headers=demo_callers.admin).get_json()
    assert [item["id"] for item in everything["items"]] == [by_admin["id"], second["id"]]
    assert everything["total"] == 3


def test_another_senders_alert_is_not_found_for_a_supervisor(client, demo_callers):
    by_admin = sent(client, demo_callers.admin)
    response = client.get(f"/api/alerts/{by_admin['id']}", headers=demo_callers.supervisor)
    assert_problem(response, 404, "alert_not_found")
    assert_problem(
        client.get("/api/alerts/nope", headers=demo_callers.admin), 404, "alert_not_found"
    )


def test_alert_sent_is_pushed_live_to_the_audience_only(app, socketio, client, demo_callers):
    housekeeper = connect(app, socketio, demo_callers.token_for("housekeeper"))
    technician = connect(app, socketio, demo_callers.token_for("technician"))
    body = sent(client, demo_callers.supervisor)
    [(name, payload)] = received(housekeeper)
    assert name == "alert.sent"
    assert (payload["alertId"], payload["eventId"]) == (body["id"], body["id"])
    assert payload["message"] == TO_HOUSEKEEPING["message"]
    assert payload["sentBy"]["username"] == "supervisor"
    # Barrier: an alert to maintenance reaches the technician, and it is the only thing he heard.
    to_maintenance = {**TO_HOUSEKEEPING, "audience": {"kind": "department", "value": "maintenance"}}
    sent(client, demo_callers.admin, to_maintenance)
    assert [payload["audience"]["value"] for _, payload in received(technician)] == ["maintenance"]


def test_a_recipient_reading_hints_alert_read_to_the_sender(app, socketio, client, demo_callers):
    body = sent(client, demo_callers.supervisor)
    supervisor = connect(app, socketio, demo_callers.token_for("supervisor"))
    client.post(f"/api/notifications/{body['id']}/read", headers=demo_callers.housekeeper)
    assert received(supervisor) == [
        ("alert.read", {"alertId": body["id"], "userId": "u-housekeeper"})
    ]
