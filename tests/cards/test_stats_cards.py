"""The «Statistikk» card: rektor's own school exact, the owner's schools suppressed."""

from __future__ import annotations

import json

from bot.cards.actions import VERB, Verb
from bot.cards.stats import SCHOOLS_SHOWN, stats_card
from bot.domain.figures import SUPPRESSION_NOTE
from tests.cards.samples import stats_result
from tests.cards.schema import actions, assert_valid_card, texts


def test_rektor_sees_the_own_schools_exact_figures() -> None:
    card = stats_card(stats_result(1, shared=False), shared=False)
    assert_valid_card(card)
    shown = texts(card)
    joined = " ".join(shown)
    assert "Statistikk" in shown and "Skole nummer 0" in joined
    assert "meldinger 01.08.2026–31.07.2027 (skoleåret)" in joined
    figures = (
        "Meldinger: 7",
        "§ 12-5-saker (ansatt mistenkt): 1",
        "Vold, trusler eller slåsskamp: 6",
        "Undersøkes: 7",
        "Andel bekreftet innen fristen: 100 %",
    )
    assert [f for f in figures if f not in shown] == []  # all missing figures, named at once
    assert SUPPRESSION_NOTE not in shown and "<5" not in joined
    assert "Per skole" not in shown
    assert "c1" not in json.dumps(card)  # no case id, no case


def test_the_owner_sees_every_school_suppressed() -> None:
    card = stats_card(stats_result(3, shared=True), shared=True)
    assert_valid_card(card)
    shown = texts(card)
    assert SUPPRESSION_NOTE in shown
    assert "Alle skolene samlet" in shown
    assert "Meldinger: 11" in shown  # 7 + 2 + 2
    assert "§ 12-5-saker (ansatt mistenkt): <5" in shown
    # A share drawn from a count under 5 is left out, not shown.
    assert "Median timer til rektor (§ 12-5): –" in shown
    assert "Skole nummer 0: 7 meldinger, 7 åpne saker" in shown
    assert "Skole nummer 1: <5 meldinger, <5 åpne saker" in shown


def test_a_long_list_of_schools_is_cut_and_says_so() -> None:
    card = stats_card(stats_result(SCHOOLS_SHOWN + 5, shared=True), shared=True)
    assert_valid_card(card)
    shown = texts(card)
    assert sum(line.startswith("Skole nummer") for line in shown) == SCHOOLS_SHOWN
    assert any(line.startswith("… og 5 skoler til") for line in shown)


def test_the_buttons_show_the_months_and_refresh() -> None:
    card = stats_card(stats_result(1, shared=False), shared=False)
    months, refresh = card["actions"]
    assert months["type"] == "Action.ShowCard" and months["title"] == "Meldinger per måned"
    assert "nov 2026: 7" in texts(months["card"])
    assert refresh["data"] == {VERB: Verb.STATS} and refresh["title"] == "Oppdater"
    assert [a["type"] for a in actions(card)].count("Action.Submit") == 1
