"""How devstack finds services and the commands it runs them with."""

from __future__ import annotations

from pathlib import Path

from hotel_devstack.services import Service, discover_services, web_argv


def make_service(root: Path, name: str, files: tuple[str, ...] = ()) -> None:
    package = root / name / name.replace("-", "_")
    package.mkdir(parents=True)
    (root / name / "pyproject.toml").write_text(f'[project]\nname = "{name}"\n')
    for file in files:
        (package / file).write_text("")


def test_started_services_come_in_the_design_order_and_others_wait(tmp_path):
    for name in ("tasks", "rooms", "zeta", "auth"):
        make_service(tmp_path, name)
    # zeta is being written: not in STARTED, so the stack does not try to run it.
    assert [s.name for s in discover_services(tmp_path)] == ["auth", "rooms", "tasks"]


def test_a_service_may_bring_its_own_gunicorn_settings(tmp_path):
    make_service(tmp_path, "rooms")
    make_service(tmp_path, "notifications", ("gunicorn_conf.py",))
    rooms, notifications = (Service(n, tmp_path / n) for n in ("rooms", "notifications"))
    control = tmp_path / "web.ctl"
    assert "python:hotel_shared.gunicorn_conf" in web_argv(tmp_path, rooms, 8002, control)
    assert "python:notifications.gunicorn_conf" in web_argv(tmp_path, notifications, 8005, control)
    assert (
        Service("pms-adapter", tmp_path).package,
        Service("pms-adapter", tmp_path).database,
    ) == (
        "pms_adapter",
        "hotel_pms",
    )
