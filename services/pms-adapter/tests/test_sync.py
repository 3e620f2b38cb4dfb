"""The two-way sync against the mock OPERA: rooms out, bills onto folios once, reservations and
PMS-side room changes in, nothing lost while the PMS is down."""

from __future__ import annotations

import time

from conftest import bill_event, calls, control, drain_outbox, outbox_events, room_event

from pms_adapter import events
from pms_adapter.breaker import CLOSED


def folio_of(opera, room: str) -> list[dict]:
    state = control(opera, "GET", "state")
    [reservation] = [
        r
        for r in state["reservations"].values()
        if r["roomId"] == room and r["reservationStatus"] == "InHouse"
    ]
    return [p for p in state["postings"] if p["reservationId"] == reservation["reservationId"]]


def test_our_room_status_reaches_the_pms(opera, deliver, sync):
    deliver("rooms.room.status_changed.v1", room_event("101", "Dirty", 2))
    assert sync.send_due() == 1
    assert opera.state.rooms["101"]["housekeepingRoomStatus"] == "Dirty"
    [put] = calls(opera, "PUT", "/rooms/status")
    assert put["body"] == {"roomList": [{"roomId": "101"}], "housekeepingRoomStatus": "Dirty"}


def test_the_latest_state_of_a_room_wins_and_a_late_older_one_is_ignored(opera, deliver, sync):
    deliver("rooms.room.status_changed.v1", room_event("102", "Dirty", 2))
    deliver("rooms.room.status_changed.v1", room_event("102", "Clean", 4))
    deliver("rooms.room.status_changed.v1", room_event("102", "Pickup", 3))  # late, older
    drain_outbox(sync)
    assert opera.state.rooms["102"]["housekeepingRoomStatus"] == "Clean"
    assert [c["body"]["housekeepingRoomStatus"] for c in calls(opera, "PUT")] == ["Clean"]


def test_a_bill_is_posted_once_to_the_guests_in_house_folio(opera, deliver, sync):
    envelope = deliver("fnb.bill.created.v1", bill_event("bill-1"))
    deliver("fnb.bill.created.v1", bill_event("bill-1"))  # the same bill, another event id
    deliver("fnb.bill.created.v1", bill_event("bill-1"), envelope)  # a redelivery
    drain_outbox(sync)
    [posting] = folio_of(opera, "106")
    assert (posting["reference"], posting["postedAmount"]) == (
        "bill-1",
        {"amount": 57.0, "currencyCode": "USD"},
    )
    assert posting["remark"] == "Room service: 2x Club sandwich"
    assert len(calls(opera, "POST", "/charges")) == 1


def test_after_a_lost_answer_the_folio_is_read_before_posting_again(opera, deliver, sync):
    deliver("fnb.bill.created.v1", bill_event("bill-lost"))
    # The search goes through; the charge is applied but its answer never arrives.
    control(opera, "PUT", "faults", json={"dropConnections": 0})
    sync.client.search_reservations({"roomId": "106"})  # warm the token
    original = sync.client.post_charges

    def post_then_drop(*args, **kwargs):
        control(opera, "PUT", "faults", json={"dropConnections": 1, "dropAfterApply": True})
        return original(*args, **kwargs)

    sync.client.post_charges = post_then_drop
    sync.send_due()
    sync.client.post_charges = original
    assert len(folio_of(opera, "106")) == 1  # applied despite the lost answer
    drain_outbox(sync)
    assert len(folio_of(opera, "106")) == 1
    assert len(calls(opera, "POST", "/charges")) == 1
    entry = sync.stores.find_outbox("charge:bill-lost")
    assert (entry["state"], entry["result"]["foundOnFolio"]) == ("sent", True)


def test_a_bill_without_an_in_house_guest_fails_visibly(opera, deliver, sync):
    deliver("fnb.bill.created.v1", bill_event("bill-orphan", room="101"))
    for _ in range(100):
        sync.send_due()
        if sync.stores.count_work("failed"):
            break
        time.sleep(0.03)
    entry = sync.stores.find_outbox("charge:bill-orphan")
    assert entry["state"] == "failed"
    assert "no in-house reservation" in entry["lastError"]
    assert calls(opera, "POST", "/charges") == []
    # The guest arrives in the PMS; a reconcile gives the bill another round and it posts.
    made = control(
        opera,
        "POST",
        "reservations",
        json={
            "roomId": "101",
            "givenName": "Late",
            "surname": "Guest",
            "arrivalDate": "2026-12-01",
            "departureDate": "2026-12-02",
        },
    )
    control(opera, "POST", f"reservations/{made['reservationId']}/checkIn")
    from datetime import date

    from hotel_shared.principal import Context
    from pms_adapter import service

    [failed] = service.status_report(sync.stores)["failedItems"]
    assert (failed["id"], failed["kind"], failed["roomNumber"]) == (
        "charge:bill-orphan",
        "charge",
        "101",
    )
    run = service.reconcile(sync.stores, sync.client, Context(), date(2026, 12, 1))
    assert run["requeued"] == 1
    drain_outbox(sync)
    assert sync.stores.find_outbox("charge:bill-orphan")["state"] == "sent"
    assert len(calls(opera, "POST", "/charges")) == 1


