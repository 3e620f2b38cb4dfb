"""The gateway template renders alike in devstack and the nginx image, and nginx accepts it."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from hotel_devstack.gateway import (
    LIMIT_DEFAULTS,
    TEMPLATE_VARIABLES,
    LocalGateway,
    render_template,
)

VALUES = {
    "AUTH_UPSTREAM": "auth:8001",
    "ROOMS_UPSTREAM": "rooms:8002",
    "FNB_UPSTREAM": "fnb:8003",
    "TASKS_UPSTREAM": "tasks:8004",
    "NOTIFICATIONS_UPSTREAM": "notifications:8005",
    "PMS_ADAPTER_UPSTREAM": "pms-adapter:8006",
    "GATEWAY_PORT": "8080",
    "WEB_ROOT": "/usr/share/nginx/html",
    **LIMIT_DEFAULTS,
}


def dockerfile_env(repo_root: Path) -> dict[str, str]:
    """The ENV defaults gateway/Dockerfile gives the image (its `ENV A=1 \\ B=2` blocks)."""
    text = (repo_root / "gateway" / "Dockerfile").read_text().replace("\\\n", " ")
    env = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            env.update(pair.split("=", 1) for pair in shlex.split(line[4:]))
    return env


def test_render_fills_known_names_and_leaves_nginx_variables_alone():
    text = "listen ${GATEWAY_PORT}; set $x $host; keep ${NOT_OURS};"
    assert render_template(text, VALUES) == "listen 8080; set $x $host; keep ${NOT_OURS};"


def test_render_names_a_missing_value():
    with pytest.raises(KeyError, match="LOGIN_RATE"):
        render_template("rate=${LOGIN_RATE}", {})


def test_template_uses_every_documented_variable(repo_root):
    text = (repo_root / "gateway" / "templates" / "default.conf.template").read_text()
    for name in TEMPLATE_VARIABLES:
        assert "${" + name + "}" in text, name


def test_the_image_and_devstack_start_from_the_same_values(repo_root):
    env = dockerfile_env(repo_root)
    assert set(TEMPLATE_VARIABLES) <= env.keys()
    # The login flood guard and the body limit are the same in docker and in `make up`.
    for name, value in LIMIT_DEFAULTS.items():
        assert env[name] == value, name
    assert {name: env[name] for name in VALUES} == VALUES


def test_the_login_guard_lets_a_shift_through(repo_root):
    # DESIGN §7: several a second per address, and a burst that covers a shift signing in.
    rate, unit = LIMIT_DEFAULTS["LOGIN_RATE"].split("r/")
    assert unit == "s"
    assert int(rate) >= 5
    assert int(LIMIT_DEFAULTS["LOGIN_BURST"]) >= 50


def test_devstack_render_matches_the_nginx_image_envsubst(repo_root):
    assert shutil.which("envsubst"), "envsubst is missing: `make install` installs gettext-base"
    template = (repo_root / "gateway" / "templates" / "default.conf.template").read_text()
    # The image runs envsubst restricted to the defined environment variables, as here.
    shell_format = " ".join("${" + name + "}" for name in VALUES)
    envsubst = subprocess.run(
        ["envsubst", shell_format],
        input=template,
        capture_output=True,
        text=True,
        env={**os.environ, **VALUES},
        check=True,
    )
    assert render_template(template, VALUES) == envsubst.stdout


def test_rendered_config_passes_nginx_syntax_check(repo_root, open_tmp_path):
    web_root = open_tmp_path / "web"
    web_root.mkdir(mode=0o755)
    local = LocalGateway(repo_root, open_tmp_path / "nginx")
    local.render({**VALUES, "WEB_ROOT": str(web_root), **_local_upstreams()})
    local.check()


def test_nginx_check_reports_a_broken_config(repo_root, open_tmp_path):
    web_root = open_tmp_path / "web"
    web_root.mkdir(mode=0o755)
    local = LocalGateway(repo_root, open_tmp_path / "nginx")
    local.render({**VALUES, "WEB_ROOT": str(web_root), **_local_upstreams(), "LOGIN_RATE": "fast"})
    with pytest.raises(RuntimeError, match="nginx -t failed"):
        local.check()


def _local_upstreams() -> dict[str, str]:
    # Service host names only resolve inside docker compose; nginx -t resolves upstreams.
    return {name: "127.0.0.1:1" for name in VALUES if name.endswith("_UPSTREAM")}


def test_a_scaled_service_renders_one_server_per_process():
    text = "upstream rooms { server ${ROOMS_UPSTREAM}; keepalive 64; }"
    rendered = render_template(text, {"ROOMS_UPSTREAM": ["127.0.0.1:8002", "127.0.0.1:8102"]})
    assert (
        rendered == "upstream rooms { server 127.0.0.1:8002; server 127.0.0.1:8102; keepalive 64; }"
    )


def test_a_list_of_addresses_fits_only_a_server_statement():
    with pytest.raises(ValueError, match="ROOMS_UPSTREAM"):
        render_template("proxy_pass http://${ROOMS_UPSTREAM};", {"ROOMS_UPSTREAM": ["a:1", "b:2"]})


def test_every_upstream_of_the_template_takes_a_list_of_processes(repo_root, open_tmp_path):
    web_root = open_tmp_path / "web"
    web_root.mkdir(mode=0o755)
    local = LocalGateway(repo_root, open_tmp_path / "nginx")
    two_each = {name: ["127.0.0.1:1", "127.0.0.1:2"] for name in _local_upstreams()}
    conf = local.render({**VALUES, "WEB_ROOT": str(web_root), **two_each})
    rendered = (conf.parent / "conf.d" / "default.conf").read_text()
    for name in ("auth", "rooms", "fnb", "tasks", "notifications", "pms-adapter"):
        upstream = rendered.split(f"upstream {name} ", 1)[1].split("}", 1)[0]
        assert upstream.count("server 127.0.0.1:1;") == upstream.count("server 127.0.0.1:2;") == 1
    # Polling clients stay on one notifications process (see test_gateway_affinity.py).
    assert "hash $hotel_sio_affinity consistent;" in rendered.split("upstream notifications ")[1]
    local.check()
