"""The plan loader accepts the bundled plan and names the section and field of every problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.knowledge import DEFAULT_PLAN_PATH, PlanValidationError, load_plan, parse_plan
from tests.knowledge.helpers import plan_dict, section


def _problems(data: object) -> list[str]:
    with pytest.raises(PlanValidationError) as info:
        parse_plan(data, source="test.json")
    return [str(problem) for problem in info.value.problems]


def test_bundled_plan_loads_with_every_section_of_the_plan() -> None:
    plan = load_plan(DEFAULT_PLAN_PATH)
    ids = [s.id for s in plan.sections]
    assert ids[:6] == ["1", "2", "2.1", "2.2", "2.3", "2.4"]
    assert ids[-7:] == ["8.1", "8.2", "8.3", "8.4", "8.5", "8.6", "8.7"]
    assert len(ids) == 31
    assert plan.citation("8.3") == "Skolemiljøplanen 8.3 Melde fra"
    assert plan.section("8.3").action == "start_report"
    assert {plan.section(i).action for i in ("8.4", "8.5", "8.7")} == {"my_cases"}
    assert plan.section("8.1").action is None


def test_bundled_plan_has_no_intranet_links_or_page_noise() -> None:
    plan = load_plan(DEFAULT_PLAN_PATH)
    for s in plan.sections:
        for text in (s.text, s.summary):
            assert "http" not in text, s.id
            assert "intranett" not in text, s.id
            assert "sharepoint" not in text.lower(), s.id


def test_bundled_plan_keeps_the_plans_own_numbering_of_investigation() -> None:
    # The plan calls investigation "delplikt 3" in 8.5 (it is the fourth); text stays faithful.
    plan = load_plan(DEFAULT_PLAN_PATH)
    assert "delplikt 3 \u2013 undersøkelser" in plan.section("8.5").text
    assert "Delplikt 4 \u2013 Undersøke" in plan.section("8.4").text


def test_minimal_plan_parses() -> None:
    plan = parse_plan(plan_dict())
    assert plan.info.citation_name == "Testplanen"
    assert plan.section("1.1").questions == ("Hvordan sier jeg ifra?",)
    assert plan.section("1.1").parent_id == "1"
    assert plan.section("1").parent_id is None


def test_missing_summary_names_section_and_field() -> None:
    data = plan_dict()
    del section(data, "1.1")["summary"]
    assert _problems(data) == ["section '1.1' (sections[1]): 'summary' must be a non-empty string"]


def test_misspelt_key_is_reported_not_ignored() -> None:
    data = plan_dict()
    section(data, "1.2")["sumary"] = "x"
    assert _problems(data) == ["section '1.2' (sections[2]): unknown key 'sumary'"]


def test_every_problem_is_reported_at_once() -> None:
    data = plan_dict()
    section(data, "1.1")["action"] = "send_email"
    section(data, "1.2")["questions"] = ["ok", ""]
    section(data, "2")["short_title"] = "x" * 61
    data["plan"]["citation_name"] = " "
    problems = _problems(data)
    assert "plan: 'citation_name' must be a non-empty string" in problems
    assert any(p.startswith("section '1.1'") and "'action' must be one of" in p for p in problems)
    assert "section '1.2' (sections[2]): 'questions'[1] must be a non-empty string" in problems
    assert any(p.startswith("section '2'") and "short_title" in p for p in problems)
    assert len(problems) == 4


@pytest.mark.parametrize("bad_id", ["8.", "08", "8.0", "a", "8-3", "", 83])
def test_section_number_must_look_like_a_section_number(bad_id: object) -> None:
    data = plan_dict()
    section(data, "2")["id"] = bad_id
    problems = _problems(data)
    assert any("'id' must be a section number" in p for p in problems)


def test_duplicate_and_orphan_and_out_of_order_sections() -> None:
    data = plan_dict()
    data["sections"].append(dict(section(data, "2")))
    orphan = dict(section(data, "2"), id="3.1")
    data["sections"].append(orphan)
    problems = _problems(data)
    assert "section '2' (sections[4]): duplicate section id" in problems
    assert any(
        p.startswith("section '3.1'") and "parent section '3' is missing" in p for p in problems
    )

    data = plan_dict()
    data["sections"][1], data["sections"][2] = data["sections"][2], data["sections"][1]
    assert any("plan order" in p for p in _problems(data))


def test_empty_text_is_only_allowed_for_a_section_with_subsections() -> None:
    data = plan_dict()
    section(data, "2")["text"] = ""
    assert _problems(data) == [
        "section '2' (sections[3]): 'text' may only be empty for a section that has subsections"
    ]


def test_summary_must_fit_a_phone_screen() -> None:
    data = plan_dict()
    section(data, "2")["summary"] = "Én. To. Tre. Fire."
    problems = _problems(data)
    assert len(problems) == 1
    assert "4 sentences" in problems[0]
    # Abbreviations and numbers do not end a sentence.
    section(data, "2")["summary"] = "Se f.eks. punkt 8.3 og art. 12 i barnekonvensjonen. Ferdig."
    parse_plan(data)


def test_wrong_format_and_shape() -> None:
    data = plan_dict()
    data["format"] = "something-else"
    assert any("'format' must be" in p for p in _problems(data))
    assert _problems([]) == ["file: top level must be a JSON object"]
    data = plan_dict()
    data["sections"] = []
    assert _problems(data) == ["sections: 'sections' must be a non-empty list"]
    data = plan_dict()
    data["sections"].append("not a section")
    assert "sections[4]: each section must be an object" in _problems(data)


def test_file_errors_are_plan_validation_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": ', encoding="utf-8")
    with pytest.raises(PlanValidationError, match=r"not valid JSON at line 1"):
        load_plan(broken)
    with pytest.raises(PlanValidationError, match="cannot read"):
        load_plan(tmp_path / "missing.json")


def test_error_message_lists_the_file_and_problems(tmp_path: Path) -> None:
    data = plan_dict()
    del section(data, "1.1")["title"]
    path = tmp_path / "school.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(PlanValidationError) as info:
        load_plan(path)
    message = str(info.value)
    assert message.startswith(f"Invalid plan file {path} (1 problem):")
    assert "section '1.1' (sections[1]): 'title' must be a non-empty string" in message
