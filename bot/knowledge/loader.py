"""Load and validate a plan file (format described in FORMAT.md).

A school replaces the plan by dropping in a JSON file, usually written by hand. Validation
therefore collects *every* problem it finds and names the section and field of each, so the
author can fix the file in one pass instead of one error per restart.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, cast

from bot.knowledge.model import ACTIONS, Action, Plan, PlanInfo, Section

FORMAT_ID: Final = "trygg-skole-plan/1"
SECTION_ID_RE: Final = re.compile(r"^[1-9][0-9]*(?:\.[1-9][0-9]*)*$")
MAX_SHORT_TITLE: Final = 60
MAX_SUMMARY: Final = 600
MAX_SUMMARY_SENTENCES: Final = 3

_PLAN_KEYS: Final = {"id", "name", "citation_name", "school", "school_year", "language"}
_PLAN_REQUIRED: Final = ("id", "name", "citation_name", "school")
_SECTION_KEYS: Final = {
    "id",
    "title",
    "short_title",
    "text",
    "summary",
    "questions",
    "keywords",
    "action",
    "summary_en",
}
_SECTION_REQUIRED: Final = ("id", "title", "short_title", "text", "summary")
# A sentence ends with . ! or ? followed by space and an upper-case letter, a digit or a
# quote; abbreviations such as "f.eks." or "art. 12" are not followed by a capital.
_SENTENCE_END_RE: Final = re.compile(r"[.!?][»\"”)]?\s+(?=[A-ZÆØÅ«\"0-9§])")


@dataclass(frozen=True, slots=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class PlanValidationError(ValueError):
    """The plan file is not usable; ``problems`` lists every issue found, in file order."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems: tuple[Problem, ...] = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"Invalid plan file {source} ({count} {noun}):\n{lines}")


def load_plan(path: str | Path) -> Plan:
    """Read and validate a plan file; raise PlanValidationError naming every problem."""
    file = Path(path)
    try:
        raw = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise PlanValidationError(str(file), [Problem("file", f"cannot read: {exc}")]) from exc
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        problem = Problem("file", f"not valid JSON at line {exc.lineno}, column {exc.colno}")
        raise PlanValidationError(str(file), [problem]) from exc
    return parse_plan(data, source=str(file))


def parse_plan(data: object, *, source: str = "<plan>") -> Plan:
    """Validate already-parsed JSON; separate from load_plan so tests need no files."""
    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        raise PlanValidationError(source, [Problem("file", "top level must be a JSON object")])
    doc = cast(Mapping[str, Any], data)

    for key in sorted(set(doc) - {"format", "plan", "sections"}):
        problems.append(Problem("file", f"unknown top-level key {key!r}"))
    if doc.get("format") != FORMAT_ID:
        problems.append(
            Problem("file", f"'format' must be {FORMAT_ID!r}, got {doc.get('format')!r}")
        )

    info = _parse_info(doc.get("plan"), problems)
    sections = _parse_sections(doc.get("sections"), problems)

    if problems or info is None:
        raise PlanValidationError(source, problems)
    return Plan(info=info, sections=tuple(sections))


def _parse_info(value: object, problems: list[Problem]) -> PlanInfo | None:
    where = "plan"
    if not isinstance(value, Mapping):
        problems.append(Problem(where, "'plan' must be an object"))
        return None
    obj = cast(Mapping[str, Any], value)
    for key in sorted(set(obj) - _PLAN_KEYS):
        problems.append(Problem(where, f"unknown key {key!r}"))
    ok = True
    for key in _PLAN_REQUIRED:
        if not _non_empty_str(obj.get(key)):
            problems.append(Problem(where, f"{key!r} must be a non-empty string"))
            ok = False
    for key in ("school_year", "language"):
        if key in obj and not _non_empty_str(obj[key]):
            problems.append(Problem(where, f"{key!r} must be a non-empty string when present"))
            ok = False
    if not ok:
        return None
    return PlanInfo(
        id=obj["id"].strip(),
        name=obj["name"].strip(),
        citation_name=obj["citation_name"].strip(),
        school=obj["school"].strip(),
        school_year=obj["school_year"].strip() if "school_year" in obj else None,
        language=obj["language"].strip() if "language" in obj else "nb",
    )


