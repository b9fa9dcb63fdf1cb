"""The forms on a phone, through Teams: short forms, one short card for what to correct, and
«Rett opp» bringing back the form as it was filled in (issue 14, point 6)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from bot.cards.actions import CASE, VERB, VERSION, Verb
from bot.domain.case import CaseState
from tests.cards.schema import by_id, find_action, inputs, submitted, texts
from tests.conftest import LEADER_9, OSLO, REKTOR, T0, TEACHER_9
from tests.fakes import FakeClock
from tests.samples import form_values
from tests.scenario import card_to, install, reported
from tests.teams import Harness, running_bot


async def _send(bot: Harness, person: str, card: dict[str, Any], verb: Verb,
                **answers: str) -> None:
    """Presses the button with `verb`, sending the card's inputs as Teams does."""
    action = find_action(card, verb)
    assert action is not None, verb
    sent = {**action["data"]}
    if action.get("associatedInputs") != "none":
        sent.update(submitted(card, **answers))
    await bot.say(person, value=sent)


async def _press(bot: Harness, person: str, card: dict[str, Any], verb: Verb,
                 **answers: str) -> dict[str, Any]:
    """Presses the button with `verb` and returns the card the bot answers with."""
    await _send(bot, person, card, verb, **answers)
    return card_to(bot, person)


async def _case(bot: Harness) -> str:
    """A reported case whose leader has opened the investigation form (the last card)."""
    await install(bot, TEACHER_9, REKTOR, LEADER_9)
    case_id = await reported(bot, "b" * 32)
    await bot.say(LEADER_9, value={VERB: Verb.INVESTIGATION_FORM, CASE: case_id})
    return case_id


async def _investigated(bot: Harness, case_id: str) -> None:
    """A plan needs a documented investigation with barnets beste first."""
    await bot.say(LEADER_9, value={
        VERB: Verb.INVESTIGATION_SAVE, CASE: case_id, "methods": "samtale_elev",
        "samtale_elev_date": "2026-11-26", "best_interest": "Trygghet først."})


async def test_a_report_missing_how_you_intervened_names_the_field_and_keeps_the_answers(
    tmp_path: Path,
) -> None:
    async with running_bot(tmp_path) as bot:
        await bot.say(TEACHER_9, "meld fra")
        form = card_to(bot, TEACHER_9)
        assert by_id(form)["intervention"]["label"].endswith("(må fylles ut)")
        refused = await _press(bot, TEACHER_9, form, Verb.REPORT_SUBMIT,
                               **form_values(intervention=""))
        assert inputs(refused) == []
        assert "Hvis ja: hvordan grep du inn? Skriv kort hvordan du grep inn." in texts(refused)
        again = await _press(bot, TEACHER_9, refused, Verb.REPORT_EDIT)
        elements = by_id(again)
        assert elements["pupil_name"]["value"] == "Ola Nordmann"
        assert elements["intervened"]["value"] == "ja"
        assert "Skriv kort hvordan du grep inn." in bot.to(TEACHER_9)[-1].card_json
        summary = await _press(bot, TEACHER_9, again, Verb.REPORT_SUBMIT,
                               intervention="Tok Ola med i fotballen.")
        assert find_action(summary, Verb.REPORT_CONFIRM) is not None


async def test_the_investigation_asks_the_methods_first_and_a_refusal_keeps_the_answers(
    tmp_path: Path,
) -> None:
    async with running_bot(tmp_path, clock=FakeClock(T0)) as bot:
        case_id = await _case(bot)
        first = card_to(bot, LEADER_9)
        assert [e["id"] for e in inputs(first)] == [
            "methods", "findings", "best_interest", "completed"]
        second = await _press(bot, LEADER_9, first, Verb.INVESTIGATION_FORM,
                              methods="samtale_elev,foresatte", findings="Alene i friminutt.")
        assert [e["id"] for e in inputs(second)][:5] == [
            "methods", "samtale_elev_date", "samtale_elev_note", "foresatte_date",
            "foresatte_note"]
        assert by_id(second)["findings"]["value"] == "Alene i friminutt."
        refused = await _press(bot, LEADER_9, second, Verb.INVESTIGATION_SAVE,
                               samtale_elev_date="2026-11-25", samtale_elev_note="Gruer seg.")
        assert inputs(refused) == []
        assert "Samtale med foresatte – dato" in bot.to(LEADER_9)[-1].card_json
        again = await _press(bot, LEADER_9, refused, Verb.INVESTIGATION_FORM)
        assert by_id(again)["samtale_elev_note"]["value"] == "Gruer seg."
        assert "Skriv når: samtale med foresatte." in bot.to(LEADER_9)[-1].card_json
        await _press(bot, LEADER_9, again, Verb.INVESTIGATION_SAVE, foresatte_date="2026-11-26")
        async with bot.runtime.services.uow() as uow:
            case = await uow.cases.get(case_id)
        assert case is not None and case.investigation is not None
        assert [s.note for s in case.investigation.steps] == ["Gruer seg.", ""]


