"""What the attack on the platform found stays closed in rooms: the booking code never leaves the
front office, revoked tokens are refused, lenient input is refused."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import timedelta

import pytest
from conftest import add_room, outbox_entries

from hotel_shared.events import new_event
from hotel_shared.inbox import bind_handlers
from hotel_shared.revocations import ACCESS_REVOKED, revocation_data
from hotel_shared.testing import assert_problem
from hotel_shared.timeutil import utc_now
from rooms.handlers import HANDLERS

TODAY = utc_now().date()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def call(client, method: str, path: str, headers, **kwargs) -> dict:
    response = getattr(client, method)(path, headers=headers, **kwargs)
    assert response.status_code < 300, response.get_data(as_text=True)
    return response.get_json()


@pytest.fixture
def front_office_day(client, callers, stores) -> dict:
    """A day at the desk: bookings made and cancelled, a check-in, an extension, a check-out and a
    walk-in still in the house. Returns the booking codes the confirmations showed."""
    for number in ("201", "202"):
        add_room(stores, number)
    desk = callers.front_desk
    booking = {
        "roomNumber": "201",
        "customerName": "Grace Hopper",
        "customerEmail": "grace@example.com",
        "checkInDate": day(0),
        "checkOutDate": day(2),
    }
    later = {**booking, "checkInDate": day(10), "checkOutDate": day(12)}
    cancelled = call(client, "post", "/api/bookings", desk, json=later)
    call(client, "post", f"/api/bookings/{cancelled['id']}/cancel", desk)
    booked = call(client, "post", "/api/bookings", desk, json=booking)
    stay = call(client, "post", "/api/customers", desk, json={"bookingId": booked["id"]})
    call(
        client, "patch", f"/api/customers/{stay['id']}", desk, json={"updatedCheckoutDate": day(3)}
    )
    call(client, "post", f"/api/customers/{stay['id']}/checkout", desk)
    walk_in = {"name": "Walk In", "roomNumber": "202", "checkoutDate": day(1)}
    walked_in = call(client, "post", "/api/customers", desk, json=walk_in)
    return {
        "cancelled": cancelled["specialId"],
        "booked": booked["specialId"],
        "walkIn": walked_in["specialId"],
        "stayId": stay["id"],
        "bookingId": booked["id"],
    }


# --- H1: the booking code ------------------------------------------------------------------------


def test_no_event_carries_a_booking_code(front_office_day, stores):
    codes = [front_office_day[key] for key in ("cancelled", "booked", "walkIn")]
    envelopes = [entry["envelope"] for entry in stores.db["outbox"].find()]
    types = {envelope["type"] for envelope in envelopes}
    assert {
        "rooms.booking.created.v1",
        "rooms.booking.cancelled.v1",
        "rooms.customer.checked_in.v1",
        "rooms.customer.stay_extended.v1",
        "rooms.customer.checked_out.v1",
    } <= types
    for envelope in envelopes:
        text = json.dumps(envelope, default=str)
        assert "specialId" not in envelope["data"], envelope["type"]
        assert not [code for code in codes if code in text], envelope["type"]


def test_guest_access_events_carry_the_sha256_of_the_code(front_office_day, stores):
    [checked_in_walk_in] = [
        entry["envelope"]["data"]
        for entry in outbox_entries(stores, "rooms.customer.checked_in.v1")
        if entry["envelope"]["data"]["roomNumber"] == "202"
    ]
    assert checked_in_walk_in["specialIdHash"] == sha256(front_office_day["walkIn"])
    [checked_out] = outbox_entries(stores, "rooms.customer.checked_out.v1")
    assert checked_out["envelope"]["data"]["specialIdHash"] == sha256(front_office_day["booked"])
    [extended] = outbox_entries(stores, "rooms.customer.stay_extended.v1")
    assert "specialIdHash" not in extended["envelope"]["data"]


def test_a_supervisor_reads_stays_without_the_booking_code(front_office_day, client, callers):
    codes = [front_office_day[key] for key in ("booked", "walkIn")]
    listed = client.get("/api/customers", headers=callers.supervisor)
    assert listed.status_code == 200
    assert len(listed.get_json()["items"]) == 2
    assert all("specialId" not in stay for stay in listed.get_json()["items"])
    one = client.get(f"/api/customers/{front_office_day['stayId']}", headers=callers.supervisor)
    assert one.status_code == 200
    assert "specialId" not in one.get_json()
    for response in (listed, one):
        assert not [code for code in codes if code in response.get_data(as_text=True)]


def test_the_front_office_reads_stays_and_bookings_with_the_booking_code(
    front_office_day, client, callers
):
    for headers in (callers.front_desk, callers.admin):
        stays = client.get("/api/customers", headers=headers).get_json()["items"]
        assert {stay["specialId"] for stay in stays} == {
            front_office_day["booked"],
            front_office_day["walkIn"],
        }
        booking = client.get(f"/api/bookings/{front_office_day['bookingId']}", headers=headers)
        assert booking.get_json()["specialId"] == front_office_day["booked"]
        bookings = client.get("/api/bookings", headers=headers).get_json()["items"]
        assert {b["specialId"] for b in bookings} == {
            front_office_day["booked"],
            front_office_day["cancelled"],
        }


# --- M3: revoked access --------------------------------------------------------------------------


def revoke(stores, subject_id: str) -> None:
    revoked_at = utc_now()
    data = revocation_data(
        subject_id,
        reason="user_deactivated",
        revoked_at=revoked_at,
        expires_at=revoked_at + timedelta(minutes=15),
    )
    envelope = new_event(ACCESS_REVOKED, source="auth", subject=f"user/{subject_id}", data=data)
    bind_handlers(stores, HANDLERS).handle(envelope)


def test_a_revoked_users_token_is_refused_by_rooms_after_the_event(client, stores, signing_keys):
    headers = signing_keys.headers("staff", user_id="u-leaver", department="housekeeping")
    message = {"name": "Leaver", "roomNumber": "204", "message": "still here?"}
    assert client.post("/api/contact-messages", json=message, headers=headers).status_code == 201
    other = signing_keys.headers("staff", user_id="u-stayer", department="housekeeping")
    revoke(stores, "u-leaver")
    deadline = time.monotonic() + 2.0
    while True:  # the web process rereads the list at most every half second
        read = client.get("/api/rooms", headers=headers)
        if read.status_code != 200 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert_problem(read, 401, "token_revoked")
    refused = client.post("/api/contact-messages", json=message, headers=headers)
    assert_problem(refused, 401, "token_revoked")
    assert client.post("/api/contact-messages", json=message, headers=other).status_code == 201
    assert stores.db["contact_messages"].count_documents({"createdBy.userId": "u-leaver"}) == 1


# --- L5 / L2: strict input, bounded dates -------------------------------------------------------

NEW_ROOM = {"roomNumber": "305", "roomType": "Suite", "price": 310.5, "capacity": 4}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("capacity", True),
        ("capacity", 2.0),
        ("capacity", "2"),
        ("floor", True),
        ("floor", 3.5),
        ("price", "120"),
        ("price", True),
    ],
)
def test_room_numbers_are_json_numbers_not_booleans_or_strings(client, callers, field, value):
    response = client.post("/api/rooms", json={**NEW_ROOM, field: value}, headers=callers.admin)
    assert field in assert_problem(response, 422, "validation_failed")["errors"]
    edit = client.patch("/api/rooms/305", json={field: value}, headers=callers.admin)
    assert field in assert_problem(edit, 422, "validation_failed")["errors"]


@pytest.mark.parametrize("override", [1, 0, "true", "yes", None])
def test_override_is_only_true_or_false(client, callers, stores, override):
    add_room(stores, "204", housekeepingStatus="Dirty")
    body = {
        "name": "Walk In",
        "roomNumber": "204",
        "checkoutDate": day(1),
        "override": override,
        "reason": "VIP",
    }
    response = client.post("/api/customers", json=body, headers=callers.front_desk)
    assert "override" in assert_problem(response, 422, "validation_failed")["errors"]
    assert stores.get_room("204")["frontOfficeStatus"] == "Vacant"


def test_partial_payment_is_a_json_number(client, callers, stores):
    add_room(stores, "204")
    body = {
        "roomNumber": "204",
        "customerName": "Ada",
        "customerEmail": "ada@example.com",
        "checkInDate": day(0),
        "checkOutDate": day(1),
    }
    for value in (True, "10"):
        response = client.post(
            "/api/bookings", json={**body, "partialPayment": value}, headers=callers.front_desk
        )
        assert "partialPayment" in assert_problem(response, 422, "validation_failed")["errors"]


def test_an_extension_to_9999_is_refused(client, callers, stores):
    add_room(stores, "204")
    walk_in = {"name": "Walk In", "roomNumber": "204", "checkoutDate": day(1)}
    stay = call(client, "post", "/api/customers", callers.front_desk, json=walk_in)
    response = client.patch(
        f"/api/customers/{stay['id']}",
        json={"updatedCheckoutDate": "9999-12-31"},
        headers=callers.front_desk,
    )
    assert "updatedCheckoutDate" in assert_problem(response, 422, "validation_failed")["errors"]
    assert stores.get_stay(stay["id"])["updatedCheckoutDate"] is None


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("post", "/api/bookings", {"checkInDate": "0001-01-03"}, "checkInDate"),
        ("post", "/api/bookings", {"checkOutDate": "9999-12-31"}, "checkOutDate"),
        ("post", "/api/customers", {"checkoutDate": "9999-12-31"}, "checkoutDate"),
        (
            "post",
            "/api/rooms/204/out-of-order",
            {"kind": "OutOfOrder", "reason": "leak", "to": "9999-12-31T00:00:00Z"},
            "to",
        ),
        ("get", "/api/rooms/availability?from=2030-01-01&to=9999-12-31", None, "to"),
        ("get", "/api/rooms/availability?from=0001-01-03&to=2030-01-01", None, "from"),
        ("get", "/api/rooms/availability?from=2030-01-05&to=2030-01-01", None, "from"),
        ("get", "/api/bookings?from=0001-01-03", None, "from"),
        ("get", "/api/bookings?to=9999-12-31", None, "to"),
        ("get", "/api/analytics/rooms?to=0001-01-03", None, "to"),
        (
            "get",
            "/api/analytics/rooms?from=2030-01-05T00:00:00Z&to=2030-01-01T00:00:00Z",
            None,
            "from",
        ),
    ],
)
def test_every_date_is_bounded_to_a_sane_window(client, callers, stores, method, path, body, field):
    add_room(stores, "204")
    base = {
        "/api/bookings": {
            "roomNumber": "204",
            "customerName": "Ada",
            "customerEmail": "ada@example.com",
            "checkInDate": day(0),
            "checkOutDate": day(1),
        },
        "/api/customers": {"name": "Walk In", "roomNumber": "204", "checkoutDate": day(1)},
    }
    kwargs = {"json": {**base.get(path, {}), **body}} if body is not None else {}
    response = getattr(client, method)(path, headers=callers.admin, **kwargs)
    assert field in assert_problem(response, 422, "validation_failed")["errors"]


def test_json_in_another_content_type_and_unsafe_text_are_refused(client, callers, stores):
    add_room(stores, "204")
    as_text = client.post(
        "/api/rooms",
        data=json.dumps(NEW_ROOM),
        headers={**callers.admin, "Content-Type": "text/plain"},
    )
    assert as_text.status_code == 415
    for text in ("Sea view\u202e", "nul\u0000here"):
        edit = client.patch("/api/rooms/204", json={"description": text}, headers=callers.admin)
        assert "description" in assert_problem(edit, 422, "validation_failed")["errors"]
    assert stores.get_room("204")["description"] == ""
