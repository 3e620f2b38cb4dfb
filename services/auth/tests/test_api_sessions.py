"""Sign-in, throttling, token rotation, logout, /me and JWKS through the Flask test client."""

from __future__ import annotations

import json
from dataclasses import replace

import jwt
import pytest

from auth.app import create_app
from auth.events import CHECKED_IN, CHECKED_OUT
from hotel_shared.auth import TokenVerifier


def test_login_returns_a_token_pair_and_the_user(login, make_user):
    user = make_user(
        "staff", username="housekeeper", department="housekeeping", employeeCode="HK-1"
    )
    response = login("housekeeper")
    assert response.status_code == 200
    body = response.json
    assert body["tokenType"] == "Bearer"
    assert body["expiresIn"] == 900
    assert body["refreshToken"]
    assert body["user"] == {
        "id": str(user["_id"]),
        "username": "housekeeper",
        "role": "staff",
        "department": "housekeeping",
        "employeeCode": "HK-1",
    }
    assert "passwordHash" not in json.dumps(body)


def test_login_is_case_insensitive_on_the_username(login, make_user):
    make_user("frontOffice", username="FrontDesk")
    assert login("FRONTDESK").status_code == 200


def test_access_token_verifies_with_a_verifier_built_only_from_jwks(client, login, make_user):
    user = make_user("supervisor")
    token = login(user["username"]).json["accessToken"]
    jwks = client.get("/api/auth/jwks").json
    keys = [jwt.algorithms.OKPAlgorithm.from_jwk(json.dumps(jwk)) for jwk in jwks["keys"]]
    assert jwks["keys"][0]["kid"] == jwt.get_unverified_header(token)["kid"]
    principal = TokenVerifier(issuer="hotel-auth", audience="hotel", public_keys=keys).verify(token)
    assert principal.user_id == str(user["_id"])
    assert principal.role == "supervisor"
    assert principal.department == "housekeeping"


