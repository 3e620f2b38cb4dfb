"""The browser's refresh token: an HttpOnly, SameSite=Strict cookie scoped to /api/auth/."""

from __future__ import annotations

from auth.api import REFRESH_COOKIE


def refresh_cookie(response) -> str:
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(REFRESH_COOKIE)]
    assert len(headers) == 1, response.headers
    return headers[0]


def test_login_sets_the_refresh_cookie_httponly_strict_and_scoped_to_auth(login, make_user):
    user = make_user("frontOffice")
    response = login(user["username"])
    cookie = refresh_cookie(response)
    assert f"{REFRESH_COOKIE}={response.json['refreshToken']}" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert "Path=/api/auth/" in cookie
    assert "Max-Age=604800" in cookie


def test_the_cookie_is_secure_when_served_over_https(client, make_user):
    user = make_user("frontOffice")
    response = client.post(
        "/api/auth/login",
        json={"username": user["username"], "password": "correct-horse-battery"},
        base_url="https://localhost",
    )
    assert response.status_code == 200, response.json
    assert "Secure" in refresh_cookie(response)


def test_refresh_with_only_the_cookie_rotates_it(client, login, make_user):
    user = make_user("frontOffice")
    first = login(user["username"]).json["refreshToken"]
    response = client.post("/api/auth/refresh", json={})
    assert response.status_code == 200, response.json
    rotated = response.json["refreshToken"]
    assert rotated != first
    assert f"{REFRESH_COOKIE}={rotated}" in refresh_cookie(response)
    # The old token was rotated away: presenting it again revokes the family.
    replay = client.post("/api/auth/refresh", json={"refreshToken": first})
    assert replay.json["code"] == "refresh_token_reused"


def test_refresh_with_neither_body_nor_cookie_is_401(client):
    response = client.post("/api/auth/refresh", json={})
    assert response.status_code == 401
    assert response.json["code"] == "invalid_refresh_token"


def test_body_tokens_still_work_for_api_clients_without_cookies(client, login, make_user):
    user = make_user("frontOffice")
    token = login(user["username"]).json["refreshToken"]
    client.delete_cookie(REFRESH_COOKIE, path="/api/auth/")
    response = client.post("/api/auth/refresh", json={"refreshToken": token})
    assert response.status_code == 200


def test_logout_with_the_cookie_revokes_it_and_clears_it(client, login, make_user):
    user = make_user("frontOffice")
    token = login(user["username"]).json["refreshToken"]
    response = client.post("/api/auth/logout", json={})
    assert response.status_code == 204
    cleared = refresh_cookie(response)
    assert cleared.startswith(f"{REFRESH_COOKIE}=;")
    assert "Path=/api/auth/" in cleared
    assert "Max-Age=0" in cleared or "Expires=Thu, 01 Jan 1970" in cleared
    # The family is revoked: neither the cookie (now gone) nor the token itself refreshes.
    assert client.post("/api/auth/refresh", json={}).status_code == 401
    assert client.post("/api/auth/refresh", json={"refreshToken": token}).status_code == 401


def test_logout_without_any_token_is_still_204(client):
    assert client.post("/api/auth/logout", json={}).status_code == 204
