"""The card that tells a staff member what the bot is for, and the one greeting them on install."""

from __future__ import annotations

from typing import Any

from bot.cards.actions import Verb
from bot.cards.common import adaptive_card, bullets, heading, submit, text


def help_card(school_name: str, *, welcome: bool = False) -> dict[str, Any]:
    """Buttons first and little text: most people open this on a phone between lessons."""
    body: list[dict[str, Any]] = []
    if welcome:
        body += [
            heading("Velkommen til Trygg skole"),
            text(
                f"Hei! Jeg hjelper ansatte på {school_name} med aktivitetsplikten "
                "(opplæringsloven kapittel 12)."
            ),
            text(
                "Alle som jobber på skolen skal melde fra til rektor ved mistanke om eller "
                "kjennskap til at en elev ikke har det trygt og godt.",
                subtle=True,
            ),
        ]
    else:
        body += [heading("Dette kan jeg hjelpe med"), text(f"Trygg skole – {school_name}")]
    body += bullets(
        [
            "Melde fra om en bekymring for en elev. Rektor og nærmeste leder får beskjed.",
            "Vise sakene dine og hva som skjer i dem.",
            "Skrive et kort notat i loggen når du følger med på en elev («logg»).",
            "Svare på spørsmål om rutinene i skolemiljøplanen.",
        ]
    )
    body.append(text("Trykk på en knapp under.", subtle=True, small=True))
    actions = [
        submit("Meld fra", Verb.START_REPORT, style="positive"),
        submit("Mine saker", Verb.MY_CASES),
        submit("Skriv i loggen", Verb.LOG_START),
        submit("Spør om rutinene", Verb.ASK),
    ]
    fallback = (
        "Trygg skole: melde fra om en bekymring for en elev, se sakene dine, skrive i "
        "loggen, spørre om rutinene i skolemiljøplanen."
    )
    return adaptive_card(body, actions, fallback_text=fallback)
