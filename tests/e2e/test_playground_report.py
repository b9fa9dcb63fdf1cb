"""A teacher melder fra in a Teams-like client no one here wrote: the Agents Playground.

The bot runs as `python -m bot` in local mode, the Playground's mock user is «Lærer Lise»
(9. trinn in config/ellingsrud.toml, see playground/.m365agentsplayground.yml), and headless
Chromium clicks through the Adaptive Cards as the Playground renders them. A screenshot of each
step goes to test-artifacts/e2e/<host>/; the test runs once per host (BOT_SDK).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.harness import UI_TIMEOUT_MS
from tests.e2e.ui import card as _card
from tests.e2e.ui import choose as _choose

if TYPE_CHECKING:
    from playwright.async_api import Page

pytestmark = pytest.mark.e2e

QUESTION = "hvordan melder jeg fra?"
CITATION = "Kilde: «Skolemiljøplanen 8.3 Melde fra»"


async def test_a_teacher_asks_then_melder_fra_to_rektor(page: Page, artifacts: Path) -> None:
    from playwright.async_api import expect

    async def shot(name: str) -> None:
        await page.screenshot(path=artifacts / f"{name}.png")

    # The Playground installs the bot for the mock user; the bot welcomes her.
    await expect(page.get_by_text("Lærer Lise").first).to_be_visible()
    welcome = _card(page, heading="Velkommen til Trygg skole")
    await expect(welcome).to_be_visible()
    await shot("01-welcome")

    # A question is answered from the school's plan, citing its section.
    compose = page.locator('[role="textbox"][contenteditable="true"]')
    await compose.click()
    await compose.press_sequentially(QUESTION)
    await page.get_by_role("button", name="Send Message").click()
    answer = _card(page, text=CITATION)
    await expect(answer).to_be_visible()
    await shot("02-answer")

    # «Meld fra nå» opens the report form.
    await answer.get_by_role("button", name="Meld fra nå", exact=True).click()
    form = _card(page, heading="Meld fra om en bekymring")
    await expect(form).to_be_visible()
    await shot("03-form")

    await form.get_by_label("Elevens navn").fill("Ola Nordmann")
    await form.get_by_label("Klasse").fill("9B")
    await _choose(form, "Hva gjelder det?", "Utestenging eller utenforskap").check()
    await form.get_by_role("combobox", name="Kjennetegn").click()
    await page.get_by_role("menuitemcheckbox", name="Kvier seg for å gå på skolen").click()
    await page.keyboard.press("Escape")
    await form.get_by_label("Hva har du sett eller hørt?").fill(
        "Ola satt alene i friminuttet tre dager på rad og ble holdt utenfor.")
    await form.get_by_label("Hvor og når?").fill("Skolegården, storefri")
    await _choose(form, "Hvordan fikk du vite det?", "Jeg har selv sett eller hørt det").check()
    await _choose(form, "Grep du inn?", "Ja").check()
    await form.get_by_label("Hvis ja: hvordan grep du inn?").fill(
        "Snakket med gruppen og tok Ola med i fotballen.")
    await _choose(form, "Vet eleven at rektor får beskjed?",
                  "Ja, eleven vet at rektor får beskjed").check()
    await shot("04-form-filled")

    # «Se over» shows every answer once more.
    await form.get_by_role("button", name="Se over", exact=True).click()
    review = _card(page, heading="Se over før du sender")
    await expect(review).to_be_visible()
    for line in ("Elev: Ola Nordmann", "Klasse: 9B", "Gjelder: Utestenging eller utenforskap",
                 "Kvier seg for å gå på skolen", "Grep du inn: Ja"):
        await expect(review).to_contain_text(line)
    await shot("05-review")

    # «Send til rektor» saves the case and answers with a receipt naming who was told.
    await review.get_by_role("button", name="Send til rektor", exact=True).click()
    receipt = _card(page, heading="Takk! Rektor har fått beskjed")
    await expect(receipt).to_be_visible()
    await expect(receipt).to_contain_text(re.compile(r"Saksnummer: \d{4}-\d{4}"))
    await shot("06-receipt")

    year = datetime.now(ZoneInfo("Europe/Oslo")).year
    await expect(receipt).to_contain_text(f"Saksnummer: {year}-0001")
    # The bot knew the mock user as Lærer Lise: her nearest leader (9. trinn) was told too.
    await expect(receipt).to_contain_text("Sendt til: Rektor Rita, Avdelingsleder Berit")
    # The receipt lingers on a phone: it carries neither the pupil's name nor the description.
    await expect(receipt).not_to_contain_text("Nordmann")
    await expect(receipt).not_to_contain_text("friminuttet")

    # The alerts to rektor and the leader reach the Playground: it opens a chat with each
    # (the mock users' ids are their aadObjectIds, as the bot addresses them) and accepts the
    # card. Its log panel shows the calls; an alert it refused would show as «message 500».
    outcome = await page.wait_for_function(_ALERTS_DELIVERED, timeout=UI_TIMEOUT_MS)
    assert await outcome.json_value() == "delivered", await _log_panel(page)
    await shot("07-alerts-delivered")


# After the first «createConversation 201» in the Playground's log panel: two of them, and two
# messages from the bot accepted (2xx) — or any refused (4xx/5xx).
_ALERTS_DELIVERED = r"""() => {
    const text = document.body.innerText;
    const first = text.indexOf("createConversation 201");
    if (first < 0) return false;
    const after = text.slice(first);
    if (/Agents Playground message [45]\d\d/.test(after)) return "refused";
    const opened = (after.match(/createConversation 201/g) || []).length;
    const accepted = (after.match(/Agents Playground message 2\d\d/g) || []).length;
    return opened >= 2 && accepted >= 2 ? "delivered" : false;
}"""


async def _log_panel(page: Page) -> str:
    text = await page.locator("body").inner_text()
    return text[text.find("Log Panel"):]
