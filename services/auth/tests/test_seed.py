"""The seed: demo users idempotently, and the production bootstrap of the first admin."""

from __future__ import annotations

import pytest

from auth.seed import bootstrap_admin, seed_demo_users
from hotel_shared.demo import DEMO_PEOPLE


def test_demo_users_are_created_once(stores, sign_in, login):
    created = seed_demo_users(stores, sign_in.passwords)
    assert created == [person.username for person in DEMO_PEOPLE]
    assert seed_demo_users(stores, sign_in.passwords) == []
    assert stores.db["users"].count_documents({}) == len(DEMO_PEOPLE)
    supervisor = stores.find_user_by_username("supervisor")
    assert (supervisor["department"], supervisor["employeeCode"]) == ("housekeeping", "HK-SUP-01")
    assert login("technician", "technician-demo-pass").status_code == 200


def test_reseeding_keeps_a_changed_password(stores, sign_in, login):
    seed_demo_users(stores, sign_in.passwords)
    admin = stores.find_user_by_username("admin")
    stores.set_password_hash(admin["_id"], sign_in.passwords.hash("changed-by-the-admin"))
    seed_demo_users(stores, sign_in.passwords)
    assert login("admin", "admin-demo-pass").status_code == 401
    assert login("admin", "changed-by-the-admin").status_code == 200


def test_bootstrap_creates_the_first_admin_only_when_none_is_active(stores, sign_in, login):
    passwords = sign_in.passwords
    assert "created" in bootstrap_admin(stores, passwords, "manager", "a-strong-first-password")
    assert login("manager", "a-strong-first-password").status_code == 200
    result = bootstrap_admin(stores, passwords, "manager2", "another-password-x")
    assert "nothing to bootstrap" in result
    assert stores.find_user_by_username("manager2") is None


def test_bootstrap_without_credentials_names_the_variables(stores, sign_in):
    with pytest.raises(SystemExit, match="AUTH_BOOTSTRAP_ADMIN_USERNAME"):
        bootstrap_admin(stores, sign_in.passwords, None, None)


def test_bootstrap_rejects_a_weak_password(stores, sign_in):
    with pytest.raises(SystemExit, match="password"):
        bootstrap_admin(stores, sign_in.passwords, "manager", "short")
