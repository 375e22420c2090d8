"""Helpers for the browser tests: Debian's Chromium driven by Playwright for Python.

No browser is downloaded: Playwright launches /usr/bin/chromium (scripts/test.sh installs the
Debian package when missing). Sessions are made with Django's test client and handed to the
browser as a cookie, so these tests do not depend on the login page.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from fengqiao.accounts.models import User

# Playwright's sync API runs an event loop in this thread; Django must still allow the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parent / "assets" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "build" / "screenshots"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 375, "height": 740}

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"
)


@dataclass
class Tab:
    """One browser page plus what it reported: console errors and CSP violations."""

    page: Any
    base_url: str
    console_errors: list[str] = field(default_factory=list)

    def go(self, path: str) -> Any:
        return self.page.goto(self.base_url + path, wait_until="networkidle")

    def csp_violations(self) -> list[str]:
        return [m for m in self.console_errors if "Content Security Policy" in m]

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def has_horizontal_scroll(self) -> bool:
        return bool(
            self.page.evaluate(
                "document.documentElement.scrollWidth > document.documentElement.clientWidth"
            )
        )

    def axe_violations(self) -> list[dict[str, Any]]:
        """Serious or critical axe-core violations of WCAG 2.1 A/AA on the current page."""
        result = self.page.evaluate(
            """async () => {
                const r = await axe.run(document, {
                    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                    resultTypes: ['violations'],
                });
                return r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5),
                }));
            }"""
        )
        return [v for v in result if v["impact"] in ("serious", "critical")]


def launch() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_tab(
    browser: Any, base_url: str, user: User | None = None, *, viewport: dict[str, int] = DESKTOP
) -> Tab:
    """A fresh browser context (Chinese locale, axe-core preloaded), signed in as `user`."""
    context = browser.new_context(
        viewport=viewport,
        locale="zh-CN",
        extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
        is_mobile=viewport is PHONE,
        has_touch=viewport is PHONE,
    )
    # Init scripts are injected by the browser itself, so the page's CSP still applies to
    # everything the page loads while axe is available for the checks.
    context.add_init_script(path=str(AXE))
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": base_url,
                }
            ]
        )
    tab = Tab(context.new_page(), base_url)
    tab.page.on(
        "console", lambda msg: tab.console_errors.append(msg.text) if msg.type == "error" else None
    )
    tab.page.on("pageerror", lambda exc: tab.console_errors.append(f"pageerror: {exc}"))
    return tab


def csp_hosts(csp: str) -> list[str]:
    """Every source in a CSP that names a host or a wildcard (there must be none)."""
    return [t for t in re.split(r"[;\s]+", csp) if "://" in t or t == "*" or t.startswith("*.")]
