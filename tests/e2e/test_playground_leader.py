"""The leader's side in the Agents Playground (issue 14): a teacher melder fra in one Playground,
the alert arrives in her nearest leader's, and «Åpne saken» shows the case with the whole report.

Two Playgrounds in front of one bot, as `make dev` and `make dev ROLE=leder` run them
(docs/try-leaders.md): «Lærer Lise» and «Avdelingsleder Berit». Berit's tab opens first, so
the bot knows her chat before the alert is sent. Screenshots in test-artifacts/e2e/<host>/.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.e2e.ui import card, choose, say

if TYPE_CHECKING:
    from playwright.async_api import Page

pytestmark = pytest.mark.e2e

DESCRIPTION = "Ola satt alene i friminuttet tre dager på rad og ble holdt utenfor."


async def test_a_leader_gets_the_alert_and_opens_the_whole_report(
    pages: dict[str, Page], artifacts: Path
) -> None:
    from playwright.async_api import expect

    teacher, leader = pages["lærer"], pages["leder"]

    # The bot welcomes each by role: the leader's card leads with «Mine saker».
    welcome = card(leader, heading="Velkommen til Trygg skole")
    await expect(welcome).to_contain_text("Du er leder på Ellingsrud skole")
    await expect(welcome).to_contain_text("Du har ingen åpne saker nå.")
    await expect(card(teacher, heading="Velkommen til Trygg skole")).to_be_visible()
    await leader.screenshot(path=artifacts / "leader-01-welcome.png")

    # Lise melder fra (the shortest report the form accepts, plus where and when).
    await say(teacher, "meld fra")
    form = card(teacher, heading="Meld fra om en bekymring")
    await expect(form).to_be_visible()
    await form.get_by_label("Elevens navn").fill("Ola Nordmann")
    await form.get_by_label("Klasse").fill("9B")
    await choose(form, "Hva gjelder det?", "Utestenging eller utenforskap").check()
    await form.get_by_label("Hva har du sett eller hørt?").fill(DESCRIPTION)
    await form.get_by_label("Hvor og når?").fill("Skolegården, storefri")
    await choose(form, "Hvordan fikk du vite det?", "Jeg har selv sett eller hørt det").check()
    await choose(form, "Grep du inn?", "Nei").check()
    await choose(form, "Vet eleven at rektor får beskjed?",
                 "Ja, eleven vet at rektor får beskjed").check()
    await form.get_by_role("button", name="Se over", exact=True).click()
    review = card(teacher, heading="Se over før du sender")
    await review.get_by_role("button", name="Send til rektor", exact=True).click()
    await expect(card(teacher, heading="Takk! Rektor har fått beskjed")).to_be_visible()

    # The alert arrives in Berit's chat: who and what kind, never the text.
    alert = card(leader, heading="Bekymring for en elev")
    await expect(alert).to_be_visible()
    await expect(alert).to_contain_text("Elev: Ola Nordmann")
    await expect(alert).not_to_contain_text("friminuttet")
    await leader.screenshot(path=artifacts / "leader-02-alert.png")

    # «Åpne saken»: the case card, the next step with its date first, then the whole report.
    await alert.get_by_role("button", name="Åpne saken", exact=True).click()
    case = card(leader, text="Hvor og når: Skolegården, storefri")
    await expect(case).to_be_visible()
    for line in ("Neste steg: Start undersøkelsen snarest, senest", DESCRIPTION,
                 "Gjelder: Utestenging eller utenforskap",
                 "Hvordan melderen fikk vite det: Jeg har selv sett eller hørt det",
                 "Grep inn: Nei",
                 "Vet eleven at rektor får beskjed: Ja, eleven vet at rektor får beskjed",
                 "Meldt av: Lærer Lise"):
        await expect(case).to_contain_text(line)
    await expect(case.get_by_role("button", name="Start undersøkelse", exact=True)
                 ).to_be_visible()
    await leader.screenshot(path=artifacts / "leader-03-case.png")
