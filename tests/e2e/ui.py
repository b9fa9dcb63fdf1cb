"""What the e2e tests do in the Playground's web UI: find a card, answer a question, send."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.async_api import Locator, Page


def card(page: Page, *, heading: str | None = None, text: str | None = None) -> Locator:
    """The newest Adaptive Card with this heading (or text) in the chat."""
    cards = page.locator(".ac-adaptiveCard")
    if heading is not None:
        cards = cards.filter(has=page.get_by_role("heading", name=heading, exact=True))
    if text is not None:
        cards = cards.filter(has_text=text)
    return cards.last


def choose(card: Locator, question: str, answer: str) -> Locator:
    """The radio button `answer` of the expanded choice set labelled `question`."""
    group = card.get_by_role("radiogroup", name=question)
    return group.get_by_role("radio", name=answer, exact=True)


async def say(page: Page, text: str) -> None:
    """Type into the compose box and send, as a person would."""
    compose = page.locator('[role="textbox"][contenteditable="true"]')
    await compose.click()
    await compose.press_sequentially(text)
    await page.get_by_role("button", name="Send Message").click()
