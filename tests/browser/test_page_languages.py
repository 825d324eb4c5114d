"""The booking page and the staff panel in German and in English, in headless Chromium on
a real server: each opens in the browser's language (else the clinic's), switches on the
page, remembers the choice as the user's own, writes dates as the language does, and
shows no word that is not in the language's catalogue: every piece of text on the page,
once names and dates are taken out, is made of the catalogue's phrases, and none of the
English catalogue's own words is left on a German page."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from playwright.async_api import Browser, Page, expect
from sqlalchemy import select

from persistence.models import UserRow
from portal.catalogues import SERVER, words
from portal.settings import Settings
from resolvers.deps import Deps
from tests import factories
from tests.browser.pages import PHONE, fits_the_screen, open_page, sign_in, snap
from tests.browser.test_booking_page import the_token
from tests.browser.test_staff_panel_page import Portal, row
from tests.browser.test_waitlist_page import a_full_day, offering_server
from tests.support import GraphQL, ServerProcess

#: Names, places and the clinic: data, shown as written in every language.
DATA = (
    "Lindenhof Physiotherapy",
    "Lindenhof Centre",
    "Maria Keller",
    "Treatment",
    "Anna Schmidt",
    "Mia Schmidt",
    "Someone Else",
    "Paul Becker",
    "Jonas Weber",
    "Lena Vogel",
    "Front Desk",
    "English",
    "Deutsch",
    "Knee hurts",
)
#: The words Intl writes into dates, per language.
DATE_WORDS = {
    "de": re.compile(
        r"(?<!\w)(?:Mo|Di|Mi|Do|Fr|Sa|So)\.|(?<!\w)(?:Jan|Feb|Apr|Aug|Sept|Okt|Nov|Dez)\."
        r"|(?<!\w)(?:März|Mai|Juni|Juli)(?!\w)"
    ),
    "en": re.compile(
        r"(?<!\w)(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?"
        r"|Oct|Nov|Dec|AM|PM)(?!\w)"
    ),
}
EMAIL = re.compile(r"\S+@\S+")
ME = "{ me { language } }"
PLACEHOLDER = re.compile(r"\{\w+\}")
READ_TEXT = """() => {
  const plain = (text) => text.replace(/\\s+/g, ' ').trim();
  const texts = [plain(document.title)];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (['SCRIPT', 'STYLE'].includes(node.parentElement.tagName)) continue;
    if (plain(node.data)) texts.push(plain(node.data));
  }
  const read = ['aria-label', 'title', 'placeholder', 'alt'];
  for (const element of document.querySelectorAll(read.map((name) => `[${name}]`).join(','))) {
    for (const name of read) if (plain(element.getAttribute(name) ?? '')) texts.push(plain(element.getAttribute(name)));
  }
  return texts;
}"""


def fragments(template: str) -> set[str]:
    """The words of a phrase between its values ("Booked:", "with")."""
    return {
        part.strip() for part in PLACEHOLDER.split(template) if re.search(r"[^\W\d_]", part.strip())
    }


def standing_alone(pieces: Iterable[str]) -> re.Pattern[str]:
    """Any of the pieces standing as words of their own ("in", not in "Termin"), the
    longest first."""
    alternatives = []
    for piece in sorted(set(pieces), key=len, reverse=True):
        before = r"(?<!\w)" if re.match(r"\w", piece) else ""
        after = r"(?!\w)" if re.search(r"\w$", piece) else ""
        alternatives.append(before + re.escape(piece) + after)
    return re.compile("|".join(alternatives))


NAMES = standing_alone(DATA)


@cache
def phrases_of(language: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The words of the language's phrases (the pages' and the server's, since a page
    shows problem messages as they come), and those of English phrases it writes
    differently."""
    table = words(language) | words(language, SERVER)
    own = {f for phrase in table.values() for f in fragments(phrase)}
    english_only = {
        f
        for english, phrase in table.items()
        if phrase != english
        for f in fragments(english)
        if not any(f in other for other in table.values())
    }
    return standing_alone(own), standing_alone(english_only or {"\0"})


def unaccounted(texts: list[str], language: str) -> list[str]:
    """The texts on a page in `language` that are not made of its catalogue's phrases,
    names and dates; and on a page not in English, any English phrase's words left."""
    own, english_only = phrases_of(language)
    found = []
    for text in texts:
        rest = EMAIL.sub(" ", NAMES.sub(" ", text))
        if language != "en" and english_only.search(rest):
            found.append(f"English words in {text!r}")
        rest = DATE_WORDS[language].sub(" ", own.sub(" ", rest))
        if re.search(r"[^\W\d_]", rest):
            found.append(f"not in the catalogue: {text!r}")
    return found


