"""The sync rules without I/O: back-off, which state wins, drift and repair, echoes, breaker."""

from __future__ import annotations

import random

from pms_adapter import rules
from pms_adapter.breaker import CLOSED, HALF_OPEN, OPEN, CircuitBreaker


def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    rand = random.Random(7)
    ceilings = [
        max(rules.backoff_seconds(n, 1.0, 30.0, rand) for _ in range(200)) for n in (1, 2, 3, 4, 10)
    ]
    assert ceilings[0] <= 1.0 < ceilings[1] <= 2.0 < ceilings[2] <= 4.0 < ceilings[3] <= 8.0
    assert ceilings[4] <= 30.0
    samples = {round(rules.backoff_seconds(5, 1.0, 30.0, rand), 3) for _ in range(20)}
    assert len(samples) > 10  # jittered, so a crowd of retries does not land together


def test_only_a_newer_room_version_replaces_the_stored_one():
    assert rules.is_newer(1, None)
    assert rules.is_newer(5, {"version": 4})
    assert not rules.is_newer(4, {"version": 4})
    assert not rules.is_newer(3, {"version": 4})


def test_drift_lists_rooms_both_sides_know_that_differ():
    ours = {
        "101": {"housekeepingStatus": "Clean", "frontOfficeStatus": "Vacant", "outOfOrder": None},
        "102": {"housekeepingStatus": "Dirty", "frontOfficeStatus": "Vacant", "outOfOrder": None},
        "103": {
            "housekeepingStatus": "Dirty",
            "frontOfficeStatus": "Vacant",
            "outOfOrder": "OutOfOrder",
        },
    }
    pms = [
        {
            "roomNumber": "101",
            "housekeepingStatus": "Clean",
            "frontOfficeStatus": "Vacant",
            "outOfOrder": None,
        },
        {
            "roomNumber": "102",
            "housekeepingStatus": "Clean",
            "frontOfficeStatus": "Occupied",
            "outOfOrder": None,
        },
        {
            "roomNumber": "103",
            "housekeepingStatus": None,
            "frontOfficeStatus": "Vacant",
            "outOfOrder": "OutOfOrder",
        },
        {
            "roomNumber": "999",
            "housekeepingStatus": "Dirty",
            "frontOfficeStatus": "Vacant",
            "outOfOrder": None,
        },
    ]
    [item] = rules.drift(ours, pms)
    assert (item["roomNumber"], item["fields"]) == (
        "102",
        ["housekeepingStatus", "frontOfficeStatus"],
    )
    assert rules.repairs(item) == ["send_ours", "emit_pms"]


def test_policy_we_win_on_housekeeping_the_pms_on_occupancy():
    assert rules.repairs({"fields": ["housekeepingStatus"]}) == ["send_ours"]
    assert rules.repairs({"fields": ["outOfOrder"]}) == ["send_ours"]
    assert rules.repairs({"fields": ["frontOfficeStatus"]}) == ["emit_pms"]


def test_our_own_status_coming_back_is_an_echo_even_after_a_newer_one():
    from datetime import UTC, datetime, timedelta

    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    sent = [
        {"housekeepingStatus": "Clean", "at": now - timedelta(seconds=3)},
        {"housekeepingStatus": "Pickup", "at": now - timedelta(seconds=1)},
    ]
    assert rules.is_echo("Pickup", sent, now)
    # Clean's event arriving after Pickup was sent: still ours, not a PMS user undoing Pickup.
    assert rules.is_echo("Clean", sent, now)
    assert not rules.is_echo("Dirty", sent, now)
    assert not rules.is_echo("Clean", [], now)
    # Long after we sent it, the same status is a PMS user's move.
    assert not rules.is_echo("Clean", sent, now + rules.ECHO_WINDOW)


def test_room_view_reduces_out_of_order_to_its_kind():
    room = {
        "housekeepingStatus": "Dirty",
        "frontOfficeStatus": "Vacant",
        "hkOccupancy": None,
        "outOfOrder": {"kind": "OutOfService", "reason": "paint"},
    }
    assert rules.room_view(room)["outOfOrder"] == "OutOfService"


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_after_failures_probes_once_and_backs_off_longer():
    clock = Clock()
    breaker = CircuitBreaker(threshold=3, cooldown_s=10, max_cooldown_s=25, clock=clock)
    for _ in range(3):
        assert breaker.allow()
        breaker.record_failure()
    assert (breaker.state, breaker.allow()) == (OPEN, False)
    clock.now = 10
    assert breaker.state == HALF_OPEN
    assert breaker.allow()
    assert not breaker.allow()
    breaker.record_failure()
    assert (breaker.state, breaker.cooldown_s) == (OPEN, 20)
    clock.now = 30
    assert breaker.allow()
    breaker.record_success()
    assert (breaker.state, breaker.allow(), breaker.cooldown_s) == (CLOSED, True, 10)


def test_a_success_resets_the_failure_count():
    breaker = CircuitBreaker(threshold=3, clock=Clock())
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert breaker.state == CLOSED


def test_a_pms_event_made_before_our_latest_send_is_superseded():
    from datetime import UTC, datetime, timedelta

    sent_at = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    last_sent = {"housekeepingStatus": "Pickup", "at": sent_at}
    assert rules.is_superseded(sent_at - timedelta(seconds=5), last_sent)
    assert not rules.is_superseded(sent_at + timedelta(seconds=5), last_sent)
    assert not rules.is_superseded(None, last_sent)  # OPERA gave no time: decide by value
    assert not rules.is_superseded(sent_at, None)  # we never sent this room anything
