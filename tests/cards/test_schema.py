"""The validator itself: it must load the official schema, repair its defects and catch mistakes."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft6Validator
from jsonschema.validators import validator_for

from bot.cards.actions import VERB, Verb
from tests.cards.schema import (
    MAX_CARD_BYTES,
    SCHEMA_URL,
    assert_valid_card,
    load_schema,
    project_errors,
    schema_errors,
)


def card(*body: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": "AdaptiveCard",
        "$schema": SCHEMA_URL,
        "version": "1.5",
        "body": list(body),
        **extra,
    }


def text(**props: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": "Hei", **props}


def test_schema_is_the_packaged_draft_06_file() -> None:
    schema = load_schema()
    assert schema["id"] == SCHEMA_URL
    assert validator_for(schema) is Draft6Validator
    assert "Action.Execute" in schema["definitions"]


def test_minimal_card_is_valid() -> None:
    assert_valid_card(card(text()))


def test_rtl_on_container_is_accepted_after_repair() -> None:
    container = {"type": "Container", "rtl": True, "items": [text()]}
    assert schema_errors(card(container)) == []


def test_enum_patterns_are_anchored_after_repair() -> None:
    assert schema_errors(card(text(color="Attention"))) == []  # the spec is case-insensitive
    assert schema_errors(card(text(color="attentionXYZ")))
    assert schema_errors(card(text(color="|")))


def test_top_level_card_needs_type_and_version() -> None:
    without_version = card(text())
    del without_version["version"]
    assert schema_errors(without_version)


def test_unknown_property_is_rejected() -> None:
    errors = schema_errors(card(text(colour="good")))
    assert any("colour" in e for e in errors)


def test_unknown_element_type_is_rejected() -> None:
    assert any("Input.Magic" in e for e in schema_errors(card({"type": "Input.Magic"})))


def test_msteams_is_stripped_before_validation() -> None:
    assert_valid_card(card(text(), msteams={"width": "Full"}))


def test_input_without_label_or_error_message_is_rejected() -> None:
    problems = project_errors(card({"type": "Input.Text", "id": "x"}))
    assert "input x has no label" in problems
    assert "input x has no errorMessage" in problems


def test_duplicate_ids_are_rejected() -> None:
    field = {"type": "Input.Text", "id": "x", "label": "X", "errorMessage": "Feil"}
    assert "duplicate ids: ['x']" in project_errors(card(field, dict(field)))


def test_unknown_verb_is_rejected() -> None:
    good = {"type": "Action.Submit", "title": "OK", "data": {VERB: Verb.HELP.value}}
    bad = {"type": "Action.Execute", "title": "Nei", "verb": "case.delete"}
    assert project_errors(card(text(), actions=[good])) == []
    assert any("case.delete" in p for p in project_errors(card(text(), actions=[bad])))


def test_oversized_card_is_rejected() -> None:
    big = card(text(text="x" * MAX_CARD_BYTES))
    assert any("over the budget" in p for p in project_errors(big))


def test_refresh_for_more_than_60_users_is_rejected() -> None:
    refresh = {
        "action": {"type": "Action.Execute", "verb": Verb.REFRESH.value},
        "userIds": [f"u{i}" for i in range(61)],
    }
    assert any("userIds" in p for p in project_errors(card(text(), refresh=refresh)))


def test_wrong_version_fails_the_assertion() -> None:
    with pytest.raises(AssertionError, match="version"):
        assert_valid_card({**card(text()), "version": "1.6"})