def test_an_outage_loses_nothing_and_the_breaker_keeps_calls_low(opera, deliver, sync):
    rooms = [f"{floor}{n:02d}" for floor in (1, 2) for n in range(1, 11)]
    statuses = ["Dirty", "Clean", "Pickup", "Clean", "Inspected"]
    for version in range(2, 7):
        for room in rooms:
            deliver(
                "rooms.room.status_changed.v1", room_event(room, statuses[version - 2], version)
            )
    for number in range(4):
        deliver(
            "fnb.bill.created.v1", bill_event(f"bill-{number}", room=("106", "208")[number % 2])
        )
    control(opera, "PUT", "faults", json={"unavailableForSeconds": 2})
    started = time.monotonic()
    while time.monotonic() - started < 1.8:
        sync.send_due()
        time.sleep(0.02)
    assert sync.client.breaker.state != CLOSED
    during = calls(opera)
    assert {call["status"] for call in during} == {503}
    assert len(during) <= 8  # 100 room changes and 4 bills, yet only the breaker's probes
    time.sleep(0.3)
    drain_outbox(sync)
    assert {opera.state.rooms[r]["housekeepingRoomStatus"] for r in rooms} == {"Inspected"}
    charges = [c for c in calls(opera, "POST", "/charges") if c["status"] == 201]
    assert sorted(c["body"]["criteria"]["charges"][0]["postingReference"] for c in charges) == [
        "bill-0",
        "bill-1",
        "bill-2",
        "bill-3",
    ]
    assert len(folio_of(opera, "106")) + len(folio_of(opera, "208")) == 4


def test_a_reservation_added_modified_and_cancelled_in_the_pms_follows_one_booking(
    opera, sync, stores
):
    sync.poll_once()  # the start-up window search imports the demo reservations
    made = control(
        opera,
        "POST",
        "reservations",
        json={
            "roomId": "203",
            "givenName": "Edsger",
            "surname": "Dijkstra",
            "email": "edsger@example.org",
            "arrivalDate": "2026-12-10",
            "departureDate": "2026-12-12",
        },
    )
    sync.poll_once()
    rid = made["reservationId"]
    control(opera, "PATCH", f"reservations/{rid}", json={"departureDate": "2026-12-14"})
    sync.poll_once()
    control(opera, "POST", f"reservations/{rid}/cancel")
    sync.poll_once()
    mine = [
        e["data"]
        for e in outbox_events(stores, events.RESERVATION_IMPORTED)
        if e["data"]["pmsReservationId"] == rid
    ]
    assert [(d["departure"], d["reservationStatus"]) for d in mine] == [
        ("2026-12-12", "Reserved"),
        ("2026-12-14", "Reserved"),
        ("2026-12-14", "Cancelled"),
    ]
    assert mine[0] == {
        "pmsReservationId": rid,
        "confirmationNumber": made["confirmationNumber"],
        "roomNumber": "203",
        "guestName": "Edsger Dijkstra",
        "guestEmail": "edsger@example.org",
        "arrival": "2026-12-10",
        "departure": "2026-12-12",
        "reservationStatus": "Reserved",
    }


def test_a_business_event_delivered_twice_changes_nothing_the_second_time(opera, sync, stores):
    sync.poll_once()
    control(opera, "PUT", "faults", json={"duplicateEvents": True})
    control(
        opera,
        "POST",
        "reservations",
        json={
            "roomId": "205",
            "givenName": "Barbara",
            "surname": "Liskov",
            "arrivalDate": "2026-12-20",
            "departureDate": "2026-12-21",
        },
    )
    before = len(outbox_events(stores, events.RESERVATION_IMPORTED))
    sync.poll_once()
    sync.poll_once()
    imported = outbox_events(stores, events.RESERVATION_IMPORTED)
    assert len(imported) == before + 1
    redelivered = [c for c in calls(opera, "GET", "/businessEvents") if c["status"] == 200]
    assert len(redelivered) >= 2


def test_a_pms_users_room_change_is_published_and_our_own_echo_is_dropped(
    opera, deliver, sync, stores
):
    deliver("rooms.room.status_changed.v1", room_event("107", "Dirty", 2))
    sync.send_due()
    sync.poll_once()  # the PMS's event for our own change comes back
    assert outbox_events(stores, events.ROOM_STATUS_CHANGED) == []
    control(opera, "PUT", "rooms/107", json={"housekeepingRoomStatus": "Clean"})
    sync.poll_once()
    [published] = outbox_events(stores, events.ROOM_STATUS_CHANGED)
    assert published["data"]["roomNumber"] == "107"
    assert published["data"]["housekeepingStatus"] == "Clean"
    assert published["data"]["cause"] == "pms_user"
    assert published["data"]["changes"] == [
        {"field": "housekeepingStatus", "oldValue": "Dirty", "newValue": "Clean"}
    ]


