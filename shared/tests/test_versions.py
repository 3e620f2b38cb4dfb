"""A client's If-Match is honoured in plain values: 412 naming the current version."""

import pytest

from hotel_shared.versions import StaleVersion, check_version


def test_no_if_match_or_the_current_version_passes():
    check_version({"version": 3}, None, "task T1")
    check_version({"version": 3}, 3, "task T1")


def test_a_stale_if_match_is_a_412_naming_the_current_version():
    with pytest.raises(StaleVersion) as raised:
        check_version({"version": 3}, 2, "room 204", roomNumber="204")
    problem = raised.value.to_problem("r-1")
    assert (problem["status"], problem["code"]) == (412, "precondition_failed")
    assert (problem["currentVersion"], problem["roomNumber"]) == (3, "204")
    assert "room 204 changed since version 2" in problem["detail"]
