"""Headless Chromium for the browser tests: Debian's own (never a downloaded one), a
context whose network reaches only the servers a test names, and what a page complained
of (console errors, uncaught exceptions, refused requests)."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, Route, async_playwright

from tests.support import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    """Skip the calling module without Chromium on a developer's machine; CI must have it."""
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Chromium for the browser tests: apt-get install chromium")
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            await browser.close()


@dataclass
class Watched:
    """A page and everything that went wrong on it."""

    page: Page
    refused: list[str] = field(default_factory=list)
    complaints: list[str] = field(default_factory=list)


async def offline_page(browser: Browser, *origins: str) -> Watched:
    """A page in a context of its own whose requests reach only `origins` (every other
    request is aborted and remembered, as with no network)."""
    context: BrowserContext = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    watched = Watched(page)

    async def only_local(route: Route) -> None:
        if route.request.url.startswith(tuple(f"{origin}/" for origin in origins)):
            await route.continue_()
        else:
            watched.refused.append(route.request.url)
            await route.abort()

    await context.route("**/*", only_local)
    page.on(
        "console",
        lambda message: (
            watched.complaints.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: watched.complaints.append(str(error)))
    return watched


async def snap(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
