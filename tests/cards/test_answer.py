"""The answer cards from the plan, checked against the Adaptive Cards 1.5 schema."""

from __future__ import annotations

import json

from bot.cards.actions import SECTION, VERB, Verb
from bot.cards.answer import answer_card, section_card, unsure_card
from bot.dialogs.questions import answer_question, section_reply
from bot.knowledge import default_knowledge_base
from tests.cards.schema import assert_valid_card


def test_every_section_renders_as_answer_and_section_card() -> None:
    plan = default_knowledge_base().plan
    for section in plan.sections:
        card = answer_card(summary=section.summary, citation=plan.citation(section.id),
                           section_title=section.title, section_text=section.text,
                           action=section.action)
        assert_valid_card(card)
        assert_valid_card(section_card(citation=plan.citation(section.id),
                                       section_title=section.title,
                                       section_text=section.text, action=section.action))


def test_the_report_section_leads_to_the_report() -> None:
    plan = default_knowledge_base().plan
    section = plan.section("8.3")
    card = answer_card(summary=section.summary, citation=plan.citation("8.3"),
                       section_title=section.title, section_text=section.text,
                       action=section.action)
    first = card["actions"][0]
    assert first["title"] == "Meld fra nå"
    assert first["data"][VERB] == Verb.START_REPORT
    assert card["actions"][1]["type"] == "Action.ShowCard"
    assert "«Skolemiljøplanen 8.3 Melde fra»" in json.dumps(card, ensure_ascii=False)


def test_unsure_card_names_who_to_ask_and_offers_sections() -> None:
    card = unsure_card(message="Jeg er ikke sikker.", ask_name="Avdelingsleder Berit",
                       closest=[("8.4", "Skolemiljøplanen 8.4 Undersøke"),
                                ("8.5", "Skolemiljøplanen 8.5 Tiltak")])
    assert_valid_card(card)
    text = json.dumps(card, ensure_ascii=False)
    assert "Avdelingsleder Berit" in text
    sections = [a["data"].get(SECTION) for a in card["actions"]]
    assert sections[:2] == ["8.4", "8.5"]


def test_question_dialog_cards_validate_and_name_who_to_ask() -> None:
    kb = default_knowledge_base()
    for question in (
        "hvordan melder jeg fra?",
        "How do I report bullying?",
        "korleis melder eg frå?",
        "kan foreldrene klage saken til statsforvalteren?",
        "kan foreldre kreve erstatning fra skolen?",
        "trenger jeg å skrive referat fra foreldremøtet?",
        "når er foreldremøtene?",
        "jeg er anklaget for å ha krenket en elev, hva gjør jeg?",
    ):
        reply = answer_question(question, kb, leader_name="Berit", rektor_name="Rita")
        assert reply is not None
        assert_valid_card(reply.card)
    report = answer_question("hvordan melder jeg fra?", kb, leader_name=None, rektor_name=None)
    assert report is not None
    assert report.card["body"][0]["text"].startswith("Meld fra her i Teams")
    legal = answer_question(
        "kan foreldre kreve erstatning?", kb, leader_name="B", rektor_name="Rita"
    )
    assert legal is not None and "Rita" in json.dumps(legal.card, ensure_ascii=False)
    assert answer_question("blabla", kb, leader_name=None, rektor_name=None) is None
    assert section_reply("99.9", kb) is None
    section = section_reply("8.3", kb)
    assert section is not None and section.summary == "Skolemiljøplanen 8.3 Melde fra"