def test_the_sync_loop_records_its_health(opera, sync, stores):
    import threading

    stop = threading.Event()
    runner = threading.Thread(target=sync.run, args=(stop,))
    runner.start()
    try:
        for _ in range(100):
            if stores.health().get("lastPollAt") and stores.health().get("reachable"):
                break
            time.sleep(0.05)
    finally:
        stop.set()
        runner.join(5)
    health = stores.health()
    assert health["breaker"] == "closed"
    assert health["reachable"] is True


def test_an_expired_token_is_renewed_once_and_the_call_goes_through(opera, deliver, sync):
    deliver("rooms.room.status_changed.v1", room_event("103", "Dirty", 2))
    sync.client.housekeeping_overview(limit=1)  # a token is held
    control(opera, "POST", "tokens/expire")
    assert sync.send_due() == 1
    assert opera.state.rooms["103"]["housekeepingRoomStatus"] == "Dirty"
    statuses = [c["status"] for c in calls(opera, "PUT", "/rooms/status")]
    assert statuses == [401, 200]
    assert sync.client.breaker.failures == 0


def test_wrong_credentials_keep_the_work_and_say_why(opera, deliver, stores, config):
    import dataclasses

    from pms_adapter.breaker import CircuitBreaker
    from pms_adapter.opera_client import OperaClient
    from pms_adapter.sync import PmsSync

    bad = OperaClient(dataclasses.replace(config.pms, client_secret="wrong"), CircuitBreaker())
    sync = PmsSync(stores, bad, "2000", config.timing)
    deliver("rooms.room.status_changed.v1", room_event("104", "Dirty", 2))
    sync.send_due()
    entry = stores.find_outbox("room:104")
    assert (entry["state"], entry["attempts"]) == ("pending", 1)
    assert "token refused: HTTP 401" in entry["lastError"]
    assert opera.state.rooms["104"]["housekeepingRoomStatus"] == "Inspected"


def stay_event(booking_id: str, room: str) -> dict:
    return {
        "customerId": f"cust-{booking_id}",
        "roomNumber": room,
        "name": "Ada Lovelace",
        "bookingId": booking_id,
        "status": "checked in",
    }


def test_our_check_in_and_out_of_a_pms_guest_reach_opera_once(opera, deliver, sync, stores):
    sync.poll_once()  # imports Ada Lovelace's reservation (room 104, arriving tomorrow)
    ada = next(r for r in opera.state.reservations.values() if r["surname"] == "Lovelace")
    booking = {
        "bookingId": "b-ada",
        "roomNumber": "104",
        "customerName": "Ada Lovelace",
        "pmsReservationId": ada["reservationId"],
    }
    deliver("rooms.booking.created.v1", booking)
    deliver("rooms.customer.checked_in.v1", stay_event("b-ada", "104"))
    deliver("rooms.customer.checked_in.v1", stay_event("b-ada", "104"))  # republished
    drain_outbox(sync)
    assert opera.state.reservations[ada["reservationId"]]["reservationStatus"] == "InHouse"
    assert len(calls(opera, "POST", "/checkIns")) == 1
    deliver("rooms.customer.checked_out.v1", stay_event("b-ada", "104"))
    drain_outbox(sync)
    assert opera.state.reservations[ada["reservationId"]]["reservationStatus"] == "CheckedOut"
    assert opera.state.rooms["104"]["housekeepingRoomStatus"] == "Dirty"
    [checkout] = calls(opera, "POST", "/checkOuts")
    assert checkout["body"]["reservation"]["reservationIdList"] == [
        {"id": ada["reservationId"], "type": "Reservation"}
    ]


def test_a_guest_already_in_house_in_opera_is_not_checked_in_twice(opera, deliver, sync):
    grace = next(r for r in opera.state.reservations.values() if r["surname"] == "Hopper")
    deliver(
        "rooms.booking.created.v1",
        {"bookingId": "b-grace", "roomNumber": "106", "pmsReservationId": grace["reservationId"]},
    )
    deliver("rooms.customer.checked_in.v1", stay_event("b-grace", "106"))
    drain_outbox(sync)
    assert calls(opera, "POST", "/checkIns") == []
    assert (
        sync.stores.find_outbox(f"stay:{grace['reservationId']}:checkIn")["result"]["alreadyDone"]
        is True
    )


def test_a_walk_in_never_known_to_opera_is_not_sent(deliver, stores):
    deliver("rooms.customer.checked_in.v1", stay_event("b-walk-in", "105"))
    assert stores.count_work("pending") == 0
