"""M3: a deactivated user's, a changed user's and a checked-out guest's access ends at once."""

from __future__ import annotations

import time

import jwt
import pytest

from auth.events import ACCESS_REVOKED, CHECKED_IN, CHECKED_OUT
from auth.rules.guests import special_id_hash
from hotel_shared.errors import Unauthorized
from hotel_shared.testing import assert_matches_contract, assert_problem
from hotel_shared.timeutil import parse_iso


def _revocations(stores, subject_id):
    return [
        entry["envelope"]
        for entry in stores.db["outbox"].find({"type": ACCESS_REVOKED}).sort("createdAt", 1)
        if entry["envelope"]["data"]["subjectId"] == subject_id
    ]


def _refused(client, path, headers, seconds=5.0):
    """Poll until 401 (the positive barrier). How fast is `make bench`'s concern (R1)."""
    deadline = time.monotonic() + seconds
    while True:
        response = client.get(path, headers=headers)
        if response.status_code == 401 or time.monotonic() > deadline:
            return response
        time.sleep(0.05)


def test_a_deactivated_users_token_is_refused_by_auth(client, admin_headers, make_user, bearer):
    user = make_user("supervisor")
    headers = bearer(user)
    assert client.get("/api/auth/me", headers=headers).status_code == 200
    assert client.delete(f"/api/users/{user['_id']}", headers=admin_headers).status_code == 204
    response = _refused(client, "/api/activity-logs", headers)
    assert_problem(response, 401, "token_revoked")


def test_the_published_revocation_handled_by_the_consumer_refuses_the_token(
    client, admin_headers, make_user, bearer, stores, handle
):
    user = make_user("frontOffice")
    headers = bearer(user)
    client.delete(f"/api/users/{user['_id']}", headers=admin_headers)
    # As if only the consumer had seen it: forget the entry written with the change...
    stores.db["revoked_access"].delete_many({})
    [envelope] = _revocations(stores, str(user["_id"]))
    handle(envelope)  # ...and deliver the outbox's event through bind_handlers.
    assert stores.db["revoked_access"].count_documents({"_id": str(user["_id"])}) == 1
    response = _refused(client, "/api/activity-logs", headers)
    assert_problem(response, 401, "token_revoked")


def test_the_revocation_carries_the_contracts_fields_and_outlives_every_earlier_token(
    client, admin_headers, make_user, stores
):
    user = make_user("staff", username="leaver")
    client.delete(f"/api/users/{user['_id']}", headers=admin_headers)
    [envelope] = _revocations(stores, str(user["_id"]))
    assert_matches_contract(ACCESS_REVOKED, envelope["data"])
    data = envelope["data"]
    assert envelope["subject"] == f"user/{user['_id']}"
    assert (data["reason"], data["username"], data["role"]) == (
        "user_deactivated",
        "leaver",
        "staff",
    )
    lifetime = parse_iso(data["expiresAt"]) - parse_iso(data["revokedAt"])
    assert lifetime.total_seconds() == 900  # the longest an access token issued before lives
    assert envelope["actor"]["username"] == "boss"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"role": "supervisor"}, "claims_changed"),
        ({"department": "maintenance"}, "claims_changed"),
        ({"employeeCode": "HK-77"}, "claims_changed"),
        ({"password": "a-brand-new-password"}, "password_reset"),
        ({"active": False}, "user_deactivated"),
    ],
)
def test_changes_that_make_tokens_wrong_revoke_them(
    client, admin_headers, make_user, stores, change, reason
):
    user = make_user("staff")
    response = client.patch(f"/api/users/{user['_id']}", json=change, headers=admin_headers)
    assert response.status_code == 200
    [envelope] = _revocations(stores, str(user["_id"]))
    assert envelope["data"]["reason"] == reason


def test_a_new_name_or_email_revokes_nothing(client, admin_headers, make_user, bearer, stores):
    user = make_user("staff")
    headers = bearer(user)
    change = {"name": "New Name", "email": "new@hotel.example"}
    response = client.patch(f"/api/users/{user['_id']}", json=change, headers=admin_headers)
    assert response.status_code == 200
    assert _revocations(stores, str(user["_id"])) == []
    assert client.get("/api/auth/me", headers=headers).status_code == 200


# --- guests ------------------------------------------------------------------------------------

SPECIAL_ID = "2ViV5LHwW72klIee"


def _stay(make_envelope, event_type, customer_id="c-31", room="301"):
    data = {
        "customerId": customer_id,
        "roomNumber": room,
        "name": "Ada Guest",
        "bookingId": "b-31",
        "specialIdHash": special_id_hash(SPECIAL_ID),
    }
    return make_envelope(event_type, data, subject=f"customer/{customer_id}")


def _guest_login(client):
    return client.post("/api/auth/guest-login", json={"roomNumber": "301", "specialId": SPECIAL_ID})


def test_guest_tokens_live_five_minutes(client, handle, make_envelope):
    handle(_stay(make_envelope, CHECKED_IN))
    grant = _guest_login(client).json
    claims = jwt.decode(grant["accessToken"], options={"verify_signature": False})
    assert grant["expiresIn"] == claims["exp"] - claims["iat"] == 300


def test_a_checked_out_guests_token_and_refresh_token_are_refused(
    app, client, handle, make_envelope, stores
):
    handle(_stay(make_envelope, CHECKED_IN))
    grant = _guest_login(client).json
    headers = {"Authorization": f"Bearer {grant['accessToken']}"}
    assert client.get("/api/auth/me", headers=headers).status_code == 200

    handle(_stay(make_envelope, CHECKED_OUT))
    [envelope] = _revocations(stores, "guest:c-31")
    assert envelope["subject"] == "customer/c-31"
    assert (envelope["data"]["reason"], envelope["data"]["role"]) == ("guest_checked_out", "guest")
    assert_matches_contract(ACCESS_REVOKED, envelope["data"])
    # /me also looks at the stay; the verifier alone must refuse the token (as on every service).
    verifier = app.extensions["hotel_token_verifier"]
    started, code = time.monotonic(), None
    while code is None and time.monotonic() - started < 5:  # until refused: the barrier
        try:
            verifier.verify(grant["accessToken"])
        except Unauthorized as refused:
            code = refused.code
        time.sleep(0.05)
    assert code == "token_revoked"
    refreshed = client.post("/api/auth/refresh", json={"refreshToken": grant["refreshToken"]})
    assert_problem(refreshed, 401, "invalid_refresh_token")


def test_a_deactivated_users_refresh_token_is_refused(client, admin_headers, make_user, login):
    user = make_user("staff")
    session = login(user["username"]).json
    client.delete(f"/api/users/{user['_id']}", headers=admin_headers)
    refreshed = client.post("/api/auth/refresh", json={"refreshToken": session["refreshToken"]})
    assert_problem(refreshed, 401, "invalid_refresh_token")
