"""How the plan Q&A handles the way staff actually write, and when it declines to answer."""

from __future__ import annotations

import logging

import pytest

from bot.knowledge import Answer, KnowledgeBase, ask, default_knowledge_base, parse_plan
from bot.knowledge.reply import reply_text
from tests.knowledge.helpers import plan_dict


def _top(question: str) -> str | None:
    answer = ask(question)
    return answer.sections[0] if answer.sections else None


# --- the questions, by what the plan Q&A should do with them ---------------------------------

REPORTING_QUESTIONS = (
    "hvordan melder jeg fra?",
    "Hvordan varsler jeg rektor?",
    "hvem sier jeg ifra til?",
    "korleis melder eg frå?",
    "kven skal eg seie ifrå til om mobbing?",
    "How do I report bullying to the principal?",
    "hvordan meldr jeg fra",
    "hvordan vasrler jeg?",
    "varslingsskjema",
    "En kollega krenker en elev \u2013 hva gjør jeg?",
    "ein tilsett krenkjer ein elev",
    # Staff harming a pupil, in nynorsk and English.
    "Kva skjer om du blir mobba av ein som jobbar på skulen?",
    "What to do if my child is bullied by a member of staff?",
)
"""How staff ask to report, typos and all: each must reach «Melde fra» and its button."""

PLAN_ANSWERS = (
    # Synonyms, compounds, nynorsk and English find the routine.
    ("tiltaksplan", "8.5"),
    ("hva skal stå i aktivitetsplanen?", "8.5"),
    ("activity plan requirements", "8.5"),
    ("relasjonskartlegging", "7.3"),
    ("kva er utanforskap", "2.1"),
    ("hva er utenforskap", "2.1"),
    ("når evalueres skolemiljøplanen?", "4"),
    ("gripe inn i en slåsskamp", "8.2"),
    ("evaluere tiltakene etter tre uker", "8.7"),
    ("gjenopprettende samtale", "8.6"),
    ("når er vinteraktivitetsdagen?", "5.1"),
    # Section numbers are looked up directly.
    ("hva står i 8.3?", "8.3"),
    ("punkt 8.5", "8.5"),
    ("kapittel 3", "3"),
    ("se 7.4", "7.4"),
    # Law the plan does cover (§ 12-5 is its 8.3) is the plan's, not flagged for rektor.
    ("hva sier § 12-5 om en ansatt som krenker en elev?", "8.3"),
    # Pupils' names and class codes do not make a question out of scope.
    ("Emma i 9B har vondt i magen hver morgen og kvier seg for å gå på skolen", "8.1"),
    # The school's duties are answered by the duty chapter.
    ("Hva skal skolen gjøre?", "8"),
    ("What can we expect from the school when a pupil is bullied?", "8"),
)
"""(question, section): answered from the plan, by that section."""

LAW_ANSWERS = (
    ("kan foreldrene klage saken inn til Statsforvalteren?", "§ 12-6"),
    ("hva sier § 12-6?", "§ 12-6"),
    ("Korleis melder eg sak til Statsforvaltaren?", "§ 12-6"),
    # The school not doing enough.
    ("Hva kan vi gjøre hvis skolen ikke gjør nok?", "§ 12-6"),
    ("Skolen tar oss ikke på alvor, hvor går vi da?", "§ 12-6"),
    ("The school is not doing enough, can we go to the county governor?", "§ 12-6"),
)
"""(question, paragraph): answered from the law, citing the paragraph and not the plan."""

OUT_OF_SCOPE = (
    "hva er lønna mi?",
    "når er juleferien?",
    "hvordan søker jeg permisjon",
    "hvordan melder jeg meg syk?",
    "printeren virker ikke",
    "hei",
    "",
    "   ",
    "???",
)
"""Not the plan's business (pay, leave, IT, greetings, nothing): declined, nothing cited."""

LAW_BEYOND_THE_PLAN = (
    "kan jeg bli straffet hvis jeg ikke melder fra?",
    "Can the parents claim compensation from the school?",
    "må jeg melde til barnevernet?",
)
"""Legal questions the plan cannot answer: flagged for rektor, never guessed from the plan."""

