"""The card that tells a staff member what the bot is for, and the one greeting them on install.

Rektor and the leaders come to the bot for the cases routed to them, a teacher to melde fra:
each gets the card for the work they do, with that work's button first.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto
from typing import Any

from bot.cards.actions import Verb
from bot.cards.common import adaptive_card, bullets, heading, notice, submit, text


class Audience(Enum):
    """Whom the card is for. Only compared, never stored or sent: the values mean nothing."""

    STAFF = auto()
    LEADER = auto()
    REKTOR = auto()


@dataclass(frozen=True)
class OpenCases:
    """How many of the cases routed to a leader are open, and how many wait for them (not
    acknowledged yet): counts only, the card names no pupil."""

    open: int
    waiting: int


COMMANDS = "Du kan også skrive: «meld fra», «mine saker», «logg» og «hjelp»."


def _staff_lines() -> list[str]:
    return [
        "Melde fra om en bekymring for en elev. Rektor og nærmeste leder får beskjed.",
        "Vise sakene dine og hva som skjer i dem.",
        "Skrive et kort notat i loggen når du følger med på en elev («logg»).",
        "Svare på spørsmål om rutinene i skolemiljøplanen.",
    ]


def _leader_lines(audience: Audience) -> list[str]:
    lines = [
        "«Mine saker»: sakene som er sendt til deg, hva som venter og neste frist. "
        "Trykk på en sak for å se hele meldingen.",
        "Bekymringsmeldinger kommer som varsel her i chatten; «Åpne saken» viser hele saken.",
        "Undersøkelse, aktivitetsplan og evaluering fyller du ut fra saken.",
    ]
    if audience is Audience.REKTOR:
        lines.append("«Statistikk»: tall for skolens saker (skriv «statistikk»).")
        lines.append("«Vikar»: vikar for deg eller en leder fra–til (skriv «vikar»).")
    lines += [
        "Melde fra selv, og skrive i loggen når du følger med på en elev («logg»).",
        "Svare på spørsmål om rutinene i skolemiljøplanen.",
    ]
    return lines


def _open_cases(counts: OpenCases) -> dict[str, Any]:
    if counts.open == 0:
        return text("Du har ingen åpne saker nå.", subtle=True)
    saker = "åpen sak" if counts.open == 1 else "åpne saker"
    waiting = f", {counts.waiting} venter på at du bekrefter mottatt" if counts.waiting else ""
    return notice(
        [text(f"Du har {counts.open} {saker}{waiting}.", bold=True)],
        style="warning" if counts.waiting else "accent",
    )


def help_card(
    school_name: str,
    *,
    welcome: bool = False,
    audience: Audience = Audience.STAFF,
    open_cases: OpenCases | None = None,
) -> dict[str, Any]:
    """Buttons first and little text: most people open this on a phone between lessons."""
    leads = audience is not Audience.STAFF
    body: list[dict[str, Any]] = []
    if welcome:
        body += [heading("Velkommen til Trygg skole")]
        if leads:
            role = "rektor" if audience is Audience.REKTOR else "leder"
            body.append(
                text(
                    f"Hei! Du er {role} på {school_name}. Her får du bekymringsmeldingene "
                    "og følger opp aktivitetsplikten (opplæringsloven kapittel 12)."
                )
            )
        else:
            body += [
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
    if leads and open_cases is not None:
        body.append(_open_cases(open_cases))
    body += bullets(_leader_lines(audience) if leads else _staff_lines())
    body.append(text(COMMANDS, subtle=True, small=True))
    if leads:
        actions = [
            submit("Mine saker", Verb.MY_CASES, style="positive"),
            submit("Meld fra", Verb.START_REPORT),
            submit("Skriv i loggen", Verb.LOG_START),
            submit("Spør om rutinene", Verb.ASK),
        ]
    else:
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
