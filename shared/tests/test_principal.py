"""A guest's stay id comes from their token's subject; staff and odd subjects have none."""

from __future__ import annotations

import pytest

from hotel_shared.principal import Principal, guest_stay_id


def principal(user_id: str, role: str) -> Principal:
    return Principal(user_id=user_id, username="x", role=role, room_number="101")


def test_a_guest_token_names_its_stay() -> None:
    assert guest_stay_id(principal("guest:cust-42", "guest")) == "cust-42"


@pytest.mark.parametrize(
    "who",
    [
        None,
        principal("u-1", "frontOffice"),
        principal("guest:cust-42", "hotelAdmin"),
        principal("cust-42", "guest"),
        principal("guest:", "guest"),
    ],
)
def test_no_stay_for_staff_or_a_subject_without_one(who: Principal | None) -> None:
    assert guest_stay_id(who) is None
