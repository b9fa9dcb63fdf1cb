"""Følge med (plan 8.1, 7.3): short dated notes about a pupil, and the nudge they can lead to.

A single note is rarely a case, but several about one pupil may be: the leader is asked to
consider a report when they pile up, because the plan's threshold is mistanke, not proof.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final

from bot.cards.actions import FIX, PUPIL, Verb
from bot.cards.common import (
    adaptive_card,
    clip,
    detail,
    fit_card,
    format_date,
    heading,
    notice,
    run,
    submit,
    text,
)
from bot.cards.inputs import error_summary, errors_card, form_inputs
from bot.domain.followup import (
    MAX_NOTE,
    OBSERVATION_FORM,
    OBSERVATION_WINDOW_DAYS,
    OBSERVATIONS_BEFORE_SUGGESTING,
    Observation,
)
from bot.domain.people import UNKNOWN_NAME

LOG_PRIVACY: Final = (
    "Skriv om denne eleven, ikke navn på andre elever. Kort og konkret: hva du så, ikke hva "
    "du tror."
)
MAX_SHOWN: Final = 30
"""Notes shown on the leader's log card, newest first."""
_NOTE_LIMITS: Final = (MAX_NOTE, 500, 250)


def observation_form_card(
    *,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    today: date,
) -> dict[str, Any]:
    """Quick enough to fill in between lessons on a phone."""
    values = dict(values or {})
    values["observed_on"] = values.get("observed_on") or today.isoformat()
    errors = errors or {}
    body: list[dict[str, Any]] = [
        heading("Skriv i loggen"),
        text(
            "Følge med: et kort, datert notat om noe du har sett. Nærmeste leder kan lese loggen.",
            small=True,
        ),
    ]
    if errors:
        body.append(error_summary(errors))
    body.append(notice([text(LOG_PRIVACY, small=True)], style="emphasis", spacing="small"))
    body += form_inputs(OBSERVATION_FORM, values, errors, today=today)
    body.append(
        text(
            "Er du bekymret for eleven nå? Da skal du melde fra – mistanke er nok.",
            subtle=True,
            small=True,
            spacing="medium",
        )
    )
    actions = [
        submit("Lagre i loggen", Verb.LOG_SAVE, style="positive"),
        submit("Meld fra i stedet", Verb.START_REPORT, associated_inputs="none"),
    ]
    return adaptive_card(body, actions, fallback_text="Skriv et notat i loggen (følge med).")


def observation_errors_card(
    errors: Mapping[str, str], values: Mapping[str, object]
) -> dict[str, Any]:
    """A refused note: what to correct, and «Rett opp» carrying the answers back."""
    data = {**OBSERVATION_FORM.typed(values), FIX: "1"}
    return errors_card(
        OBSERVATION_FORM,
        errors,
        unsaved="Notatet er ikke lagret.",
        fix=submit("Rett opp", Verb.LOG_START, data, style="positive"),
    )


def observation_saved_text(mine_30_days: int) -> str:
    """The reply after saving: how the writer's own notes add up, without naming the pupil.

    Colleagues' notes are left out: the log is shared with the leadership, not among staff.
    """
    if mine_30_days <= 1:
        tally = f"Dette er ditt første notat om eleven de siste {OBSERVATION_WINDOW_DAYS} dagene."
    else:
        tally = (
            f"Du har skrevet {mine_30_days} notater om eleven de siste "
            f"{OBSERVATION_WINDOW_DAYS} dagene."
        )
    if mine_30_days >= OBSERVATIONS_BEFORE_SUGGESTING:
        nudge = " Nærmeste leder blir bedt om å vurdere å melde fra."
    else:
        nudge = " Er du bekymret, meld fra – mistanke er nok."
    return "Lagret i loggen. " + tally + nudge


def _entries(
    observations: Sequence[Observation], author_names: Mapping[str, str], limit: int
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for observation in observations:
        note = clip(observation.note, limit)
        author = author_names.get(observation.author_id, UNKNOWN_NAME)
        items.append(
            {
                "type": "RichTextBlock",
                "spacing": "medium",
                "separator": True,
                "inlines": [
                    run(f"{format_date(observation.observed_on)} · ", bold=True),
                    run(author, subtle=True),
                ],
            }
        )
        items.append({"type": "RichTextBlock", "spacing": "small", "inlines": [run(note)]})
    return items


def pupil_log_card(
    pupil_name: str,
    pupil_class: str,
    observations: Sequence[Observation],
    author_names: Mapping[str, str],
) -> dict[str, Any]:
    """For the leader deciding whether the notes add up to a report."""
    newest = sorted(observations, key=lambda o: (o.observed_on, o.created_at), reverse=True)
    shown = newest[:MAX_SHOWN]
    head: list[dict[str, Any]] = [
        heading("Logg: følge med"),
        detail("Elev", pupil_name),
        detail("Klasse", pupil_class),
        detail("Antall notater", str(len(observations))),
    ]
    if not observations:
        head.append(text("Ingen notater om eleven.", subtle=True))
    tail: list[dict[str, Any]] = []
    if len(newest) > len(shown):
        tail.append(text(f"Viser de {len(shown)} nyeste av {len(newest)}.", subtle=True))
    actions = [submit("Meld fra", Verb.START_REPORT, style="positive")]
    return fit_card(
        lambda limit: adaptive_card(
            head + _entries(shown, author_names, limit) + tail,
            actions,
            fallback_text="Loggen for en elev (følge med).",
            full_width=True,
        ),
        _NOTE_LIMITS,
    )


def suggest_report_card(
    pupil_name: str, pupil_class: str, pupil_key: str, count: int
) -> dict[str, Any]:
    """To the nearest leader, who decides; the notes themselves stay in the log."""
    body: list[dict[str, Any]] = [
        heading("Vurder å melde fra"),
        detail("Elev", pupil_name),
        detail("Klasse", pupil_class),
        text(
            f"Det er skrevet {count} notater om eleven i loggen de siste "
            f"{OBSERVATION_WINDOW_DAYS} dagene.",
            spacing="medium",
        ),
        text(
            "Terskelen for å melde fra er lav: mistanke om at eleven ikke har det trygt og "
            "godt er nok. Les loggen og vurder om skolen skal undersøke saken.",
            subtle=True,
        ),
    ]
    actions = [
        submit("Se loggen", Verb.LOG_VIEW, {PUPIL: pupil_key}),
        submit("Meld fra", Verb.START_REPORT, style="positive"),
    ]
    return adaptive_card(
        body, actions, fallback_text="Flere notater om en elev i loggen: vurder å melde fra."
    )