async def test_a_plan_grows_one_measure_at_a_time_and_a_refusal_keeps_the_answers(
    tmp_path: Path,
) -> None:
    async with running_bot(tmp_path, clock=FakeClock(T0)) as bot:
        case_id = await _case(bot)
        await _investigated(bot, case_id)
        await bot.say(LEADER_9, value={VERB: Verb.PLAN_FORM, CASE: case_id, VERSION: "1"})
        form = card_to(bot, LEADER_9)
        answers = {
            "problem": "Ola blir holdt utenfor.", "m1_description": "Fast voksen i storefri",
            "m1_when": "Hver dag", "m1_responsible": TEACHER_9, "m1_ends_on": "2027-01-29",
            "m2_description": "Klassemøte", "m2_when": "Fredager", "m2_responsible": LEADER_9,
            "m2_ends_on": "2027-01-29", "pupil_view_missing": "for_ung",
        }
        bigger = await _press(bot, LEADER_9, form, Verb.PLAN_FORM, **answers)
        assert "m3_description" in by_id(bigger) and "m4_description" not in by_id(bigger)
        assert by_id(bigger)["m2_when"]["value"] == "Fredager"
        refused = await _press(bot, LEADER_9, bigger, Verb.PLAN_SAVE,
                               m3_description="Samtale med foresatte")
        assert inputs(refused) == []
        assert "Tiltak 3: når gjennomføres det?" in bot.to(LEADER_9)[-1].card_json
        again = await _press(bot, LEADER_9, refused, Verb.PLAN_FORM)
        assert by_id(again)["m3_description"]["value"] == "Samtale med foresatte"
        await _press(bot, LEADER_9, again, Verb.PLAN_SAVE, m3_when="Uke 50",
                     m3_responsible=LEADER_9, m3_ends_on="2026-12-18")
        async with bot.runtime.services.uow() as uow:
            case = await uow.cases.get(case_id)
        assert case is not None and case.state is CaseState.TILTAK
        assert [m.when for m in case.plans[-1].measures] == ["Hver dag", "Fredager", "Uke 50"]


async def test_a_refused_evaluation_unfolds_its_form_on_the_same_card(tmp_path: Path) -> None:
    clock = FakeClock(T0)
    async with running_bot(tmp_path, clock=clock) as bot:
        case_id = await _case(bot)
        await _investigated(bot, case_id)
        await bot.say(LEADER_9, value={
            VERB: Verb.PLAN_SAVE, CASE: case_id, VERSION: "1", "problem": "Utenfor.",
            "m1_description": "Voksen", "m1_when": "Hver dag", "m1_responsible": TEACHER_9,
            "m1_ends_on": "2027-01-29", "evaluate_on": "2026-12-17", "pupil_view": "Vil."})
        clock.set(datetime(2026, 12, 17, 9, 0, tzinfo=OSLO))
        await bot.say(LEADER_9, value={VERB: Verb.EVALUATION_SAVE, CASE: case_id, VERSION: "1",
                                       "outcome": "avslutte", "note": ""})
        refused = card_to(bot, LEADER_9)
        (fix,) = refused["actions"]
        assert fix["type"] == "Action.ShowCard"
        await _press(bot, LEADER_9, fix["card"], Verb.EVALUATION_SAVE,
                     note="Eleven sier hen har det bra.")
        async with bot.runtime.services.uow() as uow:
            case = await uow.cases.get(case_id)
        assert case is not None and case.state is CaseState.AVSLUTTET


async def test_a_refused_log_note_comes_back_filled_in(tmp_path: Path) -> None:
    async with running_bot(tmp_path, clock=FakeClock(T0)) as bot:
        await bot.say(TEACHER_9, "logg")
        form = card_to(bot, TEACHER_9)
        refused = await _press(bot, TEACHER_9, form, Verb.LOG_SAVE, pupil_name="Per Hansen",
                               note="Satt alene.")
        assert inputs(refused) == []
        again = await _press(bot, TEACHER_9, refused, Verb.LOG_START)
        assert by_id(again)["pupil_name"]["value"] == "Per Hansen"
        assert "Fyll inn klasse." in bot.to(TEACHER_9)[-1].card_json
        await _send(bot, TEACHER_9, again, Verb.LOG_SAVE, pupil_class="9B")
        assert bot.to(TEACHER_9)[-1].text.startswith("Lagret i loggen.")