NOT_COVERED = (
    # A right the plan does not give (the lunch-break example).
    ("har elevene rett til friminutt?", "leader"),
    ("Er det lov å ha mobil i friminuttet?", "leader"),
    # Confidentiality is rektor's to answer, not the report routine's.
    ("Kan læreren fortelle foreldrene mine det jeg har sagt?", "rektor"),
    ("Who can my son talk to in confidence at school?", "rektor"),
    # A matter between a member of staff and the employer.
    ("Jeg har vært sykmeldt i tre uker, må jeg planlegge for vikaren?", "leader"),
    ("Hvem følger opp meg som lærer når en elev slår meg? Vold mot lærer er vanlig.", "leader"),
)
"""(question, route): on the plan's topic but not answered by it; declined to whom to ask."""

EVERYDAY_WORDS = (
    # Words parents use for being shut out, threatened or scared, and nynorsk forms
    # the spelling correction used to turn into unrelated plan words ("vener" → "uker").
    ("Barnet mitt blir utsatt for utfrysning", "Barnet mitt blir utsatt for utestenging"),
    ("Eleven blir ignorert av klassen", "Eleven blir utestengt av klassen"),
    ("Han blir sjikanert på nett", "Han blir krenket på nett"),
    ("Dottera mi har ingen vener i klassen", "Dottera mi opplever utanforskap i klassen"),
    ("Kan eg snakke med helsesøster?", "Kan eg snakke med helsesykepleiar?"),
    ("My son is scared at school", "My son feels unsafe at school"),
)
"""(question, plain): a question and the same in the plan's words."""


# --- what it does with them --------------------------------------------------------------------


@pytest.mark.parametrize("question", REPORTING_QUESTIONS)
def test_reporting_questions_find_melde_fra_and_offer_a_report(question: str) -> None:
    answer = ask(question)
    assert answer.answered
    assert answer.section_id == "8.3"
    assert answer.citation == "Skolemiljøplanen 8.3 Melde fra"
    assert answer.action == "start_report"
    assert answer.summary is not None
    if answer.language == "en":
        assert answer.translated and "notify the principal" in answer.summary
    else:
        assert "varsle rektor" in answer.summary


@pytest.mark.parametrize(("question", "section"), PLAN_ANSWERS)
def test_questions_the_plan_answers_find_their_section(question: str, section: str) -> None:
    answer = ask(question)
    assert answer.answered, answer
    assert answer.section_id == section
    assert not answer.law_beyond_plan


@pytest.mark.parametrize(("question", "paragraph"), LAW_ANSWERS)
def test_questions_the_law_answers_get_the_law_with_its_paragraph(
    question: str, paragraph: str
) -> None:
    answer = ask(question)
    assert answer.answered and answer.source == "law"
    assert answer.section_id == paragraph
    assert answer.citation == f"Opplæringslova {paragraph}"
    assert "Skolemiljøplanen" not in reply_text(answer)


@pytest.mark.parametrize("question", OUT_OF_SCOPE)
def test_out_of_scope_questions_are_declined(question: str) -> None:
    answer = ask(question)
    assert not answer.answered
    assert not answer.law_beyond_plan
    assert answer.section_id is None
    assert answer.citation is None
    assert answer.summary is None
    assert answer.action is None


@pytest.mark.parametrize("question", LAW_BEYOND_THE_PLAN)
def test_legal_questions_beyond_the_plan_are_flagged_for_rektor(question: str) -> None:
    answer = ask(question)
    assert answer.law_beyond_plan
    assert not answer.answered
    text = reply_text(answer)
    assert "rektor" in text
    assert "Kilde" not in text


@pytest.mark.parametrize(("question", "route"), NOT_COVERED)
def test_on_topic_questions_the_plan_does_not_answer_are_declined_and_routed(
    question: str, route: str
) -> None:
    answer = ask(question)
    assert not answer.answered
    assert answer.decision == "not_covered"
    assert answer.route == route


@pytest.mark.parametrize(("question", "plain"), EVERYDAY_WORDS)
def test_everyday_words_reach_the_same_section_as_the_plans_words(
    question: str, plain: str
) -> None:
    assert ask(question).sections[:1] == ask(plain).sections[:1]
    assert ask(question).sections


