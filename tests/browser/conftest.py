"""Browser tests: headless Debian Chromium driven by Playwright against the isolated platform.

The platform fixtures are tests/integration's (one whole stack behind nginx on free ports); the
gateway serves web/dist, which `make test` builds first.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
AXE_SOURCE = REPO / "web" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "var" / "test-artifacts" / "browser"

_spec = importlib.util.spec_from_file_location(
    "integration_fixtures", REPO / "tests" / "integration" / "conftest.py"
)
_integration = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_integration)
platform_dir = _integration.platform_dir
rabbit = _integration.rabbit
stack = _integration.stack
gateway = _integration.gateway
DEMO_PASSWORDS = _integration.DEMO_PASSWORDS
eventually = _integration.eventually


@pytest.fixture(scope="session", autouse=True)
def built_dashboard() -> None:
    # HOTEL_WEB_DIST points the gateway at another build (several builds side by side).
    dist = Path(os.environ.get("HOTEL_WEB_DIST") or REPO / "web" / "dist")
    if not (dist / "index.html").exists():
        pytest.fail(f"{dist} has no index.html: run `make web` (make test builds it first)")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


class Session:
    """One person at one browser: its own cookie jar, and the console errors it saw."""

    def __init__(self, context: BrowserContext, base_url: str) -> None:
        self.context = context
        self.page: Page = context.new_page()
        self.base_url = base_url
        self.console_errors: list[str] = []
        self.page.on(
            "console",
            lambda message: message.type == "error" and self.console_errors.append(message.text),
        )
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def open(self, path: str = "/") -> Page:
        self.page.goto(self.base_url + path)
        return self.page

    def sign_in(self, username: str, password: str | None = None) -> Page:
        page = self.open("/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password or DEMO_PASSWORDS[username])
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        return page

    def wait_live(self) -> None:
        expect(
            self.page.get_by_role("status").filter(has_text=re.compile(r"\bLive\b"))
        ).to_be_visible()

    def axe_violations(self, impacts=("serious", "critical")) -> list[dict]:
        # Evaluated through the DevTools protocol, so the page's CSP stays as strict as served.
        self.page.evaluate(AXE_SOURCE.read_text())
        result = self.page.evaluate("async () => await axe.run(document)")
        return [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]],
            }
            for v in result["violations"]
            if v["impact"] in impacts
        ]


class Sessions:
    """The browser sessions of one test: opened on demand, photographed if it failed, closed."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.opened: list[Session] = []

    def open(self, **context_options) -> Session:
        session = Session(self.browser.new_context(**context_options), self.base_url)
        self.opened.append(session)
        return session

    def close(self, request, label: str) -> None:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            for index, session in enumerate(self.opened):
                path = SCREENSHOTS / f"{request.node.name}-{label}{index}.png"
                session.page.screenshot(path=str(path), full_page=True)
                print(f"screenshot: {path}")
        for session in self.opened:
            session.context.close()


@pytest.fixture
def open_session(browser: Browser, stack, request) -> Iterator:
    """A laptop-sized browser session (1280x900) per call."""
    sessions = Sessions(browser, stack.gateway_url)
    yield lambda: sessions.open(viewport={"width": 1280, "height": 900})
    sessions.close(request, "")


PHONE_VIEWPORT = {"width": 375, "height": 667}


@pytest.fixture
def open_phone_session(browser: Browser, stack, request) -> Iterator:
    """Like open_session, on a 375x667 touch phone with service workers allowed; `locale` sets
    the browser's language (e.g. "es-ES")."""
    sessions = Sessions(browser, stack.gateway_url)

    def make(locale: str | None = None) -> Session:
        options = {"locale": locale} if locale else {}
        return sessions.open(
            viewport=PHONE_VIEWPORT, has_touch=True, service_workers="allow", **options
        )

    yield make
    sessions.close(request, "phone-")
