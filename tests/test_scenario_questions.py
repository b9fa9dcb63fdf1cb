"""Questions in Teams: answered from the plan with its section, leading to the action."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.cards.actions import DRAFT, SECTION, VERB, Verb
from tests.cards.schema import assert_valid_card
from tests.conftest import TEACHER_9
from tests.teams import Harness, running_bot


async def _answer(bot: Harness, question: str) -> tuple[dict[str, Any], str]:
    """The teacher asks; the bot's answer is a card, valid against the schema (and its JSON)."""
    await bot.say(TEACHER_9, question)
    reply = bot.to(TEACHER_9)[-1]
    assert reply.card is not None
    assert_valid_card(reply.card)
    return reply.card, reply.card_json


async def test_how_do_i_report_gets_8_3_and_meld_fra_na_starts_the_report(tmp_path: Path
                                                                           ) -> None:
    async with running_bot(tmp_path) as bot:
        await bot.say(TEACHER_9, "hvordan melder jeg fra?")
        [reply] = bot.to(TEACHER_9)
        assert reply.card is not None
        assert_valid_card(reply.card)
        assert "«Skolemiljøplanen 8.3 Melde fra»" in reply.card_json
        button = reply.card["actions"][0]
        assert button["title"] == "Meld fra nå"
        # The bot's own report comes first, before the plan's Portal «12» form.
        body = reply.card["body"]
        assert body[0]["text"].startswith("Meld fra her i Teams")
        texts = " ".join(block.get("text", "") for block in body)
        assert texts.index("Meld fra her i Teams") < texts.index("Portalen")

        await bot.say(TEACHER_9, value=button["data"])
        form = bot.to(TEACHER_9)[-1].card
        assert form is not None
        submit = next(a for a in form["actions"] if a["data"].get(VERB) == Verb.REPORT_SUBMIT)
        assert len(submit["data"][DRAFT]) == 32


async def test_nynorsk_and_english_questions_are_answered(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await bot.say(TEACHER_9, "korleis melder eg frå?")
        assert "8.3" in bot.to(TEACHER_9)[-1].card_json
        await bot.say(TEACHER_9, "how often is an activity plan evaluated?")
        assert "8.7" in bot.to(TEACHER_9)[-1].card_json


async def test_unsure_names_the_nearest_leader_and_offers_sections(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        card, shown = await _answer(bot, "når er foreldremøtene?")
        assert "ikke sikker" in shown
        assert "Avdelingsleder Berit (nærmeste leder)" in shown
        sections = [a["data"].get(SECTION) for a in card["actions"]
                    if a["data"].get(VERB) == Verb.READ_SECTION]
        assert len(sections) == 3
        await bot.say(TEACHER_9, value={VERB: Verb.READ_SECTION, SECTION: sections[0]})
        assert f"Skolemiljøplanen {sections[0]}" in bot.to(TEACHER_9)[-1].card_json


async def test_out_of_scope_is_declined_and_law_goes_to_rektor(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await bot.say(TEACHER_9, "hva er lønna mi?")
        reply = bot.to(TEACHER_9)[-1].card_json
        assert "Meld fra" in reply and "Kilde" not in reply  # help, not a made-up answer
        await bot.say(TEACHER_9, "kan foreldre kreve erstatning fra skolen?")
        reply = bot.to(TEACHER_9)[-1].card_json
        assert "rektor" in reply.lower() and "Kilde" not in reply


async def test_a_question_the_law_answers_cites_the_law_not_the_plan(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        _, shown = await _answer(bot, "kan foreldrene klage saken til statsforvalteren?")
        assert "«Opplæringslova § 12-6»" in shown
        assert "Skolemiljøplanen" not in shown


async def test_an_english_question_gets_an_english_answer(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        card, shown = await _answer(bot, "How do I report bullying to the principal?")
        assert "Translated from the school's Norwegian plan" in shown
        assert "must notify the principal" in shown
        assert "«Skolemiljøplanen 8.3 Melde fra»" in shown
        assert card["actions"][0]["title"] == "Meld fra nå"


async def test_an_adult_harming_a_pupil_gets_8_3_and_meld_fra_na(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        card, shown = await _answer(bot, "hva gjør jeg hvis en lærer kjefter stygt på en elev?")
        assert "«Skolemiljøplanen 8.3 Melde fra»" in shown
        assert card["actions"][0]["title"] == "Meld fra nå"


async def test_what_the_plan_does_not_cover_is_said_honestly_with_who_to_ask(
    tmp_path: Path,
) -> None:
    async with running_bot(tmp_path) as bot:
        _, shown = await _answer(bot, "jeg er anklaget for å ha krenket en elev, hva gjør jeg?")
        assert "dekker ikke" in shown and "Kilde" not in shown
        assert "Avdelingsleder Berit (nærmeste leder)" in shown


async def test_a_section_that_does_not_exist(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await bot.say(TEACHER_9, value={VERB: Verb.READ_SECTION, SECTION: "99.9"})
        assert "Finner ikke" in bot.to(TEACHER_9)[-1].text
