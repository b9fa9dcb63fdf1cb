"""Command line for the plan Q&A: ``python -m bot ask …``.

Three modes: a plain question prints what staff would see; ``--json`` prints the ranking
for one question; ``--jsonl`` answers one JSON object per input line, for evaluation
scripts and for checking a new school's plan in bulk. In ``--jsonl`` mode every input line
gets exactly one output line, so a malformed line yields an error object in its place
rather than stopping the batch or shifting the remaining answers.

Question text is never logged: questions may name pupils.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, NoReturn, TextIO

from bot.knowledge.loader import PlanValidationError
from bot.knowledge.reply import reply_text
from bot.knowledge.retrieval import Answer, KnowledgeBase, default_knowledge_base

USAGE = (
    'Bruk: ask [--plan FIL] "spørsmål"\n'
    '      ask [--plan FIL] --json "spørsmål"\n'
    "      ask [--plan FIL] --jsonl < spørsmål.jsonl   (én linje per spørsmål: "
    '{"q": "…"})'
)
EXIT_OK = 0
EXIT_PLAN_ERROR = 1
EXIT_USAGE = 2


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse that reports problems to the caller instead of exiting the process."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


def _parser() -> _Parser:
    parser = _Parser(prog="ask", add_help=False)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--jsonl", action="store_true")
    parser.add_argument("--plan", type=Path)
    parser.add_argument("-h", "--help", action="store_true")
    parser.add_argument("question", nargs="*")
    return parser


def main(argv: list[str], stdin: TextIO, stdout: TextIO) -> int:
    """Run the ``ask`` command; argv excludes the program name and the word "ask"."""
    try:
        args = _parser().parse_args(argv)
    except _UsageError as exc:
        stdout.write(f"{exc}\n{USAGE}\n")
        return EXIT_USAGE
    if args.help:
        stdout.write(USAGE + "\n")
        return EXIT_OK
    question = " ".join(args.question).strip()
    if args.json and args.jsonl:
        stdout.write("--json og --jsonl kan ikke brukes sammen.\n" + USAGE + "\n")
        return EXIT_USAGE
    if args.jsonl and question:
        stdout.write("--jsonl leser spørsmålene fra standard inn, ikke fra argumentene.\n")
        return EXIT_USAGE
    if not args.jsonl and not question:
        stdout.write(USAGE + "\n")
        return EXIT_USAGE

    try:
        kb = KnowledgeBase.from_file(args.plan) if args.plan else default_knowledge_base()
    except PlanValidationError as exc:
        stdout.write(f"{exc}\n")
        return EXIT_PLAN_ERROR

    if args.jsonl:
        _answer_lines(kb, stdin, stdout)
        return EXIT_OK
    answer = kb.ask(question)
    if args.json:
        stdout.write(_dumps(_full_record(question, answer)) + "\n")
    else:
        plan_name = kb.plan.info.citation_name.lower()
        stdout.write(reply_text(answer, plan=plan_name) + "\n")
    return EXIT_OK


def _answer_lines(kb: KnowledgeBase, stdin: TextIO, stdout: TextIO) -> None:
    for number, line in enumerate(stdin, start=1):
        record = _answer_line(kb, line, number)
        stdout.write(_dumps(record) + "\n")
        stdout.flush()


def _answer_line(kb: KnowledgeBase, line: str, number: int) -> dict[str, Any]:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"error": f"not valid JSON: {exc.msg}", "line": number}
    if not isinstance(data, dict):
        return {"error": 'expected a JSON object like {"q": "…"}', "line": number}
    question = data.get("q")
    if not isinstance(question, str):
        return {"error": "field 'q' must be a string", "line": number}
    record = _record(question, kb.ask(question))
    if "id" in data:
        record = {"id": data["id"], **record}
    return record


def _record(question: str, answer: Answer) -> dict[str, Any]:
    """An answer as `--jsonl` prints it per line; `--json` adds the decision behind it."""
    return {
        "q": question,
        "sections": list(answer.sections),
        "scores": list(answer.scores),
        "answered": answer.answered,
        "language": answer.language,
        "source": answer.source,
    }


def _full_record(question: str, answer: Answer) -> dict[str, Any]:
    return {
        **_record(question, answer),
        "decision": answer.decision,
        "route": answer.route,
        "probability": answer.probability,
        "confidence": answer.confidence,
        "law_beyond_plan": answer.law_beyond_plan,
        "section": answer.section_id,
        "citation": answer.citation,
        "summary": answer.summary,
        "action": answer.action,
    }


def _dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False)
