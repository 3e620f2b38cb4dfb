"""Journey 4 of DESIGN §1 through nginx and the real broker: a guest orders from the in-room app,
the kitchen moves the order to delivered, and the bill exists once and reaches the broker."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pika
from conftest import eventually

from hotel_shared.bus import EXCHANGE
from hotel_shared.testing import assert_problem

ROOM = "109"
STEPS = ("acknowledged", "preparing", "on the way", "delivered")


def day(offset: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=offset)).isoformat()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def check_in_guest(gateway) -> str:
    """Book room 109, check the guest in, sign the guest in: the guest's access token."""
    booked = gateway.request(
        "POST",
        "/api/bookings",
        as_user="frontdesk",
        json={
            "roomNumber": ROOM,
            "customerName": "Ada Lovelace",
            "customerEmail": "ada@example.com",
            "checkInDate": day(0),
            "checkOutDate": day(2),
        },
    )
    assert booked.status_code == 201, booked.text
    stay = gateway.request(
        "POST", "/api/customers", as_user="frontdesk", json={"bookingId": booked.json()["id"]}
    )
    assert stay.status_code == 201, stay.text

    def guest_signed_in():
        """guest-login with the booking's specialId (auth learns the check-in from its event)"""
        response = gateway.request(
            "POST",
            "/api/auth/guest-login",
            json={"roomNumber": ROOM, "specialId": booked.json()["specialId"]},
        )
        return response if response.status_code == 200 else None

    return eventually(guest_signed_in).json()["accessToken"]


def test_guest_orders_kitchen_delivers_and_the_bill_exists_once(gateway, listen, rabbit):
    connection = pika.BlockingConnection(pika.URLParameters(rabbit.url))
    channel = connection.channel()
    queue = channel.queue_declare("", exclusive=True).method.queue
    channel.queue_bind(queue, EXCHANGE, routing_key="fnb.bill.created.v1")
    try:
        token = check_in_guest(gateway)
        guest = bearer(token)
        guest_socket, kitchen_socket = listen("guest", token=token), listen("chef")

        def fnb_knows_the_stay():
            """fnb's projection to hold the check-in of room 109"""
            return gateway.request("GET", f"/api/carts/{ROOM}", headers=guest).status_code == 200

        eventually(fnb_knows_the_stay)
        menu = gateway.request("GET", "/api/menu", headers=guest).json()["items"]
        combos = gateway.request("GET", "/api/combos", headers=guest).json()["items"]
        club = next(food for food in menu if food["name"] == "Club sandwich")
        combo = next(c for c in combos if c["orderable"])
        for line in ({"foodId": club["id"], "quantity": 2}, {"comboId": combo["id"]}):
            added = gateway.request("POST", f"/api/carts/{ROOM}/items", headers=guest, json=line)
            assert added.status_code == 201, added.text
        key = {"Idempotency-Key": uuid.uuid4().hex}
        placed = gateway.request("POST", f"/api/carts/{ROOM}/checkout", headers={**guest, **key})
        assert placed.status_code == 201, placed.text
        order = placed.json()
        again = gateway.request("POST", f"/api/carts/{ROOM}/checkout", headers={**guest, **key})
        assert again.json()["id"] == order["id"]
        expected = 2 * _cents(club["price"]) + _cents(combo["price"])
        assert _cents(order["totalPrice"]) == expected
        assert_problem(
            gateway.request("PATCH", f"/api/orders/{order['id']}/status", headers=guest,
                            json={"status": "acknowledged"}),
            403,
        )  # fmt: skip

        for status in STEPS:
            moved = gateway.request(
                "PATCH",
                f"/api/orders/{order['id']}/status",
                as_user="chef",
                json={"status": status},
            )
            assert moved.status_code == 200, moved.text

            def guest_heard(status=status):
                """the guest's socket to hear the order's status change"""
                return guest_socket.heard(
                    "order.status_changed", orderId=order["id"], status=status
                )

            eventually(guest_heard)
        assert kitchen_socket.heard("order.placed", orderId=order["id"])

        bills = gateway.request("GET", f"/api/bills?roomNumber={ROOM}", as_user="frontdesk")
        [bill] = [b for b in bills.json()["items"] if b["orderId"] == order["id"]]
        assert bill["totalPrice"] == order["totalPrice"]
        mine = gateway.request("GET", "/api/bills", headers=guest).json()["items"]
        assert [b["id"] for b in mine] == [bill["id"]]
        late = gateway.request("POST", f"/api/orders/{order['id']}/cancel", as_user="chef", json={})
        assert_problem(late, 409, "order_delivered")

        def bill_on_the_broker():
            """fnb.bill.created.v1 for the order to reach the broker"""
            method, _, body = channel.basic_get(queue, auto_ack=True)
            return method is not None and json.loads(body)["data"]["orderId"] == order["id"]

        eventually(bill_on_the_broker)

        def audited():
            """the audit log to show the order placed and each of its steps"""
            logs = gateway.request(
                "GET", f"/api/activity-logs?documentId={order['id']}&limit=50", as_user="admin"
            ).json()["items"]
            moves = [log["change"]["newValue"] for log in logs if log.get("change")]
            placed = [log for log in logs if log["actionType"] == "order.placed"]
            return placed and sorted(moves) == sorted(STEPS)

        eventually(audited)
    finally:
        connection.close()


def _cents(money: str) -> int:
    whole, _, part = money.partition(".")
    return int(whole) * 100 + int(part)
