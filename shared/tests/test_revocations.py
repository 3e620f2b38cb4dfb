"""A revoked subject's tokens are refused by every verifier that has read the revocation."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from flask import Flask

from hotel_shared.auth import TokenVerifier, init_auth, require
from hotel_shared.events import new_event
from hotel_shared.inbox import bind_handlers
from hotel_shared.revocations import ACCESS_REVOKED, REVOCATION_HANDLERS, revocation_data
from hotel_shared.store import MongoStores
from hotel_shared.testing import assert_problem
from hotel_shared.timeutil import utc_now
from hotel_shared.web import init_service


@pytest.fixture
def settings(service_settings):
    return service_settings("probe")


@pytest.fixture
def stores(settings, make_stores):
    return make_stores(MongoStores, settings)


@pytest.fixture
def client(settings, stores):
    app = Flask("probe")
    init_service(app, settings, readiness_checks={})
    init_auth(app, TokenVerifier.from_settings(settings))

    @app.get("/me")
    @require()
    def me():
        return {"ok": True}

    return app.test_client()


def revoke(stores, subject_id, *, revoked_at=None, ttl=timedelta(minutes=15)):
    revoked_at = revoked_at or utc_now()
    data = revocation_data(
        subject_id, reason="user_deactivated", revoked_at=revoked_at, expires_at=revoked_at + ttl
    )
    envelope = new_event(ACCESS_REVOKED, source="auth", subject=f"user/{subject_id}", data=data)
    bind_handlers(stores, REVOCATION_HANDLERS).handle(envelope)


def wait_until_refused(client, headers, timeout=2.0):
    deadline = time.monotonic() + timeout
    while True:
        response = client.get("/me", headers=headers)
        if response.status_code == 401 or time.monotonic() > deadline:
            return response
        time.sleep(0.05)


def test_a_revoked_subjects_token_is_refused(client, stores, signing_keys):
    headers = signing_keys.headers("staff", user_id="u-gone")
    assert client.get("/me", headers=headers).status_code == 200
    revoke(stores, "u-gone")
    assert_problem(wait_until_refused(client, headers), 401, "token_revoked")


def test_other_subjects_and_tokens_issued_after_the_revocation_still_work(
    client, stores, signing_keys
):
    revoke(stores, "u-moved", revoked_at=utc_now() - timedelta(seconds=5))
    stale = signing_keys.token("staff", user_id="u-moved", iat=int(time.time()) - 60)
    refused = wait_until_refused(client, {"Authorization": f"Bearer {stale}"})
    assert_problem(refused, 401, "token_revoked")  # the revocation has been read: now the others
    fresh = signing_keys.headers("staff", user_id="u-moved")
    assert client.get("/me", headers=fresh).status_code == 200
    assert (
        client.get("/me", headers=signing_keys.headers("staff", user_id="u-other")).status_code
        == 200
    )


def test_a_later_revocation_wins_and_a_redelivery_changes_nothing(stores):
    first = utc_now() - timedelta(minutes=1)
    revoke(stores, "u-x", revoked_at=first)
    revoke(stores, "u-x", revoked_at=first - timedelta(minutes=5))
    [entry] = list(stores.db.revoked_access.find({"_id": "u-x"}))
    assert abs((entry["revokedAt"] - first).total_seconds()) < 0.01
