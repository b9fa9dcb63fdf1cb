"""Typed, immutable view of a school's plan once it has passed validation.

The rest of the package only ever sees these objects, never raw JSON, so a malformed plan
fails once at load with a clear message instead of deep inside a question.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Action = Literal["start_report", "my_cases"]
ACTIONS: Final[frozenset[str]] = frozenset({"start_report", "my_cases"})


@dataclass(frozen=True, slots=True)
class Section:
    """One numbered section of the plan ("8.3"), with text for people and hints for search."""

    id: str
    title: str
    short_title: str
    text: str
    summary: str
    questions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    action: Action | None = None
    # A curated English rendering of ``summary`` for staff who ask in English; the Norwegian
    # section stays the source that is cited.
    summary_en: str | None = None

    @property
    def parent_id(self) -> str | None:
        head, dot, _ = self.id.rpartition(".")
        return head if dot else None


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanInfo:
    """Who the plan belongs to and how answers should name it in citations.

    Built by name only (the plan file's keys), so the fields follow that sentence: the plan and
    its school first, the name for citations last.
    """

    id: str
    """Tells the law's summary (`law.LAW_PLAN_ID`) from a school's plan, which is cited apart."""
    name: str
    school: str
    school_year: str | None = None
    language: str = "nb"
    citation_name: str
    """What staff see in a citation: «Skolemiljøplanen 8.3 Melde fra»."""


@dataclass(frozen=True, slots=True)
class Plan:
    info: PlanInfo
    sections: tuple[Section, ...]

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def citation(self, section_id: str) -> str:
        """Citation in the form staff see in answers, e.g. "Skolemiljøplanen 8.3 Melde fra"."""
        section = self.section(section_id)
        if not section.short_title:
            return f"{self.info.citation_name} {section.id}"
        return f"{self.info.citation_name} {section.id} {section.short_title}"