def _parse_sections(value: object, problems: list[Problem]) -> list[Section]:
    if not isinstance(value, list) or not value:
        problems.append(Problem("sections", "'sections' must be a non-empty list"))
        return []
    sections: list[Section] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        section = _parse_section(index, item, problems)
        if section is None:
            continue
        if section.id in seen:
            problems.append(Problem(_where(index, section.id), "duplicate section id"))
            continue
        seen.add(section.id)
        sections.append(section)

    # Judge parents and children on every well-numbered entry, also those with other
    # problems, so one broken section does not cause follow-on errors in its neighbours.
    ids = {i for i in (_raw_id(item) for item in value) if i is not None}
    has_children = {i.rpartition(".")[0] for i in ids if "." in i}
    for index, section in enumerate(sections):
        where = _where(index, section.id)
        if section.parent_id is not None and section.parent_id not in ids:
            problems.append(Problem(where, f"parent section {section.parent_id!r} is missing"))
        if not section.text and section.id not in has_children:
            problems.append(
                Problem(where, "'text' may only be empty for a section that has subsections")
            )
    for earlier, later in itertools.pairwise(sections):
        if _sort_key(later.id) <= _sort_key(earlier.id):
            problems.append(
                Problem(
                    f"section {later.id!r}",
                    f"sections must be in plan order; {later.id!r} comes after {earlier.id!r}",
                )
            )
    return sections


def _parse_section(index: int, value: object, problems: list[Problem]) -> Section | None:
    if not isinstance(value, Mapping):
        problems.append(Problem(_where(index, None), "each section must be an object"))
        return None
    obj = cast(Mapping[str, Any], value)
    raw_id = obj.get("id")
    section_id = raw_id.strip() if isinstance(raw_id, str) else None
    where = _where(index, section_id)
    before = len(problems)

    if section_id is None or not SECTION_ID_RE.match(section_id):
        problems.append(
            Problem(where, f'\'id\' must be a section number like "8" or "8.3", got {raw_id!r}')
        )
    for key in sorted(set(obj) - _SECTION_KEYS):
        problems.append(Problem(where, f"unknown key {key!r}"))
    for key in _SECTION_REQUIRED:
        if key == "id":
            continue
        field = obj.get(key)
        if key == "text":
            if not isinstance(field, str):
                problems.append(Problem(where, "'text' must be a string"))
        elif not _non_empty_str(field):
            problems.append(Problem(where, f"{key!r} must be a non-empty string"))

    short_title = obj.get("short_title")
    if isinstance(short_title, str) and len(short_title.strip()) > MAX_SHORT_TITLE:
        problems.append(
            Problem(where, f"'short_title' is longer than {MAX_SHORT_TITLE} characters")
        )
    summary = obj.get("summary")
    if isinstance(summary, str) and summary.strip():
        if len(summary) > MAX_SUMMARY:
            problems.append(Problem(where, f"'summary' is longer than {MAX_SUMMARY} characters"))
        sentences = len(_SENTENCE_END_RE.findall(summary.strip())) + 1
        if sentences > MAX_SUMMARY_SENTENCES:
            problems.append(
                Problem(
                    where,
                    f"'summary' has {sentences} sentences; keep it to "
                    f"{MAX_SUMMARY_SENTENCES} for a phone screen",
                )
            )

    summary_en = obj.get("summary_en")
    if summary_en is not None and not _non_empty_str(summary_en):
        problems.append(Problem(where, "'summary_en' must be a non-empty string when present"))
    elif isinstance(summary_en, str) and len(summary_en) > MAX_SUMMARY * 2:
        problems.append(Problem(where, f"'summary_en' is longer than {MAX_SUMMARY * 2} characters"))

    questions = _string_list(obj, "questions", where, problems)
    keywords = _string_list(obj, "keywords", where, problems)

    action = obj.get("action")
    if action is not None and action not in ACTIONS:
        allowed = ", ".join(sorted(ACTIONS))
        problems.append(Problem(where, f"'action' must be one of {allowed} or null"))

    if len(problems) > before or section_id is None:
        return None
    return Section(
        id=section_id,
        title=obj["title"].strip(),
        short_title=obj["short_title"].strip(),
        text=obj["text"].strip(),
        summary=obj["summary"].strip(),
        questions=questions,
        keywords=keywords,
        action=cast(Action | None, action),
        summary_en=summary_en.strip() if isinstance(summary_en, str) else None,
    )


def _raw_id(item: object) -> str | None:
    if isinstance(item, Mapping):
        raw = cast(Mapping[str, Any], item).get("id")
        if isinstance(raw, str) and SECTION_ID_RE.match(raw.strip()):
            return raw.strip()
    return None


def _string_list(
    obj: Mapping[str, Any], key: str, where: str, problems: list[Problem]
) -> tuple[str, ...]:
    value = obj.get(key, [])
    if not isinstance(value, list):
        problems.append(Problem(where, f"{key!r} must be a list of strings"))
        return ()
    out: list[str] = []
    for position, item in enumerate(value):
        if not _non_empty_str(item):
            problems.append(Problem(where, f"{key!r}[{position}] must be a non-empty string"))
            continue
        out.append(cast(str, item).strip())
    return tuple(out)


def _non_empty_str(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _where(index: int, section_id: str | None) -> str:
    if section_id:
        return f"section {section_id!r} (sections[{index}])"
    return f"sections[{index}]"


def _sort_key(section_id: str) -> tuple[int, ...]:
    return tuple(int(part) for part in section_id.split("."))
