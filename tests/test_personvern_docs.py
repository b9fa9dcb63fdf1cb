"""The privacy documents for the school owner's DPO stay true to the code."""

from __future__ import annotations

import re
from pathlib import Path

from bot.domain.school import Privacy, Retention

DOCS = Path(__file__).resolve().parent.parent / "docs" / "personvern"
ROOT = DOCS.parent.parent


def test_the_documents_are_there() -> None:
    for name in ("behandlingsprotokoll.md", "dataflyt.md", "lagringstid.md",
                 "dpia-grunnlag.md", "avviksrutine.md"):
        assert (DOCS / name).stat().st_size > 500, name


def test_the_retention_table_matches_the_defaults_in_the_code() -> None:
    table = (DOCS / "lagringstid.md").read_text(encoding="utf-8")
    found = dict(re.findall(r"\| `\[(?:retention|privacy)\] (\w+)` \| (\d+) \|", table))
    expected = {**vars(Retention()),
                **{k: v for k, v in vars(Privacy()).items() if isinstance(v, int)}}
    assert {k: int(v) for k, v in found.items()} == expected


def test_every_test_the_dpia_names_exists() -> None:
    text = (DOCS / "dpia-grunnlag.md").read_text(encoding="utf-8")
    named = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", text)
    assert len(named) >= 15
    for path, function in named:
        source = (ROOT / path).read_text(encoding="utf-8")
        assert re.search(rf"^(async )?def {function}\(", source, re.M), f"{path}::{function}"


def test_the_protocol_and_the_routine_name_what_the_dpo_looks_for() -> None:
    protocol = (DOCS / "behandlingsprotokoll.md").read_text(encoding="utf-8")
    for term in ("art. 6 nr. 1 bokstav c", "bokstav e", "art. 9 nr. 2 bokstav g",
                 "opplæringslova", "Databehandlere", "Microsoft"):
        assert term in protocol, term
    routine = (DOCS / "avviksrutine.md").read_text(encoding="utf-8")
    assert "72 timer" in routine and "python -m bot audit verify" in routine
    assert "```mermaid" in (DOCS / "dataflyt.md").read_text(encoding="utf-8")
