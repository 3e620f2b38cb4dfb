"""`--scale`: what it accepts, and the names scaled processes get."""

from __future__ import annotations

import pytest

from hotel_devstack.cli import main
from hotel_devstack.scale import (
    ScaleError,
    check_scale,
    parse_process_name,
    parse_scale,
    process_name,
    scale_for,
)


def test_scale_names_services_or_all():
    assert parse_scale("rooms=2,notifications=2") == {"rooms": 2, "notifications": 2}
    assert parse_scale(" all=2 , auth=1 ") == {"all": 2, "auth": 1}
    # A service's own entry wins over all; a service not named has no count.
    scale = parse_scale("all=2,auth=1")
    assert (scale_for(scale, "auth"), scale_for(scale, "rooms")) == (1, 2)
    assert scale_for({"rooms": 2}, "fnb") is None


@pytest.mark.parametrize("text", ["", "rooms", "rooms=two", "rooms=-1", "=2", "Rooms=2"])
def test_malformed_scale_is_refused(text):
    with pytest.raises(ScaleError):
        parse_scale(text)


@pytest.mark.parametrize(
    ("scale", "message"),
    [({"kitchen": 2}, "kitchen"), ({"rooms": 0}, "rooms=0"), ({"all": 9}, "all=9")],
)
def test_scale_outside_the_stack_or_its_bounds_is_refused(scale, message):
    with pytest.raises(ScaleError, match=message):
        check_scale(scale, ["rooms", "notifications"])


def test_the_first_process_keeps_its_name_and_the_others_are_numbered():
    assert process_name("rooms", "web", 1) == "rooms-web"
    assert process_name("pms-adapter", "worker", 3) == "pms-adapter-worker-3"
    parsed = parse_process_name("pms-adapter-worker-3")
    assert (parsed.service, parsed.role, parsed.index) == ("pms-adapter", "worker", 3)
    assert parse_process_name("rooms-web").index == 1
    assert parse_process_name("pms-adapter-mock") is None
    assert parse_process_name("gateway") is None


def test_the_command_line_explains_a_bad_scale(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["up", "--scale", "rooms=lots"])
    assert exit_info.value.code == 2
    assert "rooms=lots" in capsys.readouterr().err
