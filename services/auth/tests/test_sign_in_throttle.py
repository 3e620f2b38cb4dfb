"""M4: a shift signs in from one address; a guessed account waits, its owner does not for ever."""

from __future__ import annotations

import itertools
import time
from dataclasses import replace
from datetime import timedelta

from auth.app import create_app
from hotel_shared.testing import assert_problem
from hotel_shared.timeutil import utc_now

HOTEL_NAT = "203.0.113.7"


def _login(client, username, password, ip):
    return client.post(
        "/api/auth/login",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_twelve_staff_sign_in_from_one_address_within_a_minute(client, make_user, password):
    staff = [make_user("staff") for _ in range(12)]
    # Half of them mistype first: the address still lets every correct sign-in through.
    for number, user in enumerate(staff):
        if number % 2:
            assert _login(client, user["username"], "typo-typo", HOTEL_NAT).status_code == 401
    answers = [_login(client, user["username"], password, HOTEL_NAT) for user in staff]
    assert [answer.status_code for answer in answers] == [200] * 12


def test_eight_wrong_passwords_are_throttled_and_the_owner_signs_in_after_the_delay(
    client, make_user, password
):
    make_user("staff", username="target")
    answers = [_login(client, "target", f"wrong-{n}", "198.51.100.9") for n in range(8)]
    assert [a.status_code for a in answers[:5]] == [401] * 5
    for throttled in answers[5:]:
        assert_problem(throttled, 429, "login_throttled")
        assert 1 <= int(throttled.headers["Retry-After"]) <= 2
    # Refused attempts do not renew the delay: once it has passed, the owner signs in.
    deadline = time.monotonic() + 5
    while (answer := _login(client, "target", password, "198.51.100.9")).status_code == 429:
        assert time.monotonic() < deadline, "the delay never ended"
        time.sleep(0.2)
    assert answer.status_code == 200


def test_a_persistent_guesser_meets_the_capped_delay_never_a_lock_out(config, stores, make_user):
    fast = replace(config, login_first_delay_s=0.2, login_max_delay_s=0.4)
    client = create_app(fast).test_client()
    make_user("staff", username="guessed")
    waits = []
    for _ in range(10):
        while (answer := _login(client, "guessed", "wrong-pass", "192.0.2.1")).status_code == 429:
            time.sleep(0.05)
        assert answer.status_code == 401
        waits.append(time.monotonic())
    gaps = [later - earlier for earlier, later in itertools.pairwise(waits[4:])]
    # Every guess after the free ones waited (doubling is in test_rules), none past the cap.
    refused_before = [gap > 0.1 for gap in gaps]
    assert all(refused_before)
    assert all(gap < 0.4 + 1.0 for gap in gaps)


def test_a_stranger_cannot_keep_the_owner_out_of_a_known_address(client, make_user, password):
    make_user("staff", username="owner")
    assert _login(client, "owner", password, HOTEL_NAT).status_code == 200
    for n in range(10):
        _login(client, "owner", f"guess-{n}", "198.51.100.66")
    assert _login(client, "owner", "guess-x", "198.51.100.66").status_code == 429
    assert _login(client, "owner", password, HOTEL_NAT).status_code == 200
    # The owner's success does not free the stranger: their own delay still holds.
    assert _login(client, "owner", "guess-y", "198.51.100.66").status_code == 429


def test_an_unknown_address_waits_with_the_account(client, make_user, password):
    make_user("staff", username="new-device")
    for n in range(5):
        _login(client, "new-device", f"guess-{n}", "198.51.100.70")
    assert _login(client, "new-device", password, "192.0.2.50").status_code == 429


def test_the_address_bar_is_high_enough_for_a_hotel_behind_one_nat(
    client, stores, make_user, password
):
    regular, newcomer = make_user("staff"), make_user("staff")
    assert _login(client, regular["username"], password, HOTEL_NAT).status_code == 200
    in_a_year = utc_now() + timedelta(days=365)
    for _ in range(99):  # 99 failures from the hotel's address in the window: still open
        stores.record_login_failure({f"ip:{HOTEL_NAT}": in_a_year}, utc_now())
    assert _login(client, newcomer["username"], "typo-typo", HOTEL_NAT).status_code == 401
    # The 100th failure closes the address to accounts never signed in from it...
    assert_problem(
        _login(client, newcomer["username"], password, HOTEL_NAT), 429, "login_throttled"
    )
    # ...but not to those that have: their own account+address delay is what holds them.
    assert _login(client, regular["username"], password, HOTEL_NAT).status_code == 200
