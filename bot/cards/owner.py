"""What the school owner's people get about a school's case: the facts the owner must know
(§ 12-4 serious cases, § 12-5), never the pupil's name or what was written."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.cards.common import case_heading, detail, format_datetime, notice, text, to_my_cases


def owner_notice_card(
    reference: str,
    school_name: str,
    category_label: str,
    reported_at: datetime,
    *,
    urgent: bool,
    serious: bool,
) -> dict[str, Any]:
    """Rektor handles the case; the owner is told it exists and why. The owner does not see
    the case itself unless it is routed to them (a case about the school's leadership)."""
    why = []
    if urgent:
        why.append("Mistanke om at en ansatt krenker en elev (§ 12-5).")
    if serious:
        why.append("Saken er spesielt alvorlig (§ 12-4).")
    body: list[dict[str, Any]] = [
        *case_heading("Skoleeier varsles om en sak", reference),
        notice([text(line, bold=True) for line in why], style="attention"),
        detail("Skole", school_name),
        detail("Gjelder", category_label),
        detail("Meldt", format_datetime(reported_at)),
        text(
            "Rektor følger opp saken. Elevens navn og det som er skrevet, vises ikke her.",
            subtle=True,
            spacing="medium",
        ),
    ]
    return to_my_cases(body, f"Skoleeier varsles om sak {reference} ved {school_name}.")
