"""The alert rektor and the nearest leader receive when someone melder fra (plan 8.3).

The card is rebuilt for every viewer (Universal Actions with `refresh`), so each person sees
the current state and only the buttons that still make sense for them. It shows enough to act
on (who, what kind, when, by whom) but not what was written: an alert pops up on phones and
lock screens, and the full report belongs in the case itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.cards.actions import CASE, Verb
from bot.cards.common import (
    action_set,
    adaptive_card,
    case_heading,
    detail,
    execute,
    format_datetime,
    format_time,
    local_date,
    notice,
    run,
    submit,
    text,
)
from bot.domain.case import STATE_LABELS, CaseState

ESCALATION_TEXT = "Ingen har bekreftet saken ennå"
"""Shown when nobody acknowledged the alert in time and the case was escalated."""

URGENT_MARKER = "Skjerpet aktivitetsplikt (§ 12-5)"


def urgent_notice(*, about_leadership: bool, rektor_text: str) -> dict[str, Any]:
    """The § 12-5 box; on a case about the leadership it names the owner, not rektor, as the
    one acting (the owner's people are its only readers)."""
    body = (
        "Saken gjelder skolens ledelse. Skoleeier behandler den; ingen i skolens ledelse har "
        "fått beskjed."
        if about_leadership
        else rektor_text
    )
    return notice(
        [text(URGENT_MARKER, bold=True, color="attention"), text(body)], style="attention"
    )


MAX_REFRESH_USERS = 60
"""Teams refreshes a card automatically for at most 60 listed users."""

_CLOSED = frozenset({CaseState.AVSLUTTET, CaseState.SKOLEEIER})
_INVESTIGATING = frozenset({CaseState.UNDERSOKE, CaseState.TILTAK, CaseState.AVSLUTTET})
_STATE_BY_LABEL = {label: state for state, label in STATE_LABELS.items()}


@dataclass(frozen=True)
class RecipientStatus:
    name: str
    role_label: str
    acknowledged_at: datetime | None


@dataclass(frozen=True)
class AlertView:
    """What an alert shows; deliberately without the report's free text.

    `owner_notified_by` and `assignee_name` are display names. `state` may be left out: it is
    then derived from `state_label` (a label from `STATE_LABELS`). `assignee_id`, when given,
    tells the card whether the viewer took the case; without it the names are compared.
    """

    case_id: str
    reference: str
    pupil_name: str
    pupil_class: str
    category_label: str
    reported_at: datetime
    reporter_name: str
    urgent: bool
    serious: bool
    owner_must_be_notified: bool
    owner_name: str
    owner_phone: str
    owner_notified_at: datetime | None
    owner_notified_by: str | None
    assignee_name: str | None
    state_label: str
    recipients: tuple[RecipientStatus, ...]
    escalated: bool = False
    state: CaseState | None = None
    assignee_id: str | None = None
    about_leadership: bool = False
    """§ 12-5 about the school's leadership: the owner's people handle it."""
    owner_in_teams: bool = False
    """The owner's people are configured: the bot sends the owner's notice itself."""

    @property
    def case_state(self) -> CaseState | None:
        return self.state or _STATE_BY_LABEL.get(self.state_label)


def _acknowledged_text(view: AlertView, status: RecipientStatus) -> str:
    if status.acknowledged_at is None:
        return "Ikke bekreftet ennå"
    if local_date(status.acknowledged_at) == local_date(view.reported_at):
        return f"Bekreftet kl. {format_time(status.acknowledged_at)}"
    return f"Bekreftet {format_datetime(status.acknowledged_at)}"


def _recipient_line(view: AlertView, status: RecipientStatus) -> dict[str, Any]:
    acknowledged = status.acknowledged_at is not None
    return {
        "type": "RichTextBlock",
        "spacing": "small",
        "inlines": [
            run(f"{status.name} ({status.role_label}): ", bold=True),
            {
                "type": "TextRun",
                "text": _acknowledged_text(view, status),
                "color": "good" if acknowledged else "warning",
            },
        ],
    }


def _viewer_status(
    view: AlertView, viewer_id: str, recipient_ids: Sequence[str]
) -> RecipientStatus | None:
    """The viewer's own line, by position: `recipient_ids` follows `view.recipients`."""
    if len(recipient_ids) != len(view.recipients) or viewer_id not in recipient_ids:
        return None
    return view.recipients[list(recipient_ids).index(viewer_id)]


def _owner_section(view: AlertView, *, viewer_is_rektor: bool) -> list[dict[str, Any]]:
    if not view.owner_must_be_notified:
        return []
    if view.owner_notified_at is not None:
        who = f" av {view.owner_notified_by}" if view.owner_notified_by else ""
        return [
            {
                "type": "RichTextBlock",
                "spacing": "medium",
                "inlines": [
                    run("Skoleeier varslet: ", bold=True),
                    run(f"{format_datetime(view.owner_notified_at)}{who}"),
                ],
            }
        ]
    if not viewer_is_rektor:
        told = "Skoleeier varsles i Teams." if view.owner_in_teams else "Rektor varsler skoleeier."
        return [text(told, subtle=True, spacing="medium")]
    return [
        notice(
            [
                text(
                    "Skoleeier får et varsel i Teams"
                    if view.owner_in_teams
                    else "Du må varsle skoleeier",
                    bold=True,
                ),
                detail("Ring", f"{view.owner_name}, tlf. {view.owner_phone}"),
                text(
                    "Kortet viser når varselet er levert. Ringer du, trykk på knappen."
                    if view.owner_in_teams
                    else "Trykk på knappen når det er gjort.",
                    small=True,
                ),
                {
                    "type": "ActionSet",
                    "actions": [
                        execute(
                            "Skoleeier er varslet",
                            Verb.OWNER_NOTIFIED,
                            {CASE: view.case_id},
                            style="positive",
                        )
                    ],
                },
            ],
            style="warning",
        )
    ]


def _actions(view: AlertView, viewer_id: str, recipient_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Only what this viewer can still usefully do; the domain rejects the rest anyway.

    Every recipient can open the case from the alert, in every state: the alert carries no
    free text, and the case card is where the whole report is read."""
    if viewer_id not in recipient_ids:
        return []
    opens = submit("Åpne saken", Verb.CASE_OPEN, {CASE: view.case_id})
    state = view.case_state
    if state in _CLOSED:
        return [opens]
    status = _viewer_status(view, viewer_id, recipient_ids)
    if view.assignee_id is not None:
        viewer_took_it = view.assignee_id == viewer_id
    else:
        viewer_took_it = (
            status is not None
            and view.assignee_name is not None
            and view.assignee_name == status.name
        )
    data = {CASE: view.case_id}
    actions: list[dict[str, Any]] = []
    acknowledged = status is not None and status.acknowledged_at is not None
    if not acknowledged and not viewer_took_it:
        actions.append(execute("Bekreft mottatt", Verb.ACKNOWLEDGE, data))
    investigating = state in _INVESTIGATING
    if view.assignee_name is None and not investigating:
        actions.append(execute("Jeg tar saken", Verb.TAKE, data, style="positive"))
    if not investigating and (view.assignee_name is None or viewer_took_it):
        actions.append(execute("Start undersøkelse", Verb.START_INVESTIGATION, data))
    return [*actions, opens]


def alert_card(
    view: AlertView,
    *,
    viewer_is_rektor: bool,
    viewer_id: str,
    recipient_ids: Sequence[str],
    escalation_text: str = ESCALATION_TEXT,
) -> dict[str, Any]:
    """The alert as `viewer_id` should see it now.

    `recipient_ids` are the Entra object ids of `view.recipients`, in the same order: they tell
    the card which line is the viewer's and which users Teams should refresh the card for.
    """
    body: list[dict[str, Any]] = [
        *case_heading("Bekymring for en elev", view.reference),
    ]
    if view.urgent:
        body.append(
            urgent_notice(
                about_leadership=view.about_leadership,
                rektor_text="Mistanke om at en ansatt krenker eleven. Rektor må handle straks og "
                "varsle skoleeier.",
            )
        )
    if view.escalated:
        body.append(notice([text(escalation_text, bold=True)], style="warning"))

    body += [
        detail("Elev", view.pupil_name),
        detail("Klasse", view.pupil_class),
        detail("Gjelder", view.category_label),
        detail("Meldt", format_datetime(view.reported_at)),
        detail("Meldt av", view.reporter_name),
    ]
    if view.serious:
        body.append(detail("Alvorlighet", "Spesielt alvorlig sak"))
    elif viewer_is_rektor and viewer_id in recipient_ids and view.case_state not in _CLOSED:
        # Found serious after intake: the school owner must then be told (plan 8.3).
        body.append(
            action_set(execute("Marker som alvorlig", Verb.MARK_SERIOUS, {CASE: view.case_id}))
        )
    body += [
        detail("Status", view.state_label),
        detail("Tatt av", view.assignee_name or "Ingen har tatt saken ennå"),
    ]
    body += _owner_section(view, viewer_is_rektor=viewer_is_rektor)

    if view.recipients:
        body.append(text("Mottakere", bold=True, spacing="medium"))
        body += [_recipient_line(view, status) for status in view.recipients]
    if viewer_id not in recipient_ids:
        body.append(text("Du er ikke mottaker av denne saken.", subtle=True, small=True))

    refresh = {
        "action": {
            "type": "Action.Execute",
            "title": "Oppdater",
            "verb": Verb.REFRESH.value,
            "data": {CASE: view.case_id},
        },
        "userIds": list(dict.fromkeys(recipient_ids))[:MAX_REFRESH_USERS],
    }
    return adaptive_card(
        body,
        _actions(view, viewer_id, recipient_ids),
        fallback_text=f"Ny bekymringsmelding, sak {view.reference}. Åpne Trygg skole i Teams.",
        full_width=True,
        refresh=refresh,
    )
