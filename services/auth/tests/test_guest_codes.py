"""H1: auth keeps only the hash of a guest's special id, and the audit keeps no credential."""

from __future__ import annotations

import json

from auth.events import CHECKED_IN, CHECKED_OUT
from auth.rules.guests import special_id_hash
from hotel_shared.timeutil import utc_now

CODE = "Kq9-ZpX2-77ab"


def _stay_event(make_envelope, event_type, **data):
    body = {"customerId": "c-77", "roomNumber": "412", "name": "Lin", "bookingId": "b-77", **data}
    return make_envelope(event_type, body, subject="customer/c-77")


def _guest_login(client, code=CODE, room="412"):
    return client.post("/api/auth/guest-login", json={"roomNumber": room, "specialId": code})


def test_the_hash_is_the_lowercase_hex_sha256_of_the_utf8_code():
    assert special_id_hash("abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_a_check_in_with_the_hash_lets_the_code_sign_in_and_stores_no_code(
    client, handle, make_envelope, stores
):
    handle(_stay_event(make_envelope, CHECKED_IN, specialIdHash=special_id_hash(CODE).upper()))
    stored = stores.get_stay("c-77")
    assert stored["specialIdHash"] == special_id_hash(CODE)
    assert CODE not in json.dumps(stored, default=str)
    assert _guest_login(client).status_code == 200
    assert _guest_login(client, code=CODE.lower()).status_code == 401
    # Presenting the hash itself is no way in either.
    assert _guest_login(client, code=special_id_hash(CODE)[:64]).status_code == 401


def test_a_producer_still_sending_the_raw_code_has_it_hashed_before_storing(
    client, handle, make_envelope, stores
):
    handle(_stay_event(make_envelope, CHECKED_IN, specialId=CODE))
    assert "specialId" not in stores.get_stay("c-77")
    assert _guest_login(client).status_code == 200


def test_a_stay_stored_with_the_raw_code_is_hashed_on_read_and_migrated_at_start(client, stores):
    stores.db["guest_access"].insert_one(
        {
            "_id": "c-old",
            "roomNumber": "412",
            "specialId": CODE,
            "status": "checked in",
            "eventTime": utc_now(),
        }
    )
    assert _guest_login(client).status_code == 200  # hashed on read
    stores.ensure_indexes()
    migrated = stores.get_stay("c-old")
    assert "specialId" not in migrated
    assert migrated["specialIdHash"] == special_id_hash(CODE)
    assert _guest_login(client).status_code == 200


def test_the_audit_log_keeps_no_credential_at_any_depth(
    client, handle, make_envelope, signing_keys
):
    secret = {
        "specialId": CODE,
        "specialIdHash": special_id_hash(CODE),
        "password": "hunter2-hunter2",
        "passwordHash": "$argon2id$x",
        "refreshToken": "r-token",
        "accessToken": "a-token",
    }
    data = {
        "customerId": "c-77",
        "roomNumber": "412",
        **secret,
        "booking": {"guest": {"specialId": CODE, "name": "Lin"}},
        "items": [{"refreshToken": "r-token", "n": 1}],
        "changes": [
            {"field": "specialId", "oldValue": CODE, "newValue": "NEW-CODE"},
            {"field": "name", "oldValue": "L", "newValue": "Lin"},
        ],
    }
    handle(make_envelope(CHECKED_OUT, data, subject="customer/c-77"))
    logs = client.get("/api/activity-logs", headers=signing_keys.headers("supervisor")).json
    [entry] = logs["items"]
    text = json.dumps(entry)
    for value in (CODE, "NEW-CODE", special_id_hash(CODE), "hunter2", "$argon2id", "-token"):
        assert value not in text
    for key in secret:
        assert key not in entry["details"]
    assert entry["details"]["booking"] == {"guest": {"name": "Lin"}}
    assert entry["details"]["items"] == [{"n": 1}]
    assert entry["change"] == {"field": "specialId", "oldValue": None, "newValue": None}
    assert entry["changes"][1] == {"field": "name", "oldValue": "L", "newValue": "Lin"}
