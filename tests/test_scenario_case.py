"""A case from report to closed, through Teams, with a fixed clock: every reminder fires once,
at the school's local morning, to the right people; the stranger gets «ingen tilgang»."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from bot.cards.actions import CASE, VERB, VERSION, Verb
from bot.domain.case import NO_ACCESS, CaseState, EventKind
from bot.services.reminders import run_all_due
from tests.cards.schema import assert_valid_card
from tests.conftest import LEADER_9, MILJO, OSLO, REKTOR, T0, TEACHER_8, TEACHER_9
from tests.fakes import FakeClock
from tests.scenario import EVERYONE, card_to, install, reported
from tests.teams import Harness, conversation_id, running_bot

pytestmark = pytest.mark.usefixtures("sdk")  # on both hosts (tests/conftest.py)


async def _setup(bot: Harness, draft: str = "a" * 32) -> str:
    """Everyone has the app; Lise reports (the sample report) and the alerts go out."""
    await install(bot, *EVERYONE)
    return await reported(bot, draft)


def _reminders(bot: Harness, person: str) -> list[str]:
    return [r.card_json for r in bot.connector.delivered(conversation_id(person))
            if r.body.get("summary", "").startswith(("Påminnelse", "Evaluer", "Evaluering"))]


async def _tick(bot: Harness, clock: FakeClock, moment: datetime) -> tuple[int, int]:
    clock.set(moment)
    result = await run_all_due(bot.runtime.services)
    await bot.deliver()
    return result


async def _state(bot: Harness, case_id: str) -> CaseState:
    async with bot.runtime.services.uow() as uow:
        case = await uow.cases.get(case_id)
    assert case is not None
    return case.state


PLAN = {
    "problem": "Ola blir holdt utenfor i friminuttene.",
    "m1_level": "individ", "m1_description": "Fast voksen i storefri",
    "m1_when": "Fra 1.12, hver dag", "m1_responsible": TEACHER_9, "m1_ends_on": "2027-02-26",
    "m2_level": "klasse", "m2_description": "Samarbeidslæring", "m2_when": "Uke 49–51",
    "m2_responsible": LEADER_9, "m2_ends_on": "2027-02-26",
    "evaluate_on": "2026-12-17", "pupil_view": "Vil være med i fotballen.",
}


async def test_a_case_from_report_to_closed(tmp_path: Path) -> None:
    clock = FakeClock(T0)  # Thursday 26.11.2026 10:00
    async with running_bot(tmp_path, clock=clock) as bot:
        case_id = await _setup(bot)

        # Friday: nothing due yet. Monday 08:00 (2 school days): the leader is reminded, once.
        assert await _tick(bot, clock, datetime(2026, 11, 27, 9, 0, tzinfo=OSLO)) == (0, 0)
        assert await _tick(bot, clock, datetime(2026, 11, 30, 7, 59, tzinfo=OSLO)) == (0, 0)
        assert await _tick(bot, clock, datetime(2026, 11, 30, 8, 0, tzinfo=OSLO)) == (1, 0)
        assert await _tick(bot, clock, datetime(2026, 11, 30, 9, 0, tzinfo=OSLO)) == (0, 0)
        [reminder] = _reminders(bot, LEADER_9)
        assert "2026-0001" in reminder and _reminders(bot, REKTOR) == []

        # The leader starts and documents the investigation.
        clock.set(datetime(2026, 11, 30, 10, 0, tzinfo=OSLO))
        await bot.say(LEADER_9, value={VERB: Verb.INVESTIGATION_FORM, CASE: case_id})
        card_to(bot, LEADER_9)
        assert await _state(bot, case_id) is CaseState.UNDERSOKE
        await bot.say(LEADER_9, value={
            VERB: Verb.INVESTIGATION_SAVE, CASE: case_id,
            "samtale_elev_done": "true", "samtale_elev_date": "2026-11-30",
            "samtale_elev_note": "Dialogisk samtale", "findings": "Opplever utenforskap.",
            "best_interest": "Trygghet i friminuttene først.", "completed": "true"})
        assert "Opplever utenforskap." in bot.to(LEADER_9)[-1].card_json

        # Wednesday 08:00: rektor's reminder is void, the investigation has started.
        assert await _tick(bot, clock, datetime(2026, 12, 2, 8, 0, tzinfo=OSLO)) == (0, 1)

        # A plan missing an element is refused with the element named; then saved.
        await bot.say(LEADER_9, value={VERB: Verb.PLAN_SAVE, CASE: case_id, VERSION: "1",
                                       **PLAN, "evaluate_on": ""})
        assert "når tiltakene skal evalueres" in bot.to(LEADER_9)[-1].card_json
        await bot.say(LEADER_9, value={VERB: Verb.PLAN_SAVE, CASE: case_id, VERSION: "1",
                                       **PLAN})
        assert await _state(bot, case_id) is CaseState.TILTAK

        # 17.12 08:00: the responsible teacher and the leader get the evaluation card, once.
        # The reminders that a plan or a conclusion must follow the investigation are void.
        assert await _tick(bot, clock, datetime(2026, 12, 17, 7, 59, tzinfo=OSLO)) == (0, 2)
        assert await _tick(bot, clock, datetime(2026, 12, 17, 8, 0, tzinfo=OSLO)) == (2, 0)
        assert len(_reminders(bot, TEACHER_9)) == 1 and len(_reminders(bot, LEADER_9)) == 2
        evaluation = json.loads(_reminders(bot, TEACHER_9)[0])
        assert_valid_card(evaluation)
        # Nobody evaluates: reminded again the next school day.
        assert await _tick(bot, clock, datetime(2026, 12, 18, 8, 0, tzinfo=OSLO)) == (2, 0)

        # The leader adjusts: a new plan version, the old one kept.
        clock.set(datetime(2026, 12, 18, 9, 0, tzinfo=OSLO))
        await bot.say(LEADER_9, value={VERB: Verb.EVALUATION_SAVE, CASE: case_id,
                                       VERSION: "1", "outcome": "justere",
                                       "note": "Trenger tiltak i gymtimene også"})
        assert "Versjon 2" in bot.to(LEADER_9)[-1].card_json
        await bot.say(LEADER_9, value={VERB: Verb.PLAN_SAVE, CASE: case_id, VERSION: "2",
                                       **PLAN, "evaluate_on": "2027-01-21"})
        # The first version's overdue chain stops (void) after the holidays.
        sent, void = await _tick(bot, clock, datetime(2027, 1, 4, 8, 0, tzinfo=OSLO))
        assert sent == 0 and void == 2

        # 21.1 08:00: the teacher evaluates and closes the case.
        assert await _tick(bot, clock, datetime(2027, 1, 21, 8, 0, tzinfo=OSLO)) == (2, 0)
        clock.set(datetime(2027, 1, 21, 12, 0, tzinfo=OSLO))
        await bot.say(TEACHER_9, value={VERB: Verb.EVALUATION_SAVE, CASE: case_id,
                                        VERSION: "2", "outcome": "avslutte", "note": ""})
        assert "eleven sier hen har det bra" in bot.to(TEACHER_9)[-1].card_json
        await bot.say(TEACHER_9, value={VERB: Verb.EVALUATION_SAVE, CASE: case_id,
                                        VERSION: "2", "outcome": "avslutte",
                                        "note": "Eleven sier hen har det bra."})
        assert await _state(bot, case_id) is CaseState.AVSLUTTET
        assert await _tick(bot, clock, datetime(2027, 1, 22, 8, 0, tzinfo=OSLO)) == (0, 2)

        # Every reminder key fired at most once, at 08:00 local time.
        async with bot.runtime.services.uow() as uow:
            reminders = await uow.reminders.for_case(case_id)
            events = [e.kind for e in await uow.events.for_case(case_id)]
            case = await uow.cases.get(case_id)
        assert case is not None and [p.version for p in case.plans] == [1, 2]
        for due in reminders:
            assert due.due_at.astimezone(OSLO).strftime("%H:%M") == "08:00"
        assert events.count(EventKind.REMINDER_SENT) == 7
        assert events.count(EventKind.PLAN_SAVED) == 2
        assert events.count(EventKind.EVALUATED) == 2 and EventKind.CLOSED in events

        # Export for archiving: a one-time link for the leader.
        await bot.say(LEADER_9, value={VERB: Verb.EXPORT, CASE: case_id})
        link = re.search(r'"url": "([^"]+)"', bot.to(LEADER_9)[-1].card_json)
        assert link is not None
        path = link.group(1).split("/export/")[1]
        download = await bot.session.get(bot.server.make_url(f"/export/{path}"))
        assert download.status == 200
        assert (await download.read()).startswith(b"%PDF")
        again = await bot.session.get(bot.server.make_url(f"/export/{path}"))
        assert again.status == 410


async def test_someone_not_on_the_case_gets_no_access(tmp_path: Path) -> None:
    async with running_bot(tmp_path, clock=FakeClock(T0)) as bot:
        case_id = await _setup(bot)
        for verb in (Verb.CASE_OPEN, Verb.INVESTIGATION_FORM, Verb.PLAN_FORM, Verb.EXPORT,
                     Verb.EXPORT_REDACTED):
            await bot.say(TEACHER_8, value={VERB: verb, CASE: case_id})
            assert NO_ACCESS in bot.to(TEACHER_8)[-1].text, verb
        for verb, extra in ((Verb.INVESTIGATION_SAVE, {"findings": "x"}),
                            (Verb.PLAN_SAVE, {VERSION: "1", **PLAN}),
                            (Verb.EVALUATION_SAVE, {VERSION: "1", "outcome": "avslutte",
                                                    "note": "x"}),
                            (Verb.ADD_MEMBER, {"member": TEACHER_8})):
            await bot.say(TEACHER_8, value={VERB: verb, CASE: case_id, **extra})
            assert NO_ACCESS in bot.to(TEACHER_8)[-1].text, verb
        for verb in (Verb.ACKNOWLEDGE, Verb.TAKE, Verb.START_INVESTIGATION):
            answer = await bot.press(TEACHER_8, verb, {CASE: case_id})
            assert answer["value"] == NO_ACCESS
        # The reporter sees the receipt and the status, not the case.
        await bot.say(TEACHER_9, value={VERB: Verb.CASE_OPEN, CASE: case_id})
        assert NO_ACCESS in bot.to(TEACHER_9)[-1].text
        # Rektor adds the miljøteam member, who can then open the case.
        await bot.say(REKTOR, value={VERB: Verb.ADD_MEMBER, CASE: case_id, "member": MILJO})
        await bot.deliver()
        told = bot.to(MILJO)[-1]
        assert "Du er lagt til i sak" in told.card_json and "Ola" not in told.card_json
        assert_valid_card(told.card or {})
        await bot.say(MILJO, value={VERB: Verb.CASE_OPEN, CASE: case_id})
        assert "Ola Nordmann" in bot.to(MILJO)[-1].card_json
        async with bot.runtime.services.uow() as uow:
            events = await uow.events.for_case(case_id)
        viewed = [e.actor_id for e in events if e.kind is EventKind.VIEWED]
        assert MILJO in viewed and TEACHER_8 not in viewed


async def test_the_log_suggests_a_report_at_the_third_observation(tmp_path: Path) -> None:
    async with running_bot(tmp_path, clock=FakeClock(T0)) as bot:
        await install(bot, TEACHER_9, LEADER_9)
        await bot.say(TEACHER_9, "logg")
        assert_valid_card(card_to(bot, TEACHER_9))
        for day in ("2026-11-02", "2026-11-20", "2026-11-26"):
            await bot.say(TEACHER_9, value={VERB: Verb.LOG_SAVE, "pupil_name": "Per Hansen",
                                            "pupil_class": "9B", "observed_on": day,
                                            "note": "Satt alene i storefri."})
        await bot.deliver()
        suggestion = bot.to(LEADER_9)[-1]
        assert "Per Hansen" in suggestion.card_json
        pupil = re.search(r'"pupil": "([^"]+)"', suggestion.card_json)
        assert pupil is not None
        await bot.say(LEADER_9, value={VERB: Verb.LOG_VIEW, "pupil": pupil.group(1)})
        assert bot.to(LEADER_9)[-1].card_json.count("Satt alene i storefri.") == 3
        await bot.say(TEACHER_9, value={VERB: Verb.LOG_VIEW, "pupil": pupil.group(1)})
        assert "bare skolens ledelse" in bot.to(TEACHER_9)[-1].text
        await bot.say(TEACHER_9, value={VERB: Verb.LOG_SAVE, "pupil_name": "",
                                        "pupil_class": "9B", "note": ""})
        assert "Fyll inn elevens navn." in bot.to(TEACHER_9)[-1].card_json
