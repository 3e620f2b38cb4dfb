"""The chaos checker's verdicts on hand-made observations (no stack): each kind of fault it must
see is planted once, and a clean run must come out clean."""

from __future__ import annotations

from collections import Counter

import pytest
from chaos_check import (
    Observed,
    OutboxEvent,
    Truth,
    client_differences,
    consumers_of,
    idle_load,
    judge,
    missing_deliveries,
    newer,
    shortfall,
    topic_matches,
)

BINDINGS = {
    "auth": ("#",),
    "tasks": ("rooms.room.status_changed.v1",),
    "rooms": ("tasks.task.completed.v1",),
}
PMS_ROOMS = ["101"]


@pytest.mark.parametrize(
    ("pattern", "key", "expected"),
    [
        ("#", "rooms.room.status_changed.v1", True),
        ("rooms.#", "rooms.room.status_changed.v1", True),
        ("rooms.#", "rooms", True),
        ("*.room.*.v1", "rooms.room.status_changed.v1", True),
        ("*.room.*", "rooms.room.status_changed.v1", False),
        ("rooms.room.status_changed.v1", "rooms.room.status_changed.v1", True),
        ("rooms.room.status_changed.v1", "rooms.room.created.v1", False),
        ("#.v1", "tasks.task.completed.v1", True),
        ("#.v2", "tasks.task.completed.v1", False),
    ],
)
def test_topic_matching_follows_rabbitmq(pattern, key, expected):
    assert topic_matches(pattern, key) is expected


def test_an_event_reaches_every_consumer_bound_to_it():
    assert consumers_of("rooms.room.status_changed.v1", BINDINGS) == ["auth", "tasks"]
    assert consumers_of("fnb.order.placed.v1", BINDINGS) == ["auth"]


def event(number: int, event_type="rooms.room.status_changed.v1", sent=True) -> OutboxEvent:
    return OutboxEvent(f"e{number}", event_type, "rooms", sent)


def clean_run() -> tuple[Truth, Observed]:
    """Two room changes (one Dirty), its clean opened and completed, one order delivered:
    everything applied once, every view equal."""
    events = [event(1), event(2), event(3, "tasks.task.completed.v1")]
    truth = Truth(
        rooms={"101": ("Clean", 7), "201": ("Clean", 4)},
        tasks={"t1": "completed"},
        orders={"o1": "delivered"},
        dirty_moves=Counter({"201": 1}),
        cleans_completed=Counter({"201": 1}),
        orders_placed=1,
    )
    seen = Observed(
        events=events,
        processed={"auth": {"e1", "e2", "e3"}, "tasks": {"e1", "e2"}, "rooms": {"e3"}},
        audit_counts={"e1": 1, "e2": 1, "e3": 1},
        cleaning_tasks=Counter({"201": 1}),
        rooms_cleaned_by_tasks=Counter({"201": 1}),
        bills_per_order={"o1": 1},
        orders_in_window=1,
        api_rooms={"101": ("Clean", 7), "201": ("Clean", 4), "102": ("Inspected", 1)},
        api_tasks={"t1": "completed", "t0": "completed"},
        api_orders={"o1": "delivered"},
        pms_rooms={"101": "Clean"},
    )
    return truth, seen


def test_a_run_where_everything_arrived_once_is_clean():
    truth, seen = clean_run()
    verdict = judge(truth, seen, BINDINGS, PMS_ROOMS)
    assert verdict.clean, verdict.findings
    assert verdict.counts["deliveriesExpected"] == 6  # e1, e2: auth and tasks; e3: auth, rooms
    assert idle_load(truth, len(seen.events)) == []


def test_an_event_one_consumer_never_applied_is_lost():
    truth, seen = clean_run()
    seen.processed["tasks"].discard("e2")
    verdict = judge(truth, seen, BINDINGS, PMS_ROOMS)
    assert verdict.lost == 1
    assert verdict.findings["notAppliedBy:tasks"]["ids"] == ["e2"]


def test_an_event_still_in_the_outbox_is_lost():
    truth, seen = clean_run()
    seen.events.append(event(4, "fnb.order.placed.v1", sent=False))
    verdict = judge(truth, seen, BINDINGS, PMS_ROOMS)
    # Unsent, so auth never applied nor audited it either: three counts, one per place it is not.
    assert verdict.findings["outboxUnsent"]["ids"] == ["e4"]
    assert verdict.findings["notAppliedBy:auth"]["ids"] == ["e4"]
    assert verdict.findings["notAudited"]["ids"] == ["e4"]


def test_an_event_audited_twice_is_a_duplicate():
    truth, seen = clean_run()
    seen.audit_counts["e2"] = 3
    verdict = judge(truth, seen, BINDINGS, PMS_ROOMS)
    assert verdict.dup_applied == 2
    assert verdict.lost == 0


def test_a_second_clean_for_one_dirty_move_is_a_duplicate_and_none_is_lost():
    truth, seen = clean_run()
    seen.cleaning_tasks["201"] = 2
    assert judge(truth, seen, BINDINGS, PMS_ROOMS).findings["extraCleaningTasks"] == 1
    seen.cleaning_tasks["201"] = 0
    assert judge(truth, seen, BINDINGS, PMS_ROOMS).findings["dirtyRoomsWithoutClean"] == 1


def test_a_second_bill_or_order_is_a_duplicate():
    truth, seen = clean_run()
    seen.bills_per_order["o1"] = 2
    seen.orders_in_window = 2
    verdict = judge(truth, seen, BINDINGS, PMS_ROOMS)
    assert verdict.findings["billsTwice"]["ids"] == ["o1"]
    assert verdict.findings["extraOrders"] == 1


def test_state_other_than_the_last_answer_is_a_mismatch():
    truth, seen = clean_run()
    seen.api_rooms["101"] = ("Clean", 8)  # a change nobody in the load made
    seen.api_orders["o1"] = "on the way"
    seen.pms_rooms["101"] = "Dirty"
    verdict = judge(truth, seen, BINDINGS, PMS_ROOMS)
    assert verdict.findings["rooms"]["ids"] == ["101"]
    assert verdict.findings["orders"]["ids"] == ["o1"]
    assert verdict.findings["pmsRooms"]["ids"] == ["101"]
    assert verdict.mismatched == 3


def test_shortfall_counts_both_ways():
    assert shortfall({"a": 2, "b": 1}, {"a": 1, "b": 3, "c": 1}) == (1, 3)


def test_missing_deliveries_name_the_consumer():
    missing = missing_deliveries([event(1)], {"auth": {"e1"}}, BINDINGS)
    assert missing == {"tasks": ["e1"]}


def test_a_client_keeps_the_newest_version_and_is_compared_to_the_api():
    assert newer(None, ("Clean", 1))
    assert newer(("Clean", 1), ("Dirty", 2))
    assert not newer(("Dirty", 2), ("Clean", 1))  # a late hint never moves a view back
    api = {"101": ("Clean", 3)}
    assert client_differences([{"101": ("Clean", 3)}, {"101": ("Dirty", 2)}], api) == [1]


def test_a_scenario_without_work_cannot_pass():
    assert idle_load(Truth(), 0) == [
        "no event was produced",
        "no room was read or written",
        "no room was set Dirty",
        "no cleaning task was completed",
        "no order was delivered",
    ]
