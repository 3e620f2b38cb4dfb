"""A guest's view through the gateway is their own stay's: the next guest of the same room sees
none of the previous guest's orders, requests or messages, and reads the room's door sign."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conftest import eventually

from hotel_shared.testing import assert_problem

# Only test_fnb_flow uses it, before (and may leave its guest in); no test file after.
ROOM, OTHER_ROOM = "109", "207"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def check_out_whoever_is_in(gateway) -> None:
    query = {"roomNumber": ROOM, "status": "checked in"}
    stays = gateway.request("GET", "/api/customers", as_user="frontdesk", params=query)
    for stay in stays.json()["items"]:
        out = f"/api/customers/{stay['id']}/checkout"
        assert gateway.request("POST", out, as_user="frontdesk").status_code == 200


def check_in(gateway, name: str) -> tuple[dict, dict[str, str]]:
    """A walk-in stay in ROOM (ready or not), its guest signed in: (stay, guest headers)."""
    override = {"override": True, "reason": "guest scope test: the room is not cleaned between"}
    checkout_date = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    body = {"name": name, "roomNumber": ROOM, "checkoutDate": checkout_date, **override}
    created = gateway.request("POST", "/api/customers", as_user="frontdesk", json=body)
    assert created.status_code == 201, created.text
    stay = created.json()

    def signed_in():
        """guest-login once auth has seen the check-in"""
        credentials = {"roomNumber": ROOM, "specialId": stay["specialId"]}
        response = gateway.request("POST", "/api/auth/guest-login", json=credentials)
        return response if response.status_code == 200 else None

    guest = bearer(eventually(signed_in).json()["accessToken"])

    def fnb_knows_the_stay():
        """fnb's projection to hold this check-in"""
        return gateway.request("GET", f"/api/carts/{ROOM}", headers=guest).status_code == 200

    eventually(fnb_knows_the_stay)
    return stay, guest


def listed(gateway, path: str, headers: dict[str, str]) -> list[dict]:
    response = gateway.request("GET", path, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_the_next_guest_of_a_room_sees_only_their_own_stay(gateway):
    check_out_whoever_is_in(gateway)
    first_stay, first = check_in(gateway, "Ada First")
    menu = listed(gateway, "/api/menu", first)
    food = next(item for item in menu if item["available"])
    line = {"foodId": food["id"], "quantity": 1}
    added = gateway.request("POST", f"/api/carts/{ROOM}/items", headers=first, json=line)
    assert added.status_code == 201, added.text
    assert added.json()["currency"] == food["currency"]
    order = gateway.request("POST", f"/api/carts/{ROOM}/checkout", headers=first).json()
    assert order["customerId"] == first_stay["id"]
    asked = {"roomNumber": ROOM, "jobType": "linen", "priority": "normal"}
    made = gateway.request("POST", "/api/requests", headers=first, json=asked)
    assert made.status_code == 201, made.text
    assert (made.json()["stayId"], made.json()["status"]) == (first_stay["id"], "assigned")
    message = {"name": "Ada First", "roomNumber": ROOM, "message": "Late checkout?"}
    wrote = gateway.request("POST", "/api/contact-messages", headers=first, json=message)
    assert wrote.status_code == 201, wrote.text
    assert [o["id"] for o in listed(gateway, "/api/orders", first)] == [order["id"]]
    [request] = listed(gateway, "/api/requests", first)
    assert "assignedTo" not in request["task"]
    assert [m["message"] for m in listed(gateway, "/api/contact-messages", first)] == [
        "Late checkout?"
    ]

    out = f"/api/customers/{first_stay['id']}/checkout"
    assert gateway.request("POST", out, as_user="frontdesk").status_code == 200
    second_stay, second = check_in(gateway, "Grace Next")
    assert second_stay["id"] != first_stay["id"]
    for path in ("/api/orders", "/api/bills", "/api/requests", "/api/contact-messages"):
        assert listed(gateway, path, second) == [], path
    assert_problem(
        gateway.request("GET", f"/api/orders/{order['id']}", headers=second), 404, "order_not_found"
    )
    sign = gateway.request("GET", f"/api/rooms/{ROOM}/guest-service", headers=second)
    assert sign.status_code == 200, sign.text
    assert sign.json()["roomNumber"] == ROOM
    assert set(sign.json()) == {"roomNumber", "guestServiceStatus", "version"}
    assert_problem(
        gateway.request("GET", f"/api/rooms/{OTHER_ROOM}/guest-service", headers=second),
        403,
        "not_your_room",
    )
    # Staff still see every stay's.
    staff = gateway.request("GET", f"/api/orders?roomNumber={ROOM}", as_user="frontdesk").json()
    assert order["id"] in [o["id"] for o in staff["items"]]
    out = f"/api/customers/{second_stay['id']}/checkout"
    assert gateway.request("POST", out, as_user="frontdesk").status_code == 200
