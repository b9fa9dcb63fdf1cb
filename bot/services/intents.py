"""What a typed message asks for, as staff type on a phone between lessons.

"jeg vil melde fra", "varsle", "si ifra" and their typos start a report; "hvordan melder jeg
fra?" is a question and gets an answer from the plan instead: a question word or a question
mark wins over a report phrase.
"""

from __future__ import annotations

from enum import StrEnum

from bot.knowledge.analysis import close_to_any, fold_ascii


class Intent(StrEnum):
    REPORT = "report"
    MY_CASES = "my_cases"
    HELP = "help"
    CANCEL = "cancel"
    LOG = "log"
    STATS = "stats"
    QUESTION = "question"
    UNKNOWN = "unknown"


REPORT_PHRASES = (
    "meld fra",
    "melde fra",
    "meld ifra",
    "melde ifra",
    "jeg vil melde fra",
    "jeg vil melde ifra",
    "jeg ma melde fra",
    "varsle",
    "varsel",
    "jeg vil varsle",
    "si ifra",
    "si fra",
    "jeg vil si ifra",
    "bekymring",
    "bekymring for en elev",
    "jeg er bekymret for en elev",
    "ny melding",
    "meld fra na",
    "melde fra",
    "meld fraa",
    "report",
    "report a concern",
)
MY_CASES_PHRASES = ("mine saker", "saker", "mine saker", "my cases", "sakene mine")
HELP_PHRASES = ("hjelp", "help", "meny", "hei", "hallo", "start", "hva kan du")
CANCEL_PHRASES = ("avbryt", "stopp", "cancel", "glem det")
LOG_PHRASES = (
    "logg",
    "logge",
    "ny logg",
    "loggfor",
    "loggføre",
    "observasjon",
    "folge med",
    "ny observasjon",
    "log",
)
STATS_PHRASES = ("statistikk", "statistikken", "vis statistikk", "statistics")

QUESTION_WORDS = frozenset(
    {
        "hvordan",
        "korleis",
        "hva",
        "kva",
        "nar",
        "kven",
        "hvem",
        "hvor",
        "kor",
        "kan",
        "skal",
        "ma",
        "bor",
        "hvilke",
        "hvilken",
        "er",
        "finnes",
        "how",
        "what",
        "when",
        "who",
        "where",
        "should",
        "must",
        "can",
        "do",
        "does",
        "is",
        "are",
        "which",
        "why",
        "hvorfor",
    }
)


normalize = fold_ascii
_close = close_to_any


def classify(text: str | None) -> Intent:
    if not text or not text.strip():
        return Intent.UNKNOWN
    norm = normalize(text)
    if not norm:
        return Intent.HELP if "?" in text else Intent.UNKNOWN
    words = norm.split()
    if _close(norm, CANCEL_PHRASES, 0.85):
        return Intent.CANCEL
    if _close(norm, HELP_PHRASES, 0.85):
        return Intent.HELP
    if _close(norm, LOG_PHRASES, 0.85):
        return Intent.LOG
    if _close(norm, STATS_PHRASES, 0.85):
        return Intent.STATS
    is_question = text.strip().endswith("?") or words[0] in QUESTION_WORDS
    if is_question:
        return Intent.QUESTION
    if _close(norm, MY_CASES_PHRASES, 0.85):
        return Intent.MY_CASES
    if len(words) <= 7 and _close(norm, REPORT_PHRASES, 0.8):
        return Intent.REPORT
    return Intent.QUESTION if len(words) >= 2 else Intent.UNKNOWN
