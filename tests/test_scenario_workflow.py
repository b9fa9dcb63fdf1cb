"""Issue 14 over HTTP with a fixed clock: dates that hold, the workflow without holes."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.cards.actions import CASE, VERB, VERSION, Verb
from tests.cards.schema import assert_valid_card
from tests.conftest import LEADER_9, OSLO, TEACHER_9
from tests.fakes import FakeClock
from tests.teams import Harness, running_bot
from tests.test_scenario_case import PLAN, _reminders, _setup, _tick

pytestmark = pytest.mark.usefixtures("sdk")

INVESTIGATION = {
    "methods": "samtale_elev",
    "samtale_elev_date": "2026-12-01",
    "samtale_elev_note": "Dialogisk samtale",
    "findings": "Opplever utenforskap.",
    "best_interest": "Trygghet i friminuttene først.",
    "completed": "true",
}


def _inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Input.") and "id" in node:
                found[node["id"]] = node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return found


async def _investigated(bot: Harness, case_id: str) -> None:
    await bot.say(LEADER_9, value={VERB: Verb.INVESTIGATION_SAVE, CASE: case_id, **INVESTIGATION})


async def test_dates_plan_form_proposes_a_school_day_and_says_so_confirmation_names_reminder(
    tmp_path: Path,
) -> None:
    clock = FakeClock(datetime(2026, 12, 1, 10, 0, tzinfo=OSLO))  # + 3 weeks = 22.12 (holiday)
    async with running_bot(tmp_path, clock=clock) as bot:
        case_id = await _setup(bot)
        await _investigated(bot, case_id)
        await bot.say(LEADER_9, value={VERB: Verb.PLAN_FORM, CASE: case_id, VERSION: "1"})
        card = bot.to(LEADER_9)[-1].card
        assert card is not None
        assert_valid_card(card)
        assert _inputs(card)["evaluate_on"]["value"] == "2027-01-04"
        assert "22.12.2026 er ikke en skoledag" in json.dumps(card, ensure_ascii=False)

        # A date in the holiday is refused with a school day offered.
        await bot.say(
            LEADER_9,
            value={
                VERB: Verb.PLAN_SAVE,
                CASE: case_id,
                VERSION: "1",
                **PLAN,
                "evaluate_on": "2026-12-22",
            },
        )
        refused = bot.to(LEADER_9)[-1].card_json
        assert "22.12.2026 er ikke en skoledag" in refused and "04.01.2027" in refused

        await bot.say(
            LEADER_9,
            value={
                VERB: Verb.PLAN_SAVE,
                CASE: case_id,
                VERSION: "1",
                **PLAN,
                "evaluate_on": "2027-01-04",
            },
        )
        told = [m.text for m in bot.to(LEADER_9) if m.text]
        assert any("påminnelse 04.01.2027 kl. 08:00" in t for t in told), told

        # The reminder comes that morning and reads the same date (the investigation's and
        # the plan deadline's reminders are void: both were done).
        assert await _tick(bot, clock, datetime(2027, 1, 4, 8, 0, tzinfo=OSLO)) == (2, 4)
        [reminder] = _reminders(bot, TEACHER_9)
        assert "04.01.2027" in reminder and "22.12.2026" not in reminder
