"""Short summaries of opplæringslova §§ 12-2 to 12-6, searchable beside the school's plan.

Some questions staff relay are answered by the law and not by the plan — above all how a
pupil or parents bring a case to Statsforvalteren (§ 12-6). Those get the law's answer,
cited as «Opplæringslova § 12-6», and never the plan's text as if the plan said so. The
summaries (bot/knowledge/resources/law.json) are written in our own words in bokmål, with the
law's own nynorsk headings, and are indexed as a small plan of their own so the same
analysis (nynorsk, English, spelling) applies.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Final, Literal, cast

from bot.knowledge.model import Plan, PlanInfo, Section

LAW_PATH: Final = Path(__file__).parent / "resources" / "law.json"
LAW_PLAN_ID: Final = "opplaeringslova"

LawRoute = Literal["statsforvalteren"]


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    return cast(dict[str, Any], json.loads(LAW_PATH.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def law_plan() -> Plan:
    """The law summaries as a Plan whose citations read «Opplæringslova § 12-4»."""
    data = _data()
    sections = tuple(
        Section(
            id=item["id"],
            title=item["title"],
            short_title="",
            text=f"**{item['id']} {item['title']}**\n\n{item['summary']}",
            summary=item["summary"],
            questions=tuple(item.get("questions", ())),
            keywords=(item["id"], item["title"], item["short_title"], *item.get("keywords", ())),
            summary_en=item.get("summary_en"),
        )
        for item in data["sections"]
    )
    info = PlanInfo(
        id=LAW_PLAN_ID,
        name="Opplæringslova kapittel 12 (sammendrag)",
        citation_name=data["citation_name"],
        school="",
    )
    return Plan(info=info, sections=sections)


def route_of(section_id: str) -> LawRoute | None:
    for item in _data()["sections"]:
        if item["id"] == section_id:
            return cast(LawRoute | None, item.get("route"))
    return None