async def speaks_only(page: Page, language: str) -> None:
    texts = await page.evaluate(READ_TEXT)
    assert await page.evaluate("document.documentElement.lang") == language
    assert unaccounted(texts, language) == []


async def test_the_booking_page_speaks_the_browsers_german_switches_to_english_and_keeps_it(
    browser: Browser, settings: Settings, run_dir: Path, deps: Deps
) -> None:
    async with offering_server(settings, run_dir) as (server, gql):
        await _booking_in_german_then_english(browser, server, gql, deps)


async def _booking_in_german_then_english(
    browser: Browser, server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    full = await a_full_day(deps)
    nine, taken = full.nine, full.taken
    anna = await factories.patient(deps, name="Anna Schmidt")
    mia = await factories.patient(deps, name="Mia Schmidt", email=None)
    anna_user = await factories.user(deps, patients=(anna, mia), name="Anna Schmidt")
    desk = await factories.staff(deps)
    page = await open_page(browser, f"{server.url}/book/", locale="de-DE")

    # Browsing: German words, German days.
    await expect(page.get_by_role("heading", name="Freie Termine")).to_be_visible()
    first_day = page.locator("#slots h3").first
    await expect(first_day).to_have_text(re.compile(r"^(Mo|Di|Mi|Do|Fr|Sa|So)\., \d{1,2}\. "))
    await expect(
        page.get_by_text(re.compile(r"^Freie Termine in den nächsten 7 Tagen: \d+\."))
    ).to_be_visible()
    await speaks_only(page, "de")

    # Choosing a time asks for a sign-in in German; a wrong password answers in German.
    await page.locator("#slots button.slot").first.click()
    await expect(page.locator("#account-message")).to_contain_text("Melden Sie sich an")
    form = page.get_by_role("form", name="Anmelden")
    await form.get_by_label("E-Mail", exact=True).fill(anna_user.user.email)
    await form.get_by_label("Passwort", exact=True).fill("not the password at all")
    await form.get_by_role("button", name="Anmelden").click()
    await expect(page.locator("#account-message")).to_have_text(
        "E-Mail-Adresse oder Passwort sind falsch."
    )
    await speaks_only(page, "de")
    await form.get_by_label("Passwort", exact=True).fill(factories.PASSWORD)
    await form.get_by_role("button", name="Anmelden").click()

    # Held, with its countdown, then booked for Mia.
    await expect(page.get_by_role("timer")).to_have_text(re.compile(r"^noch \d:\d\d zum Anfragen$"))
    await expect(page.get_by_text("Angemeldet als Anna Schmidt")).to_be_visible()
    await speaks_only(page, "de")
    await page.get_by_label("Für wen ist der Termin?").select_option(label="Mia Schmidt")
    await page.get_by_role("button", name="Diesen Termin anfragen").click()
    await expect(page.get_by_role("status")).to_have_text(
        re.compile(
            r"^Gebucht: \w+\., \d{1,2}\. \w+\.?, \d\d:\d\d bei Maria Keller für Mia Schmidt$"
        ),
        timeout=10_000,
    )
    visits = page.get_by_role("list", name="Meine nächsten Termine")
    await expect(visits.get_by_role("button", name="Termin verlegen")).to_be_visible()
    await visits.get_by_role("button", name="Termin verlegen").click()
    await expect(page.locator("#moving-message")).to_contain_text("Wählen Sie eine neue Zeit")
    await speaks_only(page, "de")
    await page.get_by_role("button", name="Termin nicht verlegen").click()

    # Waiting for the taken day, then offered a freed time there.
    await page.get_by_text("Auf einen Termin bei der unten gewählten Person").click()
    day = nine.date().isoformat()
    await page.locator("#wait-from").fill(day)
    await page.locator("#wait-until").fill(day)
    await page.get_by_role("button", name="Auf die Warteliste").click()
    waitlist = page.get_by_role("list", name="Meine Warteliste")
    await expect(waitlist).to_contain_text("Wartet: Treatment bei Maria Keller für Anna Schmidt")
    await speaks_only(page, "de")
    cancel = "mutation($id: ID!) { cancelAppointment(appointmentId: $id) { __typename } }"
    await server_gql(cancel, {"id": str(taken.id)}, token=desk.token)
    offer = waitlist.get_by_role("listitem", name=re.compile("^Angebot: "))
    await expect(offer).to_contain_text("Ein Termin ist für Sie frei", timeout=10_000)
    await speaks_only(page, "de")
    await snap(page, "languages-booking-de")

    # Switching to English rewrites everything, and becomes Anna's own language.
    await page.get_by_label("Sprache").select_option("en")
    await expect(page.get_by_role("heading", name="Free times")).to_be_visible()
    await expect(waitlist).to_have_count(0)
    waitlist = page.get_by_role("list", name="My waitlist")
    await expect(waitlist.get_by_role("listitem", name=re.compile("^Offer: "))).to_contain_text(
        "A time is free for you"
    )
    # A German browser has no English of its own: Intl's plain English ("Sun, Dec 6, 09:00 AM").
    await expect(page.get_by_role("list", name="My upcoming visits")).to_contain_text(
        re.compile(
            r"Booked: \w{3}, \w{3} \d{1,2}, \d\d:\d\d [AP]M with Maria Keller for Mia Schmidt"
        )
    )
    await speaks_only(page, "en")
    token = await the_token(page)
    assert (await server_gql(ME, token=token))["me"]["language"] == "en"

    # The choice stays with this browser.
    await page.reload()
    await expect(page.get_by_role("heading", name="Free times")).to_be_visible()
    await expect(page.get_by_label("Language")).to_have_value("en")


async def test_a_newcomer_registering_on_the_german_page_is_written_to_in_german(
    browser: Browser, server: ServerProcess, deps: Deps
) -> None:
    await factories.online_practitioner(deps)
    page = await open_page(browser, f"{server.url}/book/", locale="de-AT")

    await page.get_by_role("button", name="Anmelden").first.click()
    await page.get_by_text("Neu hier? Konto anlegen").click()
    form = page.get_by_role("form", name="Konto anlegen")
    await form.get_by_label("Vollständiger Name").fill("Jonas Weber")
    await form.get_by_label("Ihre E-Mail-Adresse").fill("jonas@example.net")
    await form.get_by_label("Passwort wählen (mindestens 10 Zeichen)").fill("long enough password")
    await form.get_by_role("button", name="Konto anlegen").click()

    await expect(page.get_by_text("Angemeldet als Jonas Weber")).to_be_visible(timeout=10_000)
    async with deps.database.reader() as session:
        jonas = (
            await session.execute(select(UserRow).where(UserRow.email == "jonas@example.net"))
        ).scalar_one()
    assert jonas.language == "de"


async def test_the_panel_speaks_the_clinics_german_to_a_browser_in_neither_and_switches(
    browser: Browser, server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    await factories.set_clinic(deps, approval_required=True, language="de")
    diary = await factories.online_practitioner(deps)
    await factories.patient(deps, name="Paul Becker", email="paul@example.com")
    paul = await factories.patient(deps, name="Paul Becker", email="paul.becker@example.org")
    paul_user = await factories.user(deps, patients=(paul,), name="Paul Becker")
    desk = await factories.staff(deps)
    newcomer = Portal(server)
    newcomer_patient = await newcomer.register("Paul Becker", "paul.new@example.net", "1986-04-12")
    await newcomer.book(diary, factories.slot_start(2, 9), newcomer_patient)
    known = Portal(server)
    known.token = paul_user.token
    booked = await known.book(diary, factories.slot_start(2, 10), str(paul.id))
    accept = "mutation($id: ID!) { accept(appointmentId: $id) { __typename } }"
    assert (await server_gql(accept, {"id": booked}, token=desk.token))["accept"]["__typename"]
    ask = "mutation($id: ID!) { cancelVisit(appointmentId: $id) { __typename } }"
    await known(ask, {"id": booked})

    panel = await open_page(browser, f"{server.url}/panel/", locale="fr-FR")
    await expect(panel.get_by_role("heading", name="Online-Anfragen")).to_be_visible()
    await panel.get_by_label("E-Mail", exact=True).fill(desk.user.email)
    await panel.get_by_label("Passwort", exact=True).fill(factories.PASSWORD)
    await panel.get_by_role("button", name="Anmelden").click()
    await expect(panel.get_by_text("Warten auf Antwort: 1")).to_be_visible(timeout=10_000)
    await expect(panel.get_by_text("Möchten absagen: 1")).to_be_visible(timeout=10_000)
    await expect(panel.get_by_text("Zusammenführen oder bestätigen: 1")).to_be_visible()
    pending = row(panel, "Anfragen, die auf Antwort warten", "Paul Becker")
    await expect(pending).to_contain_text("(neu online registriert)")
    await expect(pending).to_contain_text("geb. 12. Apr. 1986")

    # A live notification, in German.
    lena = Portal(server)
    await lena.register("Lena Vogel", "lena@example.net")
    await expect(panel.get_by_role("list", name="Laufend")).to_contain_text(
        "Neue Online-Registrierung: Lena Vogel", timeout=10_000
    )
    await speaks_only(panel, "de")
    await snap(panel, "languages-panel-de")

    await pending.get_by_label(re.compile("Neue Person")).check()
    await pending.get_by_role("button", name="Annehmen").click()
    await expect(panel.get_by_role("status").first).to_have_text(
        re.compile(
            r"^Angenommen: Paul Becker, \w+\., \d{1,2}\. \w+\.?, \d\d:\d\d bei Maria Keller"
        ),
        timeout=10_000,
    )
    await speaks_only(panel, "de")

    await panel.get_by_label("Sprache").select_option("en")
    await expect(panel.get_by_role("heading", name="Online requests")).to_be_visible()
    await expect(panel.get_by_text("Nobody is asking to cancel")).to_have_count(0)
    await expect(panel.get_by_text("Asking to cancel: 1")).to_be_visible(timeout=10_000)
    await expect(panel.get_by_role("list", name="As it happens")).to_contain_text(
        "New online registration: Lena Vogel"
    )
    await expect(panel.get_by_role("status").first).to_contain_text("Accepted: Paul Becker")
    await speaks_only(panel, "en")
    assert (await server_gql(ME, token=await the_token(panel)))["me"]["language"] == "en"


async def test_names_written_right_to_left_or_without_spaces_keep_the_sentence_and_the_screen(
    browser: Browser, server: ServerProcess, deps: Deps
) -> None:
    await factories.set_clinic(deps, approval_required=False)
    await factories.online_practitioner(deps)
    maryam = "مريم الحسيني"
    long_name = "Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaft" * 2
    anna = await factories.patient(deps, name="Anna Schmidt")
    daughter = await factories.patient(deps, name=maryam, email=None)
    son = await factories.patient(deps, name=long_name, email=None)
    anna_user = await factories.user(deps, patients=(anna, daughter, son), name="Anna Schmidt")
    # A name that is also one every JavaScript object answers to.
    await factories.online_practitioner(deps, name="toString")
    page = await open_page(browser, f"{server.url}/book/", PHONE)
    await page.get_by_role("button", name="Sign in").click()
    await sign_in(page, anna_user.user.email)
    await expect(page.get_by_text("Signed in as Anna Schmidt")).to_be_visible(timeout=10_000)

    booked: list[str] = []
    for name in (maryam, long_name):
        # A free time, not one just booked (its button may not have left the list yet).
        taken = "".join(f':not([data-start="{start}"])' for start in booked)
        slot = page.locator(f"#slots button.slot{taken}").first
        booked.append(str(await slot.get_attribute("data-start")))
        await slot.click()
        await page.get_by_label("Who is the appointment for?").select_option(label=name)
        await page.get_by_role("button", name="Request this time").click()
        # The Arabic name is isolated, so the sentence around it keeps its order.
        isolated = f"\u2068{name}\u2069" if name == maryam else name
        await expect(page.get_by_role("status")).to_have_text(
            re.compile(rf"^Booked: .+ with Maria Keller for {re.escape(isolated)}$"), timeout=10_000
        )
        assert await fits_the_screen(page)
    await expect(page.get_by_role("list", name="My upcoming visits")).to_contain_text(maryam)

    # Spoken again in German, every name stays as written.
    await page.get_by_label("Language").select_option("de")
    patients = page.get_by_label("Für wen ist der Termin?").locator("option")
    await expect(patients).to_have_text(["Anna Schmidt (ich)", maryam, long_name])
    practitioners = page.get_by_label("Behandelnde Person").locator("option")
    assert sorted(await practitioners.all_text_contents()) == ["Maria Keller", "toString"]
    await snap(page, "languages-names-phone")
