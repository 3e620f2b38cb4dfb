"""What a guest reads in rooms: their own room's door sign, and their own stay's messages."""

from __future__ import annotations

from conftest import add_room, check_in_walk_in

from hotel_shared.testing import assert_problem


def test_a_guest_reads_their_own_rooms_door_sign_only(client, callers, stores):
    add_room(stores, "204")
    add_room(stores, "205")
    check_in_walk_in(stores, "204")
    url = "/api/rooms/204/guest-service"
    read = client.get(url, headers=callers.guest)
    assert read.status_code == 200, read.get_data(as_text=True)
    assert read.get_json() == {"roomNumber": "204", "guestServiceStatus": "None", "version": 2}
    assert read.headers["ETag"] == '"2"'
    changed = client.patch(
        "/api/rooms/204/status",
        json={"guestServiceStatus": "DoNotDisturb"},
        headers={**callers.guest, "If-Match": read.headers["ETag"]},
    )
    assert changed.status_code == 200, changed.get_data(as_text=True)
    # The guest's answer is the door sign alone: nothing of the room's other state or its guest.
    assert changed.get_json() == {
        "roomNumber": "204",
        "guestServiceStatus": "DoNotDisturb",
        "version": 3,
    }
    again = client.get(url, headers=callers.guest).get_json()
    assert (again["guestServiceStatus"], again["version"]) == ("DoNotDisturb", 3)
    refused = client.get("/api/rooms/205/guest-service", headers=callers.guest)
    assert_problem(refused, 403, "not_your_room")
    # The whole room stays for staff only, as before.
    assert_problem(client.get("/api/rooms/204", headers=callers.guest), 403, "role_not_allowed")
    staff = client.get(url, headers=callers.housekeeper).get_json()
    assert staff["guestServiceStatus"] == "DoNotDisturb"
    assert_problem(client.get("/api/rooms/999/guest-service", headers=callers.admin), 404)


def write(client, headers, text, room="204"):
    body = {"name": "Ada", "roomNumber": room, "message": text}
    created = client.post("/api/contact-messages", json=body, headers=headers)
    assert created.status_code == 201, created.get_data(as_text=True)
    return created.get_json()


def test_a_guest_lists_their_own_stays_messages_without_who_handled_them(client, callers):
    write(client, callers.guest_headers("204", "cust-earlier"), "Earlier guest's")
    write(client, callers.front_desk, "Written by the desk for the room")
    write(client, callers.guest_headers("205"), "Next door", room="205")
    towels = write(client, callers.guest, "More towels please")
    assert "handledBy" not in towels
    pillows = write(client, callers.guest, "Extra pillows")
    handled = client.patch(
        f"/api/contact-messages/{towels['id']}", json={"handled": True}, headers=callers.front_desk
    )
    assert handled.get_json()["handledBy"]["username"] == "frontdesk"
    listed = client.get("/api/contact-messages", headers=callers.guest)
    assert listed.status_code == 200, listed.get_data(as_text=True)
    body = listed.get_json()
    assert body["total"] == 2
    assert [m["id"] for m in body["items"]] == [pillows["id"], towels["id"]]
    assert [m["handled"] for m in body["items"]] == [False, True]
    assert body["items"][1]["handledAt"]
    assert all("handledBy" not in m for m in body["items"])
    waiting = client.get("/api/contact-messages?handled=false", headers=callers.guest).get_json()
    assert [m["id"] for m in waiting["items"]] == [pillows["id"]]
    other = client.get("/api/contact-messages?roomNumber=205", headers=callers.guest)
    assert_problem(other, 403, "not_your_room")
    desk = client.get("/api/contact-messages", headers=callers.front_desk).get_json()
    assert desk["total"] == 5


def test_a_guest_token_without_a_stay_is_refused(client, callers):
    # A guest token whose sub is not guest:<customerId>.
    stayless_token = callers.keys.token("guest", user_id="u-guest", room_number="204")
    stayless = {"Authorization": f"Bearer {stayless_token}"}
    assert_problem(client.get("/api/contact-messages", headers=stayless), 403, "no_stay")
    body = {"name": "Ada", "roomNumber": "204", "message": "Hello"}
    refused = client.post("/api/contact-messages", json=body, headers=stayless)
    assert_problem(refused, 403, "no_stay")