def test_a_short_question_finds_its_routine_first_even_when_not_sure() -> None:
    answer = ask("hvor ofte lages sosiogram")
    assert answer.sections[0] == "7.3"
    assert answer.answered or answer.decision == "unsure"


def test_investigation_plan_and_evaluation_offer_my_cases() -> None:
    assert ask("hvordan undersøker vi saken?").action == "my_cases"
    assert ask("hvordan lager jeg en aktivitetsplan?").action == "my_cases"
    assert ask("når skal tiltakene evalueres?").action == "my_cases"
    assert ask("hva er omsorgsfull kontroll?").action is None


def test_section_with_a_single_subsection_is_answered_by_the_subsection() -> None:
    # "5 Aktivitetsplan/årshjul" has no text of its own; its content is 5.1.
    assert ask("årshjul").section_id == "5.1"
    assert ask("hva står i punkt 5?").section_id == "5.1"


def test_law_number_is_not_mistaken_for_a_section() -> None:
    # "kapittel 12" is the law's chapter, not a section of this plan; "10. trinn" is a year.
    assert _top("informasjon om kapittel 12 til foreldrene") == "3.1"
    assert _top("tur for 10. trinn") == "5.1"


def test_a_decline_says_who_to_ask_and_lists_closest_sections_only_when_unsure() -> None:
    unsure = ask("når er foreldremøtene?")
    assert not unsure.answered and unsure.decision == "unsure"
    assert list(unsure.scores) == sorted(unsure.scores, reverse=True)
    text = reply_text(unsure)
    assert "ikke sikker" in text and "nærmeste leder" in text
    assert f"«{unsure.hits[0].citation}»" in text

    uncovered = ask("jeg er anklaget for å ha krenket en elev, hva gjør jeg?")
    assert not uncovered.answered and uncovered.decision == "not_covered"
    assert uncovered.route == "leader"
    text = reply_text(uncovered)
    assert "dekker ikke" in text and "nærmeste leder" in text and "«" not in text


def test_reply_text_for_an_answer_has_summary_and_citation() -> None:
    answer = ask("hva er et fellesskapsorientert mobbesyn?")
    text = reply_text(answer)
    assert answer.summary is not None
    assert text.startswith(answer.summary)
    assert text.endswith("Kilde: «Skolemiljøplanen 2.3 Fellesskapsorientert mobbesyn»")


def test_another_schools_plan_works_the_same_way() -> None:
    kb = KnowledgeBase(parse_plan(plan_dict()))
    answer = kb.ask("hvordan sier jeg fra?")
    assert answer.section_id == "1.1"
    assert answer.citation == "Testplanen 1.1 Melde fra"
    assert answer.action == "start_report"
    assert kb.ask("tiltaksplan").section_id == "1.2"
    assert not kb.ask("hva er lønna mi?").answered
    # Section 1 has no text and two subsections: it stays a section of its own.
    assert kb.ask("hva står i punkt 1?").section_id == "1"


def test_statsforvalteren_is_plan_language_when_the_plan_uses_it() -> None:
    data = plan_dict()
    data["sections"][3]["text"] += " Foresatte kan melde saken til Statsforvalteren."
    kb = KnowledgeBase(parse_plan(data))
    assert not kb.ask("kan vi melde saken til statsforvalteren?").law_beyond_plan


def test_answers_are_deterministic_and_shared() -> None:
    first = ask("hvordan undersøker vi en sak?")
    second = ask("hvordan undersøker vi en sak?")
    assert first == second
    assert isinstance(first, Answer)
    assert default_knowledge_base() is default_knowledge_base()


def test_question_text_is_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    secret = "Ola Nordmann i 9B blir mobbet"
    with caplog.at_level(logging.DEBUG):
        ask(secret)
        ask(secret + " hver dag")
    assert all("Nordmann" not in record.getMessage() for record in caplog.records)


def test_a_right_the_plan_does_give_is_not_declined_as_uncovered() -> None:
    answer = ask("Har eleven rett til et trygt og godt skolemiljø?")
    assert answer.decision != "not_covered" or answer.law_beyond_plan