def test_access_token_is_eddsa_and_lives_fifteen_minutes(login, make_user):
    user = make_user("frontOffice")
    token = login(user["username"]).json["accessToken"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert jwt.get_unverified_header(token)["alg"] == "EdDSA"
    assert claims["exp"] - claims["iat"] == 900
    assert claims["typ"] == "access"


@pytest.mark.parametrize(
    ("username", "attempt"), [("ghost", "correct-horse-battery"), ("real", "wrong-pass-123")]
)
def test_unknown_user_and_wrong_password_get_the_same_401(login, make_user, username, attempt):
    make_user("staff", username="real")
    response = login(username, attempt)
    assert response.status_code == 401
    assert response.json["code"] == "invalid_credentials"
    assert response.json["detail"] == "the username or password is wrong"
    assert response.mimetype == "application/problem+json"


def test_inactive_user_cannot_log_in(login, make_user):
    make_user("staff", username="gone", active=False)
    response = login("gone")
    assert response.status_code == 401
    assert response.json["code"] == "invalid_credentials"


def test_repeated_failures_for_a_username_are_throttled(login, make_user, password):
    make_user("staff", username="target")
    for _ in range(5):
        assert login("target", "wrong-password", ip="10.1.1.1").status_code == 401
    # Even the right password, from another address, waits: the username is under attack.
    response = login("target", password, ip="10.2.2.2")
    assert response.status_code == 429
    assert response.json["code"] == "login_throttled"
    assert 0 < int(response.headers["Retry-After"]) <= 900


def test_a_successful_login_clears_the_username_counter(login, make_user):
    make_user("staff", username="forgetful")
    for _ in range(4):
        login("forgetful", "wrong-password")
    assert login("forgetful").status_code == 200
    for _ in range(4):
        assert login("forgetful", "wrong-password").status_code == 401
    assert login("forgetful").status_code == 200


def test_repeated_failures_from_one_address_are_throttled(config, stores, login):
    client = create_app(replace(config, login_max_failures_per_ip=3)).test_client()

    def attempt(username, ip):
        return client.post(
            "/api/auth/login",
            json={"username": username, "password": "wrong-password"},
            environ_base={"REMOTE_ADDR": ip},
        )

    for number in range(3):
        assert attempt(f"user{number}", "10.9.9.9").status_code == 401
    assert attempt("someone-else", "10.9.9.9").status_code == 429
    assert attempt("someone-else", "10.9.9.10").status_code == 401


def test_the_throttle_is_shared_through_mongo_by_every_app_instance(
    config, stores, make_user, password
):
    make_user("staff", username="shared")
    workers = [create_app(config).test_client() for _ in range(2)]
    for number in range(5):
        workers[number % 2].post(
            "/api/auth/login", json={"username": "shared", "password": "wrong-password"}
        )
    response = workers[1].post("/api/auth/login", json={"username": "shared", "password": password})
    assert response.status_code == 429


def test_login_names_missing_fields(client):
    response = client.post("/api/auth/login", json={"username": "x"})
    assert response.status_code == 422
    assert response.json["code"] == "validation_failed"
    assert "password" in response.json["errors"]


def test_login_rejects_unknown_fields(client):
    response = client.post(
        "/api/auth/login", json={"username": "x", "password": "y", "$where": "1"}
    )
    assert response.status_code == 422
    assert "$where" in response.json["errors"]


def test_login_with_malformed_json_is_400(client):
    response = client.post(
        "/api/auth/login", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json["code"] == "malformed_json"


def test_refresh_rotates_the_pair(client, login, make_user):
    user = make_user("staff")
    first = login(user["username"]).json
    response = client.post("/api/auth/refresh", json={"refreshToken": first["refreshToken"]})
    assert response.status_code == 200
    second = response.json
    assert second["refreshToken"] != first["refreshToken"]
    assert second["user"]["id"] == str(user["_id"])
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {second['accessToken']}"})
    assert me.status_code == 200


def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(client, login, make_user):
    user = make_user("staff")
    first = login(user["username"]).json
    second = client.post("/api/auth/refresh", json={"refreshToken": first["refreshToken"]}).json

    replay = client.post("/api/auth/refresh", json={"refreshToken": first["refreshToken"]})
    assert replay.status_code == 401
    assert replay.json["code"] == "refresh_token_reused"

    # The legitimate holder's newer token died with the family.
    after = client.post("/api/auth/refresh", json={"refreshToken": second["refreshToken"]})
    assert after.status_code == 401
    assert after.json["code"] == "invalid_refresh_token"


def test_other_sessions_of_the_user_survive_a_replay(client, login, make_user):
    user = make_user("staff")
    phone = login(user["username"]).json
    tablet = login(user["username"]).json
    client.post("/api/auth/refresh", json={"refreshToken": phone["refreshToken"]})
    client.post("/api/auth/refresh", json={"refreshToken": phone["refreshToken"]})
    response = client.post("/api/auth/refresh", json={"refreshToken": tablet["refreshToken"]})
    assert response.status_code == 200


def test_refresh_tokens_are_stored_only_as_hashes(stores, login, make_user):
    user = make_user("staff")
    token = login(user["username"]).json["refreshToken"]
    stored = stores.db["refresh_tokens"].find_one({"userId": str(user["_id"])})
    assert token not in json.dumps(stored, default=str)


def test_unknown_refresh_token_is_401(client):
    response = client.post("/api/auth/refresh", json={"refreshToken": "nonsense"})
    assert response.status_code == 401
    assert response.json["code"] == "invalid_refresh_token"


def test_refresh_is_refused_once_the_user_is_deactivated(client, login, make_user, stores):
    user = make_user("staff")
    tokens = login(user["username"]).json
    stores.db["users"].update_one({"_id": user["_id"]}, {"$set": {"active": False}})
    response = client.post("/api/auth/refresh", json={"refreshToken": tokens["refreshToken"]})
    assert response.status_code == 401


def test_logout_revokes_the_family_and_is_idempotent(client, login, make_user):
    user = make_user("staff")
    tokens = login(user["username"]).json
    body = {"refreshToken": tokens["refreshToken"]}
    assert client.post("/api/auth/logout", json=body).status_code == 204
    assert client.post("/api/auth/logout", json=body).status_code == 204
    assert client.post("/api/auth/logout", json={"refreshToken": "never-issued"}).status_code == 204
    assert client.post("/api/auth/refresh", json=body).status_code == 401


def test_me_returns_the_callers_profile(client, bearer, make_user):
    user = make_user("restaurantAdmin", name="Chef Ana", employeeCode="FB-9")
    response = client.get("/api/auth/me", headers=bearer(user))
    assert response.status_code == 200
    assert response.json["id"] == str(user["_id"])
    assert response.json["name"] == "Chef Ana"
    assert response.json["employeeCode"] == "FB-9"
    assert "passwordHash" not in response.json


def test_me_without_a_token_is_401(client):
    response = client.get("/api/auth/me")
    assert response.status_code == 401
    assert response.json["code"] == "missing_token"


def test_me_with_a_forged_token_is_401(client):
    response = client.get("/api/auth/me", headers={"Authorization": "Bearer abc.def.ghi"})
    assert response.status_code == 401


# --- guests ------------------------------------------------------------------------------------


def _stay_event(make_envelope, event_type, customer_id="c-1", room="204", special_id="SP-123"):
    data = {
        "customerId": customer_id,
        "roomNumber": room,
        "name": "Ada Guest",
        "bookingId": "b-1",
        "specialId": special_id,
    }
    return make_envelope(event_type, data, subject=f"customer/{customer_id}")


def _guest_login(client, room="204", special_id="SP-123", ip="10.5.5.5"):
    return client.post(
        "/api/auth/guest-login",
        json={"roomNumber": room, "specialId": special_id},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_guest_can_log_in_only_while_checked_in(client, handle, make_envelope):
    assert _guest_login(client).status_code == 401

    handle(_stay_event(make_envelope, CHECKED_IN))
    response = _guest_login(client)
    assert response.status_code == 200
    assert response.json["user"] == {
        "id": "guest:c-1",
        "username": "Ada Guest",
        "role": "guest",
        "department": None,
        "employeeCode": None,
        "roomNumber": "204",
    }
    claims = jwt.decode(response.json["accessToken"], options={"verify_signature": False})
    assert (claims["sub"], claims["role"], claims["roomNumber"]) == ("guest:c-1", "guest", "204")

    handle(_stay_event(make_envelope, CHECKED_OUT))
    checked_out = _guest_login(client)
    assert checked_out.status_code == 401
    assert checked_out.json["code"] == "invalid_credentials"


def test_guest_login_needs_the_matching_special_id(client, handle, make_envelope):
    handle(_stay_event(make_envelope, CHECKED_IN))
    assert _guest_login(client, special_id="SP-999").status_code == 401
    assert _guest_login(client, room="205").status_code == 401


def test_guest_login_accepts_a_numeric_room_number(client, handle, make_envelope):
    handle(_stay_event(make_envelope, CHECKED_IN))
    response = client.post("/api/auth/guest-login", json={"roomNumber": 204, "specialId": "SP-123"})
    assert response.status_code == 200


def test_guest_sees_their_stay_at_me(client, handle, make_envelope):
    handle(_stay_event(make_envelope, CHECKED_IN))
    token = _guest_login(client).json["accessToken"]
    response = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json["roomNumber"] == "204"
    assert response.json["role"] == "guest"
    assert "specialId" not in response.json


def test_checkout_ends_the_guests_refresh_tokens(client, handle, make_envelope, stores):
    handle(_stay_event(make_envelope, CHECKED_IN))
    refresh_token = _guest_login(client).json["refreshToken"]
    assert client.post("/api/auth/refresh", json={"refreshToken": refresh_token}).status_code == 200
    handle(_stay_event(make_envelope, CHECKED_OUT))
    # The rotated token (not the one above) is what the guest holds now; every one is dead.
    stored = stores.db["refresh_tokens"]
    assert stored.count_documents({"customerId": "c-1", "revokedAt": None}) == 0


def test_guessing_special_ids_for_a_room_is_throttled(client, handle, make_envelope):
    handle(_stay_event(make_envelope, CHECKED_IN))
    for number in range(5):
        assert _guest_login(client, special_id=f"guess-{number}").status_code == 401
    response = _guest_login(client, ip="10.6.6.6")
    assert response.status_code == 429
    assert "Retry-After" in response.headers
