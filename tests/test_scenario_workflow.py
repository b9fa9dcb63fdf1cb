"""Issue 14 over HTTP with a fixed clock: dates that hold, the workflow without holes."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.cards.actions import CASE, VERB, VERSION, Verb
from bot.domain.case import NO_ACCESS, CaseState, EventKind
from tests.cards.schema import assert_valid_card, inputs
from tests.conftest import LEADER_9, MILJO, OSLO, REKTOR, T0, TEACHER_9
from tests.fakes import FakeClock
from tests.scenario import EVERYONE, card_to, case_of, install, report
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
    return {node["id"]: node for node in inputs(card)}


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
        card = card_to(bot, LEADER_9)
        assert _inputs(card)["evaluate_on"]["value"] == "2027-01-04"
        assert "22.12.2026 er ikke en skoledag" in json.dumps(card, ensure_ascii=False)

        # A date in the holiday is refused with a school day offered.
        save = {VERB: Verb.PLAN_SAVE, CASE: case_id, VERSION: "1", **PLAN}
        await bot.say(LEADER_9, value={**save, "evaluate_on": "2026-12-22"})
        refused = bot.to(LEADER_9)[-1].card_json
        assert "22.12.2026 er ikke en skoledag" in refused and "04.01.2027" in refused

        await bot.say(LEADER_9, value={**save, "evaluate_on": "2027-01-04"})
        told = [m.text for m in bot.to(LEADER_9) if m.text]
        assert any("påminnelse 04.01.2027 kl. 08:00" in t for t in told), told

        # The reminder comes that morning and reads the same date (the investigation's and
        # the plan deadline's reminders are void: both were done).
        assert await _tick(bot, clock, datetime(2027, 1, 4, 8, 0, tzinfo=OSLO)) == (2, 4)
        [reminder] = _reminders(bot, TEACHER_9)
        assert "04.01.2027" in reminder and "22.12.2026" not in reminder


async def test_close_without_measures_after_investigation_over_http(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 12, 1, 10, 0, tzinfo=OSLO))
    async with running_bot(tmp_path, clock=clock) as bot:
        case_id = await _setup(bot)
        await _investigated(bot, case_id)
        await bot.say(LEADER_9, value={VERB: Verb.CASE_OPEN, CASE: case_id})
        assert "Avslutt uten tiltak" in bot.to(LEADER_9)[-1].card_json
        await bot.say(LEADER_9, value={VERB: Verb.CONCLUSION_FORM, CASE: case_id})
        form = card_to(bot, LEADER_9)
        assert {"conclusion", "pupil_view", "pupil_view_missing"} <= set(_inputs(form))

        # Without the pupil's view or a reason: one short card naming the field.
        conclude = {VERB: Verb.CONCLUSION_SAVE, CASE: case_id,
                    "conclusion": "Trygt og godt skolemiljø."}
        await bot.say(LEADER_9, value=conclude)
        refused = bot.to(LEADER_9)[-1].card
        assert refused is not None and _inputs(refused) == {}
        assert "eller velg hvorfor det mangler" in bot.to(LEADER_9)[-1].card_json

        await bot.say(LEADER_9, value={**conclude, "pupil_view_missing": "onsket_ikke"})
        async with bot.runtime.services.uow() as uow:
            case = await uow.cases.get(case_id)
            events = await uow.events.for_case(case_id)
        assert case is not None and case.state is CaseState.AVSLUTTET and case.plans == []
        assert case.conclusion is not None and case.conclusion.pupil_view_missing == "onsket_ikke"
        closed = [e for e in events if e.kind is EventKind.CLOSED]
        assert [e.detail for e in closed] == [{"path": "no_measures"}]


async def test_closing_before_the_evaluation_date_rektor_overrides_with_a_reason(
    tmp_path: Path,
) -> None:
    clock = FakeClock(datetime(2026, 12, 1, 10, 0, tzinfo=OSLO))
    async with running_bot(tmp_path, clock=clock) as bot:
        case_id = await _setup(bot)
        await _investigated(bot, case_id)
        await bot.say(
            LEADER_9, value={VERB: Verb.PLAN_SAVE, CASE: case_id, VERSION: "1", **PLAN}
        )  # evaluated 17.12
        close = {
            VERB: Verb.EVALUATION_SAVE,
            CASE: case_id,
            VERSION: "1",
            "outcome": "avslutte",
            "note": "Eleven har det bra.",
        }
        await bot.say(LEADER_9, value=close)
        assert "Rektor kan avslutte før" in (bot.to(LEADER_9)[-1].text or "")
        await bot.say(REKTOR, value=close)
        card = card_to(bot, REKTOR)
        assert "override_reason" in json.dumps(card)  # the form under «Rett opp» asks rektor
        await bot.say(REKTOR, value={**close, "override_reason": "Eleven har byttet skole."})
        async with bot.runtime.services.uow() as uow:
            case = await uow.cases.get(case_id)
            kinds = [e.kind for e in await uow.events.for_case(case_id)]
        assert case is not None and case.state is CaseState.AVSLUTTET
        assert EventKind.CLOSE_OVERRIDDEN in kinds


async def test_mark_serious_later_from_rektors_alert_card(tmp_path: Path) -> None:
    async with running_bot(tmp_path, clock=FakeClock(T0)) as bot:
        case_id = await _setup(bot)
        leader = await bot.press(LEADER_9, Verb.MARK_SERIOUS, {CASE: case_id})
        assert "Bare rektor eller rektors stedfortreder" in json.dumps(
            leader["value"], ensure_ascii=False
        )
        answer = await bot.press(REKTOR, Verb.MARK_SERIOUS, {CASE: case_id})
        assert_valid_card(answer["value"])
        shown = json.dumps(answer["value"], ensure_ascii=False)
        assert "Spesielt alvorlig sak" in shown and "Du må varsle skoleeier" in shown
        notified = await bot.press(REKTOR, Verb.OWNER_NOTIFIED, {CASE: case_id})
        assert "Skoleeier varslet" in json.dumps(notified["value"], ensure_ascii=False)
        async with bot.runtime.services.uow() as uow:
            case = await uow.cases.get(case_id)
            kinds = [e.kind for e in await uow.events.for_case(case_id)]
        assert case is not None and case.marked_serious_by == REKTOR
        assert case.marked_serious_at is not None and case.owner_notified_at is not None
        assert EventKind.MARKED_SERIOUS in kinds


async def test_substitute_set_on_rektors_card_gets_the_next_alert(tmp_path: Path) -> None:
    async with running_bot(tmp_path, clock=FakeClock(T0)) as bot:
        await install(bot, *EVERYONE)
        await bot.say(TEACHER_9, "vikar")
        assert "Bare rektor kan sette vikar" in (bot.to(TEACHER_9)[-1].text or "")
        await bot.say(REKTOR, "vikar")
        form = card_to(bot, REKTOR)
        assert set(_inputs(form)) == {"absent", "substitute", "starts_on", "ends_on"}
        stand_in = {VERB: Verb.SUBSTITUTE_SAVE, "absent": REKTOR, "substitute": MILJO,
                    "starts_on": "2026-11-26"}
        await bot.say(REKTOR, value={**stand_in, "ends_on": "2026-11-20"})
        assert "«Til» må være samme dag" in bot.to(REKTOR)[-1].card_json
        await bot.say(REKTOR, value={**stand_in, "ends_on": "2026-12-04"})
        saved = bot.to(REKTOR)[-1].card_json
        assert "26.11.2026–04.12.2026" in saved and "Vikar lagret" in saved

        case_id = await _setup(bot, draft="e" * 32)
        alert = bot.to(MILJO)[-1].card_json
        assert "Bekymring for en elev" in alert
        assert "Vikar for Rektor Rita 26.11.2026–04.12.2026" in alert
        # Standing in for rektor, the substitute may mark the case serious.
        answer = await bot.press(MILJO, Verb.MARK_SERIOUS, {CASE: case_id})
        assert "Spesielt alvorlig sak" in json.dumps(answer["value"], ensure_ascii=False)


async def test_12_5_the_employee_picked_on_the_report_form_never_gets_or_sees_the_case(
    tmp_path: Path,
) -> None:
    clock = FakeClock(T0)
    async with running_bot(tmp_path, clock=clock) as bot:
        await install(bot, TEACHER_9, REKTOR, LEADER_9)
        await bot.say(TEACHER_9, "meld fra")
        form = card_to(bot, TEACHER_9)
        picker = _inputs(form)["suspected_id"]
        assert picker["type"] == "Input.ChoiceSet" and not picker["isRequired"]
        offered = {c["value"] for c in picker["choices"]}
        assert LEADER_9 in offered and TEACHER_9 not in offered  # not the reporter

        draft = "f" * 32
        await report(bot, TEACHER_9, draft, staff_suspected="true", suspected_id=LEADER_9)
        case = await case_of(bot, draft)
        assert case.suspected_id == LEADER_9 and case.urgent
        assert [r.person_id for r in case.recipients] == [REKTOR]
        assert not [m for m in bot.to(LEADER_9) if m.card_json and case.id in m.card_json]
        await bot.say(LEADER_9, value={VERB: Verb.CASE_OPEN, CASE: case.id})
        assert NO_ACCESS in (bot.to(LEADER_9)[-1].text or "")
        await bot.say(REKTOR, value={VERB: Verb.ADD_MEMBER, CASE: case.id, "member": LEADER_9})
        assert "§ 12-5" in (bot.to(REKTOR)[-1].text or "")
        # Every reminder of the case goes elsewhere.
        async with bot.runtime.services.uow() as uow:
            reminders = await uow.reminders.for_case(case.id)
        assert reminders and all(r.recipient_id != LEADER_9 for r in reminders)
