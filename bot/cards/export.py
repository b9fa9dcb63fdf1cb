"""The link to a case exported as PDF.

The PDF holds everything about a pupil, so the link is single-use, bound to the person who
asked, and short-lived; the card says so, because a forwarded link simply will not work.
"""

from __future__ import annotations

from typing import Any

from bot.cards.common import adaptive_card, heading, notice, text


def export_link_card(
    reference: str, url: str, *, redacted: bool, expires_minutes: int, pack: bool = False
) -> dict[str, Any]:
    """`pack`: the documentation pack (a ZIP with every document and an overview)."""
    kind = "Dokumentasjonspakke" if pack else "Sladdet PDF" if redacted else "PDF"
    minutes = "1 minutt" if expires_minutes == 1 else f"{expires_minutes} minutter"
    body: list[dict[str, Any]] = [
        heading(f"{kind} av sak {reference}"),
        text(
            f"Lenken virker én gang, bare for deg, og utløper om {minutes}. Trenger du en ny, "
            "eksporter på nytt fra saken."
        ),
    ]
    if redacted:
        body.append(
            text(
                "Se over den sladdede versjonen før du deler den, så den ikke avslører hvem "
                "saken gjelder.",
                subtle=True,
                small=True,
            )
        )
    else:
        body.append(
            notice(
                [
                    text(
                        "PDF-en inneholder personopplysninger om en elev. Lagre den i "
                        "Vigilo/Websak, ikke på egen maskin eller i e-post.",
                        small=True,
                    )
                ],
                style="warning",
            )
        )
    return adaptive_card(
        body,
        [{"type": "Action.OpenUrl", "title": "Last ned PDF", "url": url}],
        fallback_text=f"{kind} av sak {reference} er klar. Åpne Trygg skole i Teams.",
    )
