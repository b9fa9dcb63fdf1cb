"""What rektor sees of the archive hand-off: a rejection to deal with, a package to import."""

from __future__ import annotations

from typing import Any

from bot.cards.actions import CASE, Verb
from bot.cards.common import adaptive_card, heading, long_detail, submit, text


def archive_rejected_card(case_id: str, reference: str, reason: str) -> dict[str, Any]:
    """The archive's own words: they may name the case, so they are shown, never logged."""
    body = [
        heading(f"Arkivet avviste sak {reference}"),
        text(
            "Websak tok ikke imot saken. Ingenting mer av saken sendes før du har sett på "
            "grunnen og sender den på nytt.",
        ),
        *long_detail("Arkivets begrunnelse", reason[:1500] or "(ingen begrunnelse oppgitt)"),
        text("Ta det opp med arkivtjenesten hvis grunnen er uklar.", subtle=True, small=True),
    ]
    actions = [
        submit("Send på nytt", Verb.ARCHIVE_RETRY, {CASE: case_id}, style="positive"),
        submit("Åpne saken", Verb.CASE_OPEN, {CASE: case_id}),
    ]
    return adaptive_card(body, actions, fallback_text=f"Arkivet avviste sak {reference}.")


def archive_written_card(case_id: str, reference: str, documents: int) -> dict[str, Any]:
    files = "én fil" if documents == 1 else f"{documents} filer"
    body = [
        heading(f"Arkivpakken for sak {reference} er klar"),
        text(
            f"Skolen har ikke koblet boten til Websak, så pakken ({files}) ligger i mappen for "
            "manuell import. Importer den i Websak, og bekreft her når det er gjort: først da "
            "kan saken slettes fra boten."
        ),
    ]
    actions = [
        submit("Importert i Websak", Verb.ARCHIVE_IMPORTED, {CASE: case_id}, style="positive"),
        submit("Åpne saken", Verb.CASE_OPEN, {CASE: case_id}),
    ]
    return adaptive_card(body, actions, fallback_text=f"Arkivpakken for sak {reference} er klar.")
