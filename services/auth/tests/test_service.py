"""The use cases against the real Mongo-wire server: what commits, what survives an error."""

from __future__ import annotations

import pytest

from auth.rules.sign_in import InvalidCredentials, RefreshTokenReused
from auth.rules.users import UsernameTaken, principal_for_user
from auth.service import sessions, users
from auth.store import AuthStores
from hotel_shared.principal import Context

SYSTEM = Context()


def test_a_failed_sign_in_is_counted_although_the_use_case_raises(stores, sign_in, make_user):
    make_user("staff", username="someone")
    with pytest.raises(InvalidCredentials):
        sessions.login(stores, SYSTEM, sign_in, "someone", "wrong-password", "10.0.0.7")
    keys = sorted(doc["key"] for doc in stores.db["login_attempts"].find())
    assert keys == ["ip:10.0.0.7", "user:someone", "user:someone|ip:10.0.0.7"]


def test_a_sign_in_issues_a_refresh_token_of_a_new_family(stores, sign_in, make_user, password):
    user = make_user("staff")
    first = sessions.login(stores, SYSTEM, sign_in, user["username"], password, None)
    second = sessions.login(stores, SYSTEM, sign_in, user["username"], password, None)
    families = stores.db["refresh_tokens"].distinct("familyId", {"userId": str(user["_id"])})
    assert len(families) == 2
    assert first.principal.user_id == second.principal.user_id == str(user["_id"])


def test_a_refresh_that_loses_the_race_counts_as_reuse(
    config, stores, sign_in, make_user, password
):
    user = make_user("staff")
    grant = sessions.login(stores, SYSTEM, sign_in, user["username"], password, None)
    winner = []

    class RacingStores(AuthStores):
        def mark_refresh_token_used(self, token_hash, now):
            if not winner:
                # Another device refreshes the same token between this read and this write.
                winner.append(sessions.refresh(stores, SYSTEM, sign_in, grant.refresh_token))
            super().mark_refresh_token_used(token_hash, now)

    racing = RacingStores.from_settings(config.service)
    with pytest.raises(RefreshTokenReused):
        sessions.refresh(racing, SYSTEM, sign_in, grant.refresh_token)
    # The rerun saw the token used and ended the family, the winner's new token with it.
    live = stores.db["refresh_tokens"].count_documents(
        {"userId": str(user["_id"]), "revokedAt": None}
    )
    assert (len(winner), live) == (1, 0)


def test_a_taken_username_leaves_neither_user_nor_event(stores, sign_in, make_user):
    make_user("frontOffice", username="taken")
    fields = {"username": "TAKEN", "password": "long-enough-pw", "role": "frontOffice"}
    with pytest.raises(UsernameTaken):
        users.create_user(stores, SYSTEM, sign_in.passwords, fields)
    assert stores.db["users"].count_documents({}) == 1
    assert stores.db["outbox"].count_documents({}) == 1


def test_an_update_announces_only_what_moved(stores, sign_in, make_user):
    user = make_user("staff", name="Ann")
    changes = {"name": "Ann", "role": "supervisor"}
    users.update_user(
        stores, SYSTEM, sign_in.passwords, sign_in.lifetimes, str(user["_id"]), changes
    )
    [event] = [
        entry["envelope"] for entry in stores.db["outbox"].find({"type": "auth.user.updated.v1"})
    ]
    assert event["data"]["changes"] == [
        {"field": "role", "oldValue": "staff", "newValue": "supervisor"}
    ]
    assert event["actor"] is None


def test_a_user_event_names_the_admin_and_the_request(stores, sign_in, make_user, admin):
    ctx = Context(principal=principal_for_user(admin), correlation_id="req-9")
    user = make_user("staff")
    users.deactivate_user(stores, ctx, sign_in.lifetimes, str(user["_id"]))
    event = stores.db["outbox"].find_one({"type": "auth.user.deactivated.v1"})["envelope"]
    assert (event["actor"]["username"], event["correlationId"]) == ("boss", "req-9")
