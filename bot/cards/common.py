"""Small builders shared by the cards, so every card looks and behaves the same in Teams.

Text a person typed (a pupil's name, what they saw) is only ever shown through `TextRun`s:
TextBlocks and facts render Markdown, and a name like `[x](https://…)` must not become a link.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, Final, Literal, TypeVar
from zoneinfo import ZoneInfo

from bot.cards.actions import VERB, Verb

SCHEMA_URL = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION = "1.5"
"""Universal Actions (Action.Execute, refresh) need 1.5; Teams renders 1.5 on desktop and phone."""

LOCAL_ZONE = ZoneInfo("Europe/Oslo")
CARD_BUDGET: Final = 27_000
"""Bytes of JSON as the Bot Framework client sends it: Teams refuses a message over 40 KB, and
the tests hold every card under 28 000."""

_Room = TypeVar("_Room")

ContainerStyle = Literal["default", "emphasis", "good", "attention", "warning", "accent"]
ActionStyle = Literal["default", "positive", "destructive"]

YES = "Ja"
NO = "Nei"


def adaptive_card(
    body: Sequence[dict[str, Any]],
    actions: Sequence[dict[str, Any]] = (),
    *,
    fallback_text: str,
    full_width: bool = False,
    refresh: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The card envelope; `full_width` keeps long forms readable on desktop (phones ignore it)."""
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA_URL,
        "version": CARD_VERSION,
        "fallbackText": fallback_text,
        "body": list(body),
    }
    if actions:
        card["actions"] = list(actions)
    if refresh is not None:
        card["refresh"] = refresh
    if full_width:
        card["msteams"] = {"width": "Full"}
    return card


