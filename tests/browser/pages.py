"""What the browser tests share: pages at a size, screenshots, and sign-in by the form."""

from __future__ import annotations

from playwright.async_api import Browser, Page, expect

from tests import factories
from tests.support import ROOT, household

ARTIFACTS = ROOT / "test-artifacts" / "browser"
DESKTOP = {"width": 1100, "height": 800}
PHONE = {"width": 390, "height": 844}


async def open_page(
    browser: Browser, url: str, viewport: dict[str, int] = DESKTOP, locale: str = "en-GB"
) -> Page:
    """A page in a browser of its own, whose language is `locale` (a London patient's
    English by default: dates read "Mon 7 Dec, 09:00")."""
    context = await browser.new_context(
        viewport=viewport,  # type: ignore[arg-type]
        locale=locale,
        extra_http_headers={"X-Forwarded-For": household()},
    )
    page = await context.new_page()
    await page.goto(url)
    return page


async def snap(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


async def sign_in(page: Page, email: str) -> None:
    """Fill the visible sign-in form (the booking page shows it on holding or on Sign in)."""
    form = page.get_by_role("form", name="Sign in", exact=False).first
    await form.get_by_label("Email", exact=True).fill(email)
    await form.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    await form.get_by_role("button", name="Sign in").click()


async def staff_panel(
    browser: Browser, url: str, email: str, viewport: dict[str, int] = DESKTOP
) -> Page:
    page = await open_page(browser, f"{url}/panel/", viewport)
    await sign_in(page, email)
    await expect(page.get_by_text("Signed in as")).to_be_visible(timeout=10_000)
    return page


async def fits_the_screen(page: Page) -> bool:
    """No sideways scrolling: the page is no wider than the viewport."""
    return bool(
        await page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )
