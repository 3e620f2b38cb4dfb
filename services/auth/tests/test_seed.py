"""The seed: demo users idempotently, and the production bootstrap of the first admin."""

from __future__ import annotations

import pytest

from auth.seed import DEMO_USERS, bootstrap_admin, seed_demo_users


def test_demo_users_are_created_once(service, stores, login):
    created = seed_demo_users(service)
    assert created == [user["username"] for user in DEMO_USERS]
    assert seed_demo_users(service) == []
    assert stores.users.collection.count_documents({}) == len(DEMO_USERS)
    supervisor = stores.users.find_by_username("supervisor")
    assert (supervisor["department"], supervisor["employeeCode"]) == ("housekeeping", "HK-SUP-01")
    assert login("technician", "technician-demo-pass").status_code == 200


def test_reseeding_keeps_a_changed_password(service, stores, login, client):
    seed_demo_users(service)
    admin = stores.users.find_by_username("admin")
    stores.users.set_password_hash(admin["_id"], service.passwords.hash("changed-by-the-admin"))
    seed_demo_users(service)
    assert login("admin", "admin-demo-pass").status_code == 401
    assert login("admin", "changed-by-the-admin").status_code == 200


def test_bootstrap_creates_the_first_admin_only_when_none_is_active(service, stores, login):
    assert "created" in bootstrap_admin(service, "manager", "a-strong-first-password")
    assert login("manager", "a-strong-first-password").status_code == 200
    assert "nothing to bootstrap" in bootstrap_admin(service, "manager2", "another-password-x")
    assert stores.users.find_by_username("manager2") is None


def test_bootstrap_without_credentials_names_the_variables(service):
    with pytest.raises(SystemExit, match="AUTH_BOOTSTRAP_ADMIN_USERNAME"):
        bootstrap_admin(service, None, None)


def test_bootstrap_rejects_a_weak_password(service):
    with pytest.raises(SystemExit, match="password"):
        bootstrap_admin(service, "manager", "short")