def objects_in(tree: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in a card, the card first: its elements, their actions, their data."""
    if isinstance(tree, dict):
        yield tree
        for value in tree.values():
            yield from objects_in(value)
    elif isinstance(tree, list):
        for item in tree:
            yield from objects_in(item)


def card_size(card: Mapping[str, Any]) -> int:
    """Bytes as sent: `json.dumps` escapes every æ, ø and å to six bytes."""
    return len(json.dumps(card).encode("utf-8"))


def fit_card(build: Callable[[_Room], dict[str, Any]], rooms: Iterable[_Room]) -> dict[str, Any]:
    """The first card that fits in a Teams message, trying `rooms` from the most generous
    (longer texts, more rows); the last one when none does."""
    card: dict[str, Any] = {}
    for room in rooms:
        card = build(room)
        if card_size(card) < CARD_BUDGET:
            break
    return card


def heading(text_: str) -> dict[str, Any]:
    return {
        "type": "TextBlock",
        "text": text_,
        "style": "heading",
        "size": "medium",
        "weight": "bolder",
        "wrap": True,
    }


def case_heading(title: str, reference: str) -> list[dict[str, Any]]:
    """A card about one case names it under its title, so a reader with several open knows
    which one it is."""
    return [heading(title), text(f"Sak {reference}", subtle=True, spacing="none")]


def text(
    text_: str,
    *,
    color: str | None = None,
    subtle: bool = False,
    bold: bool = False,
    small: bool = False,
    spacing: str | None = None,
) -> dict[str, Any]:
    """A TextBlock for the bot's own words; never pass it text a user typed."""
    block: dict[str, Any] = {"type": "TextBlock", "text": text_, "wrap": True}
    if color is not None:
        block["color"] = color
    if subtle:
        block["isSubtle"] = True
    if bold:
        block["weight"] = "bolder"
    if small:
        block["size"] = "small"
    if spacing is not None:
        block["spacing"] = spacing
    return block


def section(title: str, *, size: str | None = None) -> dict[str, Any]:
    """A part of a longer card, set off by a line above it."""
    block: dict[str, Any] = {
        "type": "TextBlock",
        "text": title,
        "weight": "bolder",
        "wrap": True,
        "spacing": "large",
        "separator": True,
    }
    if size is not None:
        block["size"] = size
    return block


def clip(value: str, limit: int, more: str = " …") -> str:
    """Typed text cut to `limit` characters, saying so with `more`."""
    return value if len(value) <= limit else value[:limit].rstrip() + more


def bullets(lines: Iterable[str]) -> list[dict[str, Any]]:
    """One TextBlock per line: Markdown lists render differently in Teams desktop and mobile."""
    return [text(f"• {line}", spacing="small") for line in lines]


def run(text_: str, *, bold: bool = False, subtle: bool = False) -> dict[str, Any]:
    """A TextRun: rendered verbatim, without Markdown, so it is safe for typed text."""
    inline: dict[str, Any] = {"type": "TextRun", "text": text_}
    if bold:
        inline["weight"] = "bolder"
    if subtle:
        inline["isSubtle"] = True
    return inline


def rich(*inlines: dict[str, Any], spacing: str = "small") -> dict[str, Any]:
    """A RichTextBlock of TextRuns: the safe way to show text a person typed."""
    return {"type": "RichTextBlock", "inlines": list(inlines), "spacing": spacing}


def detail(label: str, value: str) -> dict[str, Any]:
    """`Label: value` on one wrapping line; narrower than a FactSet on a phone and Markdown-safe."""
    return {
        "type": "RichTextBlock",
        "inlines": [run(f"{label}: ", bold=True), run(value)],
        "spacing": "small",
    }


def long_detail(label: str, value: str) -> list[dict[str, Any]]:
    """A label above a longer typed text (what someone saw), shown verbatim."""
    return [
        text(label, bold=True, spacing="medium"),
        {"type": "RichTextBlock", "inlines": [run(value)], "spacing": "small"},
    ]


def action_set(*actions: dict[str, Any]) -> dict[str, Any]:
    """Buttons inside the body: the way to put a button next to what it acts on."""
    return {"type": "ActionSet", "actions": list(actions), "spacing": "medium"}


def show_card(title: str, body: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A button that unfolds a part of the card; inputs in it are sent only by its own buttons."""
    return {
        "type": "Action.ShowCard",
        "title": title,
        "card": {"type": "AdaptiveCard", "body": list(body)},
    }


def notice(
    items: Sequence[dict[str, Any]], *, style: ContainerStyle, spacing: str = "medium"
) -> dict[str, Any]:
    return {"type": "Container", "style": style, "items": list(items), "spacing": spacing}


def _action(kind: str, title: str, **fields: Any) -> dict[str, Any]:
    """What every button has; a field left None (its style, the inputs it sends) is left to
    Teams' default."""
    return {"type": kind, "title": title, **{k: v for k, v in fields.items() if v is not None}}


def submit(
    title: str,
    verb: Verb,
    extra: Mapping[str, Any] | None = None,
    *,
    style: ActionStyle | None = None,
    associated_inputs: Literal["auto", "none"] | None = None,
) -> dict[str, Any]:
    """An Action.Submit: it arrives as a message whose `value` holds this data and the inputs."""
    data: dict[str, Any] = {VERB: verb.value}
    if extra:
        data.update(extra)
    return _action(
        "Action.Submit", title, data=data, style=style, associatedInputs=associated_inputs
    )


def execute(
    title: str,
    verb: Verb,
    data: Mapping[str, str],
    *,
    style: ActionStyle | None = None,
) -> dict[str, Any]:
    """A Universal Action: the bot answers the invoke with the updated card for that user."""
    return _action("Action.Execute", title, verb=verb.value, data=dict(data), style=style)


def to_my_cases(body: list[dict[str, Any]], fallback_text: str) -> dict[str, Any]:
    """A card that only tells: the one way on is the list of one's cases."""
    return adaptive_card(body, [submit("Mine saker", Verb.MY_CASES)], fallback_text=fallback_text)


def field_error_card(
    title: str,
    field_label: str,
    message: str,
    retry: dict[str, Any],
    *,
    note: str | None = None,
    more: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    """A refused form answered with one short card naming the field, not a second copy of the
    whole form: on a phone the person would land at its top, far from what to correct.

    `retry` is the one button (e.g. «Rett opp», carrying the answers back to the form); `note`
    says what did not happen ("Undersøkelsen er ikke lagret."); `more` are further (label,
    message) pairs. An empty label is a message about the whole form.
    """
    pairs = [(field_label, message), *more]
    lines: list[dict[str, Any]] = []
    for label, says in pairs:
        if not label:
            lines.append(text(says, color="attention"))
        else:
            named = label if label.endswith("?") else f"{label}:"
            lines.append(rich(run(named, bold=True), run(f" {says}")))
    body: list[dict[str, Any]] = [heading(title)]
    if note:
        body.append(text(note, spacing="none"))
    body += [
        notice(lines, style="attention", spacing="small"),
        text(
            f"Svarene dine er tatt vare på. Trykk «{retry.get('title', 'Rett opp')}» for å "
            "fortsette der du var.",
            subtle=True,
            small=True,
        ),
    ]
    names = ", ".join(label for label, _ in pairs if label) or "skjemaet"
    return adaptive_card(body, [retry], fallback_text=f"{note or title} Rett opp: {names}.")


def yes_no(value: bool) -> str:
    return YES if value else NO


def _local(moment: datetime) -> datetime:
    # Storage such as SQLite hands back naive datetimes; everything stored is UTC.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_ZONE)


def format_datetime(moment: datetime) -> str:
    """As people at the school read it: `26.11.2026 kl. 09:15`, in Norwegian time."""
    return _local(moment).strftime("%d.%m.%Y kl. %H:%M")


def format_time(moment: datetime) -> str:
    return _local(moment).strftime("%H:%M")


def local_date(moment: datetime) -> date:
    return _local(moment).date()


def format_date(day: date) -> str:
    return day.strftime("%d.%m.%Y")
