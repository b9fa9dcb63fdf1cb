"""Answer staff questions about the routines from the school's plan, citing the section.

Ranking is BM25F over each section's fields (title, keywords, curated questions, summary,
text), which suits a corpus of a few dozen short sections far better than embeddings would
on a 2-core machine with no model downloads. The index is built once; a question is a
handful of dictionary look-ups, so answering stays well under a millisecond.

Whether to *answer* is a separate decision from ranking. A ranked list always has a first
item, so the bot only answers when the best section covers most of what the question is
about (its informative words, weighted by rarity): "hvordan søker jeg permisjon" shares
the word "søke" with the plan but not "permisjon", and gets an honest "not sure" instead
of a confident wrong routine. Questions that lean on law the plan does not cover
(Statsforvaltaren, barnevernet, erstatning …) are flagged so the bot can point to rektor.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock
from typing import Final

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.knowledge import analysis, lexicon
from bot.knowledge.loader import load_plan
from bot.knowledge.model import Action, Plan, Section

DEFAULT_PLAN_PATH: Final = Path(__file__).parent / "plans" / "ellingsrud.json"

# Field weights and length normalisation for BM25F. Titles and curated questions are short
# and written to be matched, so a hit there is worth more than one in the running text.
_FIELDS: Final[tuple[tuple[str, float, float], ...]] = (
    # (name, weight, b)
    ("title", 3.0, 0.3),
    ("keywords", 2.0, 0.3),
    ("questions", 2.0, 0.75),
    ("summary", 1.5, 0.75),
    ("text", 1.0, 0.75),
)
_K1: Final = 1.2
_COMPOUND_PART_WEIGHT: Final = 0.5
_FUZZY_FACTOR: Final = 0.9
_REF_SCORE: Final = 12.0
_MIN_FUZZY_LENGTH: Final = 4
_SECTION_REF_RE: Final = re.compile(
    r"(?:\b(?:punkt|pkt|kapittel|kap|del|delen|avsnitt|seksjon|section|chapter|point|part)"
    r"\.?\s*(\d+(?:\.\d+)*)(?![\d-])"
    r"|(?<![\d.§-])(\d+\.\d+(?:\.\d+)*)(?![\d-]))"
)


@dataclass(frozen=True, slots=True)
class Settings:
    """Decision thresholds; defaults were tuned on the "tune" split of the evaluation set."""

    min_coverage: float = 0.6
    min_score: float = 1.5
    max_hits: int = 5


@dataclass(frozen=True, slots=True)
class Hit:
    section_id: str
    score: float
    citation: str


@dataclass(frozen=True, slots=True)
class Answer:
    """What the bot needs to reply: ranked sections, the decision, and what to show.

    ``citation``, ``summary``, ``section_id`` and ``action`` are set only when ``answered``
    is true, so a caller cannot accidentally present a low-confidence guess as the answer;
    ``hits`` always holds the closest sections (best first) for a "did you mean" reply.
    """

    answered: bool
    confidence: float
    hits: tuple[Hit, ...]
    law_beyond_plan: bool = False
    section_id: str | None = None
    citation: str | None = None
    title: str | None = None
    summary: str | None = None
    action: Action | None = None

    @property
    def sections(self) -> tuple[str, ...]:
        return tuple(hit.section_id for hit in self.hits)

    @property
    def scores(self) -> tuple[float, ...]:
        return tuple(hit.score for hit in self.hits)


@dataclass(frozen=True, slots=True)
class _Slot:
    """One informative unit of the question: a term, or the parts of an unknown compound."""

    terms: tuple[str, ...]
    idf: float
    factor: float = 1.0


@dataclass(slots=True)
class _QueryPlan:
    slots: list[_Slot] = field(default_factory=list)
    law: bool = False


class KnowledgeBase:
    """A plan plus its search index. Immutable after construction and safe to share."""

    def __init__(self, plan: Plan, settings: Settings | None = None) -> None:
        self.plan = plan
        self.settings = settings or Settings()
        self._sections: tuple[Section, ...] = plan.sections
        self._ids: tuple[str, ...] = tuple(s.id for s in plan.sections)
        self._citations: tuple[str, ...] = tuple(plan.citation(i) for i in self._ids)
        self._postings: dict[str, list[tuple[int, float]]] = {}
        self._idf: dict[str, float] = {}
        self._build()

    @classmethod
    def from_file(cls, path: str | Path, settings: Settings | None = None) -> KnowledgeBase:
        return cls(load_plan(path), settings)

    # ------------------------------------------------------------------ index build

    def _build(self) -> None:
        n = len(self._sections)
        field_counts: list[dict[str, Counter[str]]] = []
        field_lengths: dict[str, list[int]] = {name: [] for name, _, _ in _FIELDS}
        surface_words: set[str] = set()
        base_terms: set[str] = set()

        analysed: list[dict[str, list[tuple[str, str]]]] = []
        for section in self._sections:
            fields = {
                "title": f"{section.title}\n{section.short_title}",
                "keywords": "\n".join(section.keywords),
                "questions": "\n".join(section.questions),
                "summary": section.summary,
                "text": section.text,
            }
            per_field = {name: analysis.text_terms(value) for name, value in fields.items()}
            analysed.append(per_field)
            for pairs in per_field.values():
                for surface, term in pairs:
                    surface_words.add(surface)
                    base_terms.add(term)

        self._base_terms: frozenset[str] = frozenset(base_terms)
        self._split_cache: dict[str, tuple[str, ...] | None] = {}

        for per_field in analysed:
            counts: dict[str, Counter[str]] = {}
            for name, pairs in per_field.items():
                counter: Counter[str] = Counter()
                weighted: dict[str, float] = {}
                for surface, term in pairs:
                    counter[term] += 1
                    parts = self._split_compound(surface)
                    for part in parts or ():
                        if part != term:
                            weighted[part] = weighted.get(part, 0.0) + _COMPOUND_PART_WEIGHT
                field_lengths[name].append(len(pairs))
                # Compound parts count as fractional occurrences, so "varslingsskjema" is
                # also found by "skjema" but ranks below a section that says "skjema".
                merged: Counter[str] = Counter()
                for term, count in counter.items():
                    merged[term] = count
                for term, extra in weighted.items():
                    merged[term] = merged.get(term, 0) + extra  # type: ignore[assignment]
                counts[name] = merged
            field_counts.append(counts)

        averages = {
            name: max(1.0, sum(lengths) / max(1, len(lengths)))
            for name, lengths in field_lengths.items()
        }
        pseudo_tf: list[dict[str, float]] = []
        for doc, counts in enumerate(field_counts):
            tf: dict[str, float] = {}
            for name, weight, b in _FIELDS:
                norm = 1.0 - b + b * field_lengths[name][doc] / averages[name]
                for term, count in counts[name].items():
                    tf[term] = tf.get(term, 0.0) + weight * float(count) / norm
            pseudo_tf.append(tf)

        df: Counter[str] = Counter()
        for tf in pseudo_tf:
            df.update(tf.keys())
        self._idf = {term: _idf(n, count) for term, count in df.items()}
        self._idf_unknown = _idf(n, 0)
        for doc, tf in enumerate(pseudo_tf):
            for term, value in tf.items():
                weight = self._idf[term] * value * (_K1 + 1.0) / (value + _K1)
                self._postings.setdefault(term, []).append((doc, weight))

        law_terms = {t for word in lexicon.LAW_TERMS for t in analysis.word_terms(word)}
        self._law_terms: frozenset[str] = frozenset(law_terms - set(self._idf))

        choices = {w for w in surface_words if len(w) >= _MIN_FUZZY_LENGTH}
        choices.update(w for w in analysis.known_surface_words() if len(w) >= _MIN_FUZZY_LENGTH)
        self._fuzzy_choices: list[str] = sorted(choices)
        self._fuzzy_cache: dict[str, str | None] = {}
        self._cache_lock = Lock()

    # ------------------------------------------------------------------ question analysis

    def _split_compound(self, word: str) -> tuple[str, ...] | None:
        """Split an unknown compound into two known parts ("tiltaksplan" → tiltak + plan).

        Norwegian writes compounds as one word, often with a linking -s- or -e-, so a
        question's "skolemiljøplan" must still find sections about "skolemiljø" and "plan".
        """
        cached = self._split_cache.get(word, ())
        if cached != ():
            return cached
        best: tuple[str, ...] | None = None
        best_balance = 0
        if len(word) >= 6 and word.isalpha():
            for i in range(3, len(word) - 2):
                head, tail = word[:i], word[i:]
                tail_terms = analysis.word_terms(tail)
                if len(tail_terms) != 1 or tail_terms[0] not in self._base_terms:
                    continue
                for candidate in _head_variants(head):
                    head_terms = analysis.word_terms(candidate)
                    if len(head_terms) == 1 and head_terms[0] in self._base_terms:
                        balance = min(len(candidate), len(tail))
                        if balance > best_balance:
                            best, best_balance = (head_terms[0], tail_terms[0]), balance
                        break
        self._split_cache[word] = best
        return best

    def _correct(self, word: str) -> str | None:
        """Closest known word within a small edit distance, for typos ("vasrler")."""
        if len(word) < _MIN_FUZZY_LENGTH or not word.isalpha():
            return None
        with self._cache_lock:
            if word in self._fuzzy_cache:
                return self._fuzzy_cache[word]
        max_distance = 1 if len(word) <= 6 else 2
        match = process.extractOne(
            word, self._fuzzy_choices, scorer=OSA.distance, score_cutoff=max_distance
        )
        result = match[0] if match is not None and match[0] != word else None
        with self._cache_lock:
            if len(self._fuzzy_cache) > 4096:
                self._fuzzy_cache.clear()
            self._fuzzy_cache[word] = result
        return result

    def _analyse(self, question: str) -> _QueryPlan:
        query = _QueryPlan()
        normalised = analysis.normalise(question)
        normalised = self._extract_refs(normalised, query)
        seen: set[str] = set()

        def add(terms: tuple[str, ...], factor: float = 1.0) -> None:
            key = "+".join(terms)
            if key in seen:
                return
            seen.add(key)
            idf = max(self._idf.get(t, self._idf_unknown) for t in terms)
            query.slots.append(_Slot(terms, idf, factor))

        for token in analysis.tokenize(normalised):
            terms = analysis.word_terms(token)
            if not terms:
                continue
            for term in terms:
                if self._is_law(term):
                    query.law = True
                if term in self._idf:
                    add((term,))
                    continue
                parts = self._split_compound(token)
                if parts is not None:
                    add(parts)
                    continue
                corrected = self._correct(token)
                if corrected is not None:
                    corrected_terms = analysis.word_terms(corrected)
                    for fixed in corrected_terms:
                        if self._is_law(fixed):
                            query.law = True
                        if fixed in self._idf:
                            add((fixed,), _FUZZY_FACTOR)
                        else:
                            add((fixed,))
                    continue
                add((term,))
        return query

    def _is_law(self, term: str) -> bool:
        if term in self._law_terms:
            return True
        return analysis.is_paragraph_term(term) and term not in self._idf

    def _extract_refs(self, normalised: str, query: _QueryPlan) -> str:
        """Turn "punkt 8.3" / "kapittel 3" / a bare "8.3" into a direct section reference."""
        ids = set(self._ids)

        def replace(match: re.Match[str]) -> str:
            section_id = match.group(1) or match.group(2)
            if section_id in ids:
                query.slots.append(_Slot((_ref_term(section_id),), self._idf_unknown))
                return " "
            return match.group(0)

        return _SECTION_REF_RE.sub(replace, normalised)

    # ------------------------------------------------------------------ answering

    def ask(self, question: str) -> Answer:
        """Rank the plan's sections for a question and decide whether to answer it."""
        query = self._analyse(question)
        n = len(self._sections)
        scores = [0.0] * n
        covered = [0.0] * n
        total_idf = 0.0
        for slot in query.slots:
            total_idf += slot.idf
            per_doc: dict[int, float] = {}
            for term in slot.terms:
                for doc, weight in self._postings_for(term):
                    per_doc[doc] = per_doc.get(doc, 0.0) + weight * slot.factor
            for doc, value in per_doc.items():
                scores[doc] += value
                covered[doc] += slot.idf

        order = sorted((i for i in range(n) if scores[i] > 0.0), key=lambda i: (-scores[i], i))
        hits = tuple(
            Hit(self._ids[i], round(scores[i], 4), self._citations[i])
            for i in order[: self.settings.max_hits]
        )
        if not order or total_idf <= 0.0:
            return Answer(answered=False, confidence=0.0, hits=hits, law_beyond_plan=query.law)

        best = order[0]
        confidence = covered[best] / total_idf
        answered = (
            not query.law
            and confidence >= self.settings.min_coverage
            and scores[best] >= self.settings.min_score
        )
        if not answered:
            return Answer(
                answered=False,
                confidence=round(confidence, 4),
                hits=hits,
                law_beyond_plan=query.law,
            )
        section = self._sections[best]
        return Answer(
            answered=True,
            confidence=round(confidence, 4),
            hits=hits,
            section_id=section.id,
            citation=self._citations[best],
            title=section.title,
            summary=section.summary,
            action=section.action,
        )

    def _postings_for(self, term: str) -> Iterable[tuple[int, float]]:
        if term.startswith("\x00ref:"):
            section_id = term[len("\x00ref:") :]
            return ((self._ids.index(section_id), _REF_SCORE),)
        return self._postings.get(term, ())


def _ref_term(section_id: str) -> str:
    return f"\x00ref:{section_id}"


def _head_variants(head: str) -> tuple[str, ...]:
    # Linking letters in Norwegian compounds: "tiltak-s-plan", "skole-miljø".
    if len(head) > 3 and head[-1] in "se":
        return (head, head[:-1])
    return (head,)


def _idf(n: int, df: int) -> float:
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


_default: KnowledgeBase | None = None
_default_lock = Lock()


def default_knowledge_base() -> KnowledgeBase:
    """The bundled plan's knowledge base, built on first use and then shared."""
    global _default
    with _default_lock:
        if _default is None:
            _default = KnowledgeBase.from_file(DEFAULT_PLAN_PATH)
        return _default


def ask(question: str) -> Answer:
    """Answer a question from the bundled plan (see KnowledgeBase.ask)."""
    return default_knowledge_base().ask(question)
