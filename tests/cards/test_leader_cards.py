"""What leaders see at a glance (issue 14): every case listed can be opened, the whole report
on the case card with the next step first, «Åpne saken» on every alert."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.cards.actions import CASE, Verb
from bot.cards.case import NextStep
from bot.cards.cases import CaseLine, my_cases_card
from bot.cards.help import Audience, OpenCases, help_card
from bot.domain.case import STATE_LABELS, CaseState
from tests.cards.samples import CASE_ID, RECIPIENT_IDS, REFERENCE, REPORTED_AT, alert, case
from tests.cards.samples import case_view as view
from tests.cards.samples import view as alert_view
from tests.cards.schema import action_verb, actions, assert_valid_card, iter_nodes, shown


def _line(number: int, *, needs_me: bool = False) -> CaseLine:
    return CaseLine(
        f"{number:032x}",
        f"2026-{number:04d}",
        "Undersøkes",
        REPORTED_AT,
        f"Elev {number}",
        needs_me,
        pupil_class="9B",
        category_label="Krenkelser",
    )


def _opened(card: dict[str, object]) -> set[str]:
    """The case ids a press on the card can open: buttons and tappable lines."""
    opened: set[str] = set()
    for _, node in iter_nodes(card):
        for action in (node, node.get("selectAction")):
            if isinstance(action, dict) and action_verb(action) == Verb.CASE_OPEN.value:
                opened.add(str(action["data"][CASE]))
    return opened


def test_bug_mine_saker_opens_every_one_of_the_20_cases_it_lists() -> None:
    lines = [_line(n, needs_me=n % 7 == 0) for n in range(1, 26)]
    card = my_cases_card(lines, [])
    assert_valid_card(card)
    text = shown(card)
    listed = {line.case_id for line in lines if f"Sak {line.reference}:" in text}
    assert len(listed) == 20
    assert _opened(card) == listed
    assert "Og 5 eldre saker." in text


def test_mine_saker_for_a_teacher_shows_class_category_and_date_but_no_name() -> None:
    mine = replace(_line(3), pupil=None)
    card = my_cases_card([], [mine])
    text = shown(card)
    assert "Sak 2026-0003 · 9B · Krenkelser · meldt 26.11.2026 kl. 09:15 · Undersøkes" in text
    assert "Elev 3" not in text
    assert _opened(card) == set()


def test_case_card_shows_the_whole_report_the_teacher_gave() -> None:
    full = view(
        place="Skolegården, storefri",
        occurred_on=date(2026, 11, 25),
        pupil_informed_label="Ja, eleven vet at rektor får beskjed",
        intervened=True,
    )
    text = shown(case(full))
    for line in (
        "Gjelder: Krenkelser eller mobbing",
        "Hvor og når: Skolegården, storefri",
        "Dato: 25.11.2026",
        "Hvordan melderen fikk vite det: Jeg har selv sett eller hørt det",
        "Hvordan melderen grep inn",
        "Vet eleven at rektor får beskjed: Ja, eleven vet at rektor får beskjed",
        "Mistanke mot en ansatt (§ 12-5): Nei",
        "Gjelder skolens ledelse: Nei",
        "Spesielt alvorlig: Nei",
    ):
        assert line in text, line
    assert "Dato: Ikke oppgitt" in shown(case(replace(full, occurred_on=None)))


def test_case_card_shows_the_next_step_with_its_date_first() -> None:
    due = NextStep("Start undersøkelsen snarest, senest", date(2026, 11, 30))
    card = case(view(CaseState.MELDE_FRA, next_step=due))
    lines = shown(card).splitlines()
    assert lines[0] == f"Sak {REFERENCE}"
    assert lines[1] == "Neste steg: Start undersøkelsen snarest, senest 30.11.2026"
    late = replace(due, on=date(2026, 11, 20), late=True)
    assert "senest 20.11.2026 (på overtid)" in shown(case(view(next_step=late)))
    assert "Neste steg" not in shown(case(view(CaseState.AVSLUTTET)))
    assert "Åpne saken" not in [a["title"] for a in actions(alert(viewer_id="aad-stranger"))]


def test_alert_card_has_open_the_case_for_every_recipient_in_every_state() -> None:
    for state in CaseState:
        for viewer in RECIPIENT_IDS:
            card = alert(alert_view(state=state, state_label=STATE_LABELS[state]),
                         viewer_id=viewer)
            assert_valid_card(card)
            opens = [a for a in actions(card) if action_verb(a) == Verb.CASE_OPEN.value]
            assert [a["title"] for a in opens] == ["Åpne saken"], (state, viewer)
            assert opens[0]["data"][CASE] == CASE_ID


def test_help_for_rektor_leads_with_mine_saker_open_cases_and_statistikk() -> None:
    card = help_card("Tøyen skole", audience=Audience.REKTOR, open_cases=OpenCases(3, 1))
    assert_valid_card(card)
    assert card["actions"][0]["title"] == "Mine saker"
    assert card["actions"][0]["style"] == "positive"
    text = shown(card)
    assert "Du har 3 åpne saker, 1 venter på at du bekrefter mottatt." in text
    assert "«statistikk»" in text and "«logg»" in text and "«Åpne saken»" in text


def test_welcome_for_a_leader_names_the_role_and_has_no_statistikk() -> None:
    card = help_card("Tøyen skole", welcome=True, audience=Audience.LEADER,
                     open_cases=OpenCases(1, 0))
    text = shown(card)
    assert "Du er leder på Tøyen skole" in text
    assert "Du har 1 åpen sak." in text
    assert "statistikk" not in text.lower()
    assert card["actions"][0]["title"] == "Mine saker"
    assert "Du har ingen åpne saker nå." in shown(
        help_card("Tøyen skole", audience=Audience.LEADER, open_cases=OpenCases(0, 0)))


def test_help_for_a_teacher_leads_with_meld_fra_and_mentions_logg() -> None:
    card = help_card("Tøyen skole")
    assert card["actions"][0]["title"] == "Meld fra"
    text = shown(card)
    assert "«logg»" in text and "åpne saker" not in text
