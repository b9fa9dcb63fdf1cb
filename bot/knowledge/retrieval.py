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

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from threading import Lock
from typing import Final, Literal

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.knowledge import analysis, law, lexicon
from bot.knowledge.classifier import CLASSIFIER_PATH, NONE, SectionClassifier, load_classifier
from bot.knowledge.decision import FEATURES, MODEL_PATH, DecisionModel, load_model
from bot.knowledge.intent import Language, QuestionIntent, classify
from bot.knowledge.loader import load_plan
from bot.knowledge.model import Action, Plan, Section

DEFAULT_PLAN_PATH: Final = Path(__file__).parent / "plans" / "ellingsrud.json"

# BM25F fields as (name, weight, length normalisation b). Titles, keywords and curated
# questions are written to be matched, so a hit there is worth more than one in the text.
_FIELDS: Final[tuple[tuple[str, float, float], ...]] = (
    ("title", 3.0, 0.3),
    ("keywords", 2.0, 0.3),
    ("questions", 2.0, 0.75),
    ("summary", 1.5, 0.75),
    ("text", 1.0, 0.75),
)
_K1: Final = 1.2
# Compound parts count as fractional occurrences: "varslingsskjema" is found by "skjema",
# but below a section that says "skjema" itself.
_COMPOUND_PART_WEIGHT: Final = 0.5
_FUZZY_FACTOR: Final = 0.9
_CONCERN_UNKNOWN_FACTOR: Final = 0.25
_REF_SCORE: Final = 12.0
# Bonus for the section whose curated question (or title) is closest to the question as a
# whole, as FAQ bots do: "hvordan skriver jeg en aktivitetsplan" should land on the routine
# whose curated question is "Hvordan skriver jeg en tiltaksplan?", even when another section
# happens to use "skrive" and "aktivitetsplan" more often.
_QUESTION_BONUS: Final = 3.0
# Weight of neighbouring-word pairs, which only re-rank sections that share the words.
_PAIR_FACTOR: Final = 0.5
# Bounds that keep a pasted essay from costing more than a question: only the start of a
# long message is read, and only a few unknown words per question get a spelling search.
_MAX_QUESTION_CHARS: Final = 600
_MAX_CORRECTIONS: Final = 8
_SPLIT_CACHE_SIZE: Final = 20000
_MIN_FUZZY_LENGTH: Final = 5
_FUZZY_CANDIDATES: Final = 8
_FUZZY_CACHE_SIZE: Final = 4096
_WORD_RE: Final = re.compile(r"[^\W\d_]+")
_CLASS_CODE_RE: Final = re.compile(r"^\d{1,2}[a-zæøå]{1,2}$")
_SECTION_REF_RE: Final = re.compile(
    r"(?:\b(?:punkt|pkt|kapittel|kap|del|delen|avsnitt|seksjon|section|chapter|point|part)"
    r"\.?\s*(\d+(?:\.\d+)*)(?![\d-])"
    r"|(?<![\d.§-])(\d+\.\d+(?:\.\d+)*)(?![\d-]))"
)


@dataclass(frozen=True, slots=True)
class Settings:
    """Ranking and decision parameters; the defaults were tuned on the tuning splits only.

    ``min_coverage``/``min_score`` decide when no decision model is loaded (and for the law
    summaries, which are few and short). The intent factors re-rank: a question that asks
    what to do prefers the routine sections over definitions, and one about an adult
    harming a pupil goes to the report routine.
    """

    min_coverage: float = 0.5
    min_score: float = 1.5
    max_hits: int = 5
    routine_boost: float = 1.35
    definition_penalty: float = 0.7
    definition_boost: float = 1.15
    adult_harm_bonus: float = 4.0
    harmed_boost: float = 1.3
    duty_boost: float = 1.6
    # How much the learned section classifier adds to a section's score, as a share of the
    # best word-overlap score per unit of probability (chosen by cross-validation over sites).
    learned_weight: float = 4.0
    learned_floor: float = 0.02


Source = Literal["plan", "law"]
Decision = Literal["answer", "unsure", "not_covered"]
Route = Literal["leader", "rektor", "statsforvalteren"]


@dataclass(frozen=True, slots=True)
class Hit:
    section_id: str
    score: float
    citation: str


@dataclass(frozen=True, slots=True)
class Answer:
    """What the bot needs to reply: ranked sections, the decision, and what to show.

    ``section_id``, ``citation``, ``title``, ``summary`` and ``action`` are set only when
    ``answered`` is true, so a caller cannot present a low-confidence guess as the answer by
    accident; ``hits`` always holds the closest sections (best first) for a "did you mean"
    reply. ``law_beyond_plan`` marks a legal question the plan does not cover (ask rektor).
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
    # The asker's language ("nb", "nn", "en"); where the answer comes from ("plan", or
    # "law" for a summary of opplæringslova); ``translated`` when ``summary`` is a curated
    # English rendering of the Norwegian section that ``citation`` names.
    language: Language = "nb"
    source: Source = "plan"
    translated: bool = False
    # Why a question was declined and who should get it: the nearest leader, rektor (law
    # beyond the plan) or Statsforvalteren information (§ 12-6). ``probability`` is the
    # decision model's estimate that the first section is right.
    decision: Decision = "answer"
    route: Route | None = None
    probability: float = 0.0

    @property
    def sections(self) -> tuple[str, ...]:
        return tuple(hit.section_id for hit in self.hits)

    @property
    def scores(self) -> tuple[float, ...]:
        return tuple(hit.score for hit in self.hits)


@dataclass(frozen=True, slots=True)
class _Slot:
    """One informative unit of the question: a term, or the two parts of a compound."""

    terms: tuple[str, ...]
    idf: float
    factor: float = 1.0


@dataclass(slots=True)
class _Query:
    slots: list[_Slot] = field(default_factory=list)
    refs: list[int] = field(default_factory=list)
    pairs: list[str] = field(default_factory=list)
    law: bool = False
    concern: bool = False


@dataclass(frozen=True, slots=True)
class _Ranking:
    query: _Query
    intent: QuestionIntent
    scores: list[float]
    covered: list[float]
    total: float
    unknown: float
    order: list[int]
    similarity: dict[int, float]
    # The classifier's probability per document, and that the plan does not answer at all.
    learned: dict[int, float] = field(default_factory=dict)
    none: float = 0.0


class KnowledgeBase:
    """A plan plus its search index, built once and shared.

    Safe to share between threads and tasks: answering only reads the index; the small
    spelling and compound caches are bounded and tolerate concurrent use.
    """

    def __init__(
        self,
        plan: Plan,
        settings: Settings | None = None,
        *,
        law_plan: Plan | Literal["default"] | None = "default",
        model: DecisionModel | Literal["default"] | None = "default",
        classifier: SectionClassifier | Literal["default"] | None = "default",
    ) -> None:
        self.plan = plan
        self.settings = settings or Settings()
        if law_plan == "default":
            law_plan = law.law_plan()
        if model == "default":
            model = load_model() if MODEL_PATH.exists() else None
        if classifier == "default":
            classifier = load_classifier() if CLASSIFIER_PATH.exists() else None
        self.model: DecisionModel | None = model
        self.classifier: SectionClassifier | None = classifier
        self._law: KnowledgeBase | None = (
            KnowledgeBase(law_plan, self.settings, law_plan=None, model=None, classifier=None)
            if law_plan is not None
            else None
        )
        self._postings: dict[str, list[tuple[int, float]]] = {}
        self._idf: dict[str, float] = {}
        self._split_cache: dict[str, tuple[str, str] | None] = {}
        self._plan_splits: dict[str, tuple[str, str] | None] = {}
        self._fuzzy_cache: dict[str, str | None] = {}
        self._fuzzy_lock = Lock()
        self._build()

    @classmethod
    def from_file(cls, path: str | Path, settings: Settings | None = None) -> KnowledgeBase:
        return cls(load_plan(path), settings)

    # ------------------------------------------------------------------ index build

    def _build(self) -> None:
        sections = self.plan.sections
        answer_for = _answering_sections(sections)
        self._docs: tuple[Section, ...] = tuple(sections[i] for i in sorted(set(answer_for)))
        doc_index = {section.id: d for d, section in enumerate(self._docs)}
        self._doc_of: dict[str, int] = {
            section.id: doc_index[sections[answer_for[i]].id] for i, section in enumerate(sections)
        }
        self._citations: tuple[str, ...] = tuple(self.plan.citation(s.id) for s in self._docs)

        # Per document and field: the analysed segments (a line, a sentence, a keyword or a
        # curated question), so that word pairs never span two unrelated phrases.
        analysed: list[dict[str, list[list[tuple[str, str]]]]] = [
            {name: [] for name, _, _ in _FIELDS} for _ in self._docs
        ]
        surface_words: set[str] = set()
        base_terms: set[str] = set()
        for section in sections:
            target = analysed[self._doc_of[section.id]]
            for name, texts in _segments(section).items():
                for segment in texts:
                    pairs = analysis.text_terms(segment)
                    target[name].append(pairs)
                    for surface, term in pairs:
                        surface_words.add(surface)
                        base_terms.add(term)
        self._base_terms: frozenset[str] = frozenset(base_terms)

        lengths: dict[str, list[int]] = {name: [] for name, _, _ in _FIELDS}
        counts: list[dict[str, dict[str, float]]] = []
        for per_field in analysed:
            doc_counts: dict[str, dict[str, float]] = {}
            for name, segments in per_field.items():
                lengths[name].append(sum(len(pairs) for pairs in segments))
                tf: dict[str, float] = {}
                for pairs in segments:
                    for surface, term in pairs:
                        tf[term] = tf.get(term, 0.0) + 1.0
                        for part in self._split_compound(surface) or ():
                            if part != term:
                                tf[part] = tf.get(part, 0.0) + _COMPOUND_PART_WEIGHT
                    terms = [term for _, term in pairs]
                    for first, second in itertools.pairwise(terms):
                        if first != second:
                            key = _pair(first, second)
                            tf[key] = tf.get(key, 0.0) + 1.0
                doc_counts[name] = tf
            counts.append(doc_counts)

        averages = {name: max(1.0, sum(v) / max(1, len(v))) for name, v in lengths.items()}
        pseudo_tf: list[dict[str, float]] = []
        for doc, doc_counts in enumerate(counts):
            combined: dict[str, float] = {}
            for name, weight, b in _FIELDS:
                norm = 1.0 - b + b * lengths[name][doc] / averages[name]
                for term, count in doc_counts[name].items():
                    combined[term] = combined.get(term, 0.0) + weight * count / norm
            pseudo_tf.append(combined)

        n = len(self._docs)
        df: Counter[str] = Counter()
        for combined in pseudo_tf:
            df.update(combined.keys())
        self._idf = {term: _idf(n, count) for term, count in df.items()}
        self._idf_unknown = _idf(n, 0)
        for doc, combined in enumerate(pseudo_tf):
            for term, value in combined.items():
                weight = self._idf[term] * value * (_K1 + 1.0) / (value + _K1)
                self._postings.setdefault(term, []).append((doc, weight))

        self._build_question_index()
        self._plan_splits = dict(self._split_cache)
        self._classify_sections()

        law_terms = {t for word in lexicon.LAW_TERMS for t in analysis.word_terms(word)}
        self._law_terms: frozenset[str] = frozenset(law_terms - self._idf.keys())
        self._concern_terms: frozenset[str] = frozenset(
            t for word in lexicon.CONCERN_WORDS for t in analysis.word_terms(word)
        )

        self._frequency: Counter[str] = Counter()
        for per_field in analysed:
            for segments in per_field.values():
                for pairs in segments:
                    self._frequency.update(surface for surface, _ in pairs)
        # Person names in the plan ("Morten" in 8.3) must not become spelling targets:
        # "morgen" would otherwise be "corrected" to a name.
        choices = (surface_words - _proper_nouns(sections)) | analysis.known_surface_words()
        self._fuzzy_choices: tuple[str, ...] = tuple(
            sorted(w for w in choices if len(w) >= _MIN_FUZZY_LENGTH - 1 and w.isalpha())
        )

    def _classify_sections(self) -> None:
        """Which sections are routines, which are definitions, and which one is reporting.

        Read from the plan's structure rather than hard-coded ids, so another school's plan
        gets the same intent handling: the report routine is the section that offers to
        start a report, the routines are it and its siblings plus every section with an
        action, and definitions are sections whose titles speak of understanding or terms.
        """
        report = next((d for d, s in enumerate(self._docs) if s.action == "start_report"), None)
        self._report_doc: int | None = report
        parent = self._docs[report].parent_id if report is not None else None
        self._routine_docs: frozenset[int] = frozenset(
            d
            for d, s in enumerate(self._docs)
            if s.action is not None or (parent is not None and s.parent_id == parent)
        )
        self._definition_docs: frozenset[int] = frozenset(
            d
            for d, s in enumerate(self._docs)
            if _DEFINITION_TITLE_RE.search(s.title.lower()) and d not in self._routine_docs
        )
        # The chapter over the routines lists the school's duties as a whole ("hva skal
        # skolen gjøre?"); it is the report routine's parent when that is a section of its own.
        self._duty_doc: int | None = self._doc_of.get(parent) if parent is not None else None
        # What the plan gives a right *to*: the words of the duty chapter's and the routines'
        # titles (and of the law summaries' titles), less words nearly every section uses
        # ("skole", "elev"). A "rett
        # til …" question about anything else (breaks, phones, days off) is not the plan's.
        titled = [self._docs[d].title for d in self._routine_docs]
        if self._duty_doc is not None:
            titled.append(self._docs[self._duty_doc].title)
        titled.extend(s.title for s in law.law_plan().sections)
        titled.extend(lexicon.RIGHTS_WORDS)
        common = {t for t, docs in self._postings.items() if len(docs) > 0.7 * len(self._docs)}
        self._rights_terms: frozenset[str] = (
            frozenset(term for text in titled for _, term in analysis.text_terms(text)) - common
        )

    def _build_question_index(self) -> None:
        self._question_doc: list[int] = []
        self._question_norm: list[float] = []
        self._question_postings: dict[str, list[int]] = {}
        for section in self.plan.sections:
            doc = self._doc_of[section.id]
            phrasings = (section.title, section.short_title, *section.questions)
            for phrasing in phrasings:
                terms = {term for _, term in analysis.text_terms(phrasing)}
                if not terms:
                    continue
                index = len(self._question_doc)
                self._question_doc.append(doc)
                self._question_norm.append(math.sqrt(sum(self._idf[t] ** 2 for t in terms)))
                for term in terms:
                    self._question_postings.setdefault(term, []).append(index)

    def _question_similarity(self, query: _Query) -> dict[int, float]:
        """Best idf-weighted cosine between the question and each section's phrasings."""
        dot: dict[int, float] = {}
        norm = 0.0
        for slot in query.slots:
            norm += slot.idf**2
            for term in slot.terms:
                weight = self._idf.get(term)
                if weight is None:
                    continue
                for index in self._question_postings.get(term, ()):
                    dot[index] = dot.get(index, 0.0) + weight * weight * slot.factor
        best: dict[int, float] = {}
        if len(query.slots) < 2 or not dot or norm <= 0.0:
            # One word matches many phrasings equally well; leave single words to BM25F.
            return best
        query_norm = math.sqrt(norm)
        for index, value in dot.items():
            similarity = value / (query_norm * self._question_norm[index])
            doc = self._question_doc[index]
            if similarity > best.get(doc, 0.0):
                best[doc] = similarity
        return best

    # ------------------------------------------------------------------ question analysis

    def _split_compound(self, word: str) -> tuple[str, str] | None:
        """Split a compound into two known parts ("skolemiljøplan" → skolemiljø + plan).

        Norwegian writes compounds as one word, often with a linking -s- or -e-, so a
        question's "skolemiljøplanen" must still find sections about "skolemiljø" and "plan".
        """
        cached = self._split_cache.get(word, _MISSING)
        if cached is not _MISSING:
            return cached  # type: ignore[return-value]
        best: tuple[str, str] | None = None
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
        if len(self._split_cache) >= _SPLIT_CACHE_SIZE:
            # Questions bring endless new words; keep the plan's own splits, drop the rest.
            self._split_cache = dict(self._plan_splits)
        self._split_cache[word] = best
        return best

    def _correct(self, word: str) -> str | None:
        """Closest known word within a small edit distance, for typos ("vasrler").

        Ties are broken towards the same first letter and then the word the plan uses most,
        since typing errors rarely hit the first letter.
        """
        if len(word) < _MIN_FUZZY_LENGTH or not word.isalpha():
            return None
        with self._fuzzy_lock:
            if word in self._fuzzy_cache:
                return self._fuzzy_cache[word]
        max_distance = 1 if len(word) <= 6 else 2
        matches = process.extract(
            word,
            self._fuzzy_choices,
            scorer=OSA.distance,
            score_cutoff=max_distance,
            limit=_FUZZY_CANDIDATES,
        )
        result: str | None = None
        if matches:
            best = min(
                matches,
                key=lambda m: (m[1], m[0][0] != word[0], -self._frequency[m[0]], m[0]),
            )
            result = best[0] if best[0] != word else None
        with self._fuzzy_lock:
            if len(self._fuzzy_cache) >= _FUZZY_CACHE_SIZE:
                self._fuzzy_cache.clear()
            self._fuzzy_cache[word] = result
        return result

    def _analyse(self, question: str) -> _Query:
        query = _Query()
        normalised = self._extract_refs(analysis.normalise(question[:_MAX_QUESTION_CHARS]), query)
        seen: set[tuple[str, ...]] = set()
        corrections = 0

        def add(terms: tuple[str, ...], factor: float = 1.0) -> None:
            if terms in seen:
                return
            seen.add(terms)
            query.concern = query.concern or any(t in self._concern_terms for t in terms)
            idf = max(self._idf.get(t, self._idf_unknown) for t in terms)
            query.slots.append(_Slot(terms, idf, factor))

        for token in analysis.tokenize(normalised):
            if _CLASS_CODE_RE.match(token):
                continue  # "9B", "10a": which class, not which routine
            if token in lexicon.FIRST_NAMES and not self._knows(token):
                continue  # a pupil's name says nothing about which routine is meant
            for term in analysis.word_terms(token):
                query.law = query.law or self._is_law(term)
                if term in self._idf:
                    add((term,))
                    continue
                parts = self._split_compound(token)
                if parts is not None:
                    add(parts)
                    continue
                corrected = None
                if corrections < _MAX_CORRECTIONS:
                    corrections += 1
                    corrected = self._correct(token)
                if corrected is None:
                    add((term,))
                    continue
                # A corrected stop word ("hvordn") simply disappears.
                for fixed in analysis.word_terms(corrected):
                    query.law = query.law or self._is_law(fixed)
                    add((fixed,), _FUZZY_FACTOR if fixed in self._idf else 1.0)
        singles = [slot.terms[0] for slot in query.slots if len(slot.terms) == 1]
        for first, second in itertools.pairwise(singles):
            key = _pair(first, second)
            if first != second and key in self._idf:
                query.pairs.append(key)
        return query

    def _knows(self, token: str) -> bool:
        return any(term in self._idf for term in analysis.word_terms(token))

    def _is_law(self, term: str) -> bool:
        if term in self._law_terms:
            return True
        return analysis.is_paragraph_term(term) and term not in self._idf

    def _extract_refs(self, normalised: str, query: _Query) -> str:
        """Turn "punkt 8.3" / "kapittel 3" / a bare "8.3" into a direct section reference."""

        def replace(match: re.Match[str]) -> str:
            section_id = match.group(1) or match.group(2)
            doc = self._doc_of.get(section_id)
            if doc is None:
                return match.group(0)
            query.refs.append(doc)
            return " "

        return _SECTION_REF_RE.sub(replace, normalised)

    # ------------------------------------------------------------------ answering

    def _rank(self, question: str, intent: QuestionIntent) -> _Ranking:
        query = self._analyse(question)
        n = len(self._docs)
        scores = [0.0] * n
        covered = [0.0] * n
        total = 0.0
        unknown = 0.0
        for doc in query.refs:
            total += self._idf_unknown
            scores[doc] += _REF_SCORE
            covered[doc] += self._idf_unknown
        for slot in query.slots:
            known = any(term in self._idf for term in slot.terms)
            if not known:
                unknown += slot.idf
            if not known and query.concern:
                total += slot.idf * _CONCERN_UNKNOWN_FACTOR
                continue
            total += slot.idf
            per_doc: dict[int, float] = {}
            for term in slot.terms:
                for doc, weight in self._postings.get(term, ()):
                    per_doc[doc] = per_doc.get(doc, 0.0) + weight * slot.factor
            for doc, value in per_doc.items():
                scores[doc] += value
                covered[doc] += slot.idf

        # Word pairs ("ansatt … krenker") only re-rank; they are not extra content.
        for key in query.pairs:
            for doc, weight in self._postings[key]:
                scores[doc] += _PAIR_FACTOR * weight
        similarity = self._question_similarity(query)
        for doc, value in similarity.items():
            scores[doc] += _QUESTION_BONUS * value
        learned, none = self._learned(question, intent)
        if learned and not query.refs and max(scores) > 0.0:
            # The classifier adds in the units of the best word-overlap score, so it can
            # re-rank sections that share words and bring in one that shares none. A
            # section number ("hva står i 8.3?") says outright which section is meant, and
            # a text that shares no word with the plan at all ("blabla") gets no guess.
            unit = max(max(scores), 1.0) * self.settings.learned_weight
            for doc, p in learned.items():
                if p >= self.settings.learned_floor:
                    scores[doc] += unit * p
        self._apply_intent(intent, scores, covered)
        order = sorted((d for d in range(n) if scores[d] > 0.0), key=lambda d: (-scores[d], d))
        return _Ranking(
            query, intent, scores, covered, total, unknown, order, similarity, learned, none
        )

    def _learned(self, question: str, intent: QuestionIntent) -> tuple[dict[int, float], float]:
        classifier = self.classifier
        if classifier is None:
            return {}, 0.0
        probabilities = classifier.probabilities(question, intent)
        learned: dict[int, float] = {}
        for label, p in probabilities.items():
            doc = self._doc_of.get(label)
            if doc is not None:
                learned[doc] = learned.get(doc, 0.0) + p
        return learned, probabilities.get(NONE, 0.0)

    def answering_id(self, section_id: str) -> str:
        """The section that answers for ``section_id`` (a lone subsection for its parent)."""
        return self._docs[self._doc_of[section_id]].id

    @property
    def answering_ids(self) -> tuple[str, ...]:
        return tuple(section.id for section in self._docs)

    def _apply_intent(
        self, intent: QuestionIntent, scores: list[float], covered: list[float]
    ) -> None:
        settings = self.settings
        if intent.action:
            for doc in self._routine_docs:
                scores[doc] *= settings.routine_boost
            for doc in self._definition_docs:
                scores[doc] *= settings.definition_penalty
        elif intent.definition:
            for doc in self._definition_docs:
                scores[doc] *= settings.definition_boost
        report = self._report_doc
        if intent.school_duty:
            for doc in self._routine_docs:
                if doc != report:
                    scores[doc] *= settings.routine_boost
            duty = self._duty_doc
            if duty is not None:
                # The chapter that lists the duties answers "what must the school do?",
                # however little else the question says.
                scores[duty] = max(scores[duty] * settings.duty_boost, max(scores) * 1.01, 1e-6)
                covered[duty] = max(covered[duty], max(covered))
        if intent.harmed and report is not None and (intent.action or intent.language != "en"):
            scores[report] *= settings.harmed_boost
        if intent.adult_harm and report is not None and scores[report] > 0.0:
            # § 12-5: an adult harming a pupil is reported with a lower threshold, whatever
            # else the question says (shouting is not "fighting", a teacher is not a pupil).
            scores[report] = max(scores) + settings.adult_harm_bonus
            covered[report] = max(covered[report], max(covered))

    def explain(self, question: str) -> tuple[list[float], str | None, bool]:
        """Decision-model inputs, the first-ranked plan section, and whether the law path
        (not the model) decides: what fitting the model needs, without deciding."""
        ranking = self._rank(question, classify(question))
        top = self._docs[ranking.order[0]].id if ranking.order else None
        law_path = ranking.query.law and self._law is not None
        return self._features(ranking), top, law_path

    def _features(self, ranking: _Ranking) -> list[float]:
        order = ranking.order
        intent = ranking.intent
        if not order or ranking.total <= 0.0:
            top = second = coverage = similarity = 0.0
            best = None
        else:
            best = order[0]
            top = ranking.scores[best]
            second = ranking.scores[order[1]] if len(order) > 1 else 0.0
            coverage = min(1.0, ranking.covered[best] / ranking.total)
            similarity = ranking.similarity.get(best, 0.0)
        preferred = self._preferred_docs(intent)
        intent_match = 0.0
        if preferred and best is not None:
            intent_match = 1.0 if best in preferred else -1.0
        values = {
            "log_top_score": math.log1p(top),
            "margin": (top - second) / top if top > 0.0 else 0.0,
            "coverage": coverage,
            "unknown_share": ranking.unknown / ranking.total if ranking.total > 0.0 else 1.0,
            "slots": float(min(len(ranking.query.slots), 20)),
            "question_similarity": similarity,
            "intent_match": intent_match,
            "definition_match": float(
                intent.definition and best is not None and best in self._definition_docs
            ),
            "adult_harm": float(intent.adult_harm),
            "concern": float(ranking.query.concern),
            "law_terms": float(ranking.query.law),
            "english": float(intent.language == "en"),
            "nynorsk": float(intent.language == "nn"),
            "learned_top": ranking.learned.get(best, 0.0) if best is not None else 0.0,
            "learned_none": ranking.none,
            "learned_agrees": float(
                best is not None
                and bool(ranking.learned)
                and best == max(ranking.learned, key=lambda d: ranking.learned[d])
            ),
        }
        return [values[name] for name in FEATURES]

    def _preferred_docs(self, intent: QuestionIntent) -> frozenset[int]:
        """The sections the kind of question points to, whatever words it uses."""
        report = frozenset(() if self._report_doc is None else (self._report_doc,))
        if intent.adult_harm or (intent.harmed and intent.action):
            return report
        if intent.school_duty:
            duty = frozenset(() if self._duty_doc is None else (self._duty_doc,))
            return (self._routine_docs - report) | duty
        if intent.action:
            return self._routine_docs
        if intent.definition:
            return self._definition_docs
        return frozenset()

    def _uncovered_entitlement(self, intent: QuestionIntent) -> bool:
        """A "rett til / lov å" question about something the plan gives no right to."""
        if intent.entitlement is None:
            return False
        terms = {term for _, term in analysis.text_terms(intent.entitlement)}
        return bool(terms) and not terms & self._rights_terms

    def ask(self, question: str) -> Answer:
        """Rank the plan's sections for a question and decide whether to answer it."""
        intent = classify(question)
        ranking = self._rank(question, intent)
        hits = self._hits(ranking)
        language = intent.language
        if ranking.query.law and self._law is not None:
            legal = self._law.ask(question)
            if legal.answered:
                return replace(legal, hits=(*legal.hits, *hits)[: self.settings.max_hits])
            # A question that names Statsforvalteren or says the school does not do enough
            # is answered by § 12-6 even when it shares few words with the summary; other
            # legal questions (police, child welfare, damages) go to rektor.
            to_statsforvalteren = (
                legal.hits
                and self._law.route_of(legal.hits[0].section_id) == "statsforvalteren"
                and legal.confidence > 0.0
            )
            if to_statsforvalteren and intent.escalation:
                # How a case goes to Statsforvalteren is what § 12-6 says, in whatever
                # words the question puts it: the law's answer, cited, not a decline.
                escalated = self._law.answer_route(question, "statsforvalteren", language)
                if escalated is not None:
                    return replace(
                        escalated, hits=(*escalated.hits, *hits)[: self.settings.max_hits]
                    )
            route: Route = "statsforvalteren" if to_statsforvalteren else "rektor"
            return Answer(
                answered=False,
                confidence=round(legal.confidence, 4),
                hits=hits,
                law_beyond_plan=True,
                language=language,
                decision="not_covered",
                route=route,
            )
        declined = self._declined_by_intent(intent, hits)
        if declined is not None:
            return declined
        if intent.escalation and self._law is not None:
            escalated = self._law.answer_route(question, "statsforvalteren", language)
            if escalated is not None:
                return replace(escalated, hits=(*escalated.hits, *hits)[: self.settings.max_hits])
        if not ranking.order or ranking.total <= 0.0:
            return Answer(
                answered=False,
                confidence=0.0,
                hits=hits,
                language=language,
                decision="not_covered",
                route="leader",
            )

        best = ranking.order[0]
        confidence = ranking.covered[best] / ranking.total
        if self.model is not None:
            probability = self.model.probability(self._features(ranking))
            answered = probability >= self.model.answer_at
            unsure = probability >= self.model.unsure_at
        else:
            probability = confidence
            answered = (
                confidence >= self.settings.min_coverage
                and ranking.scores[best] >= self.settings.min_score
            )
            unsure = True
        if best == self._report_doc and (intent.adult_harm or (intent.harmed and intent.action)):
            # § 12-5: an adult harming a pupil is always reported, and so is a pupil who is
            # being harmed when someone asks what to do; the report routine is the answer
            # however the question is worded.
            answered = True
        if intent.school_duty and best == self._duty_doc:
            answered = True
        if not answered:
            return Answer(
                answered=False,
                confidence=round(confidence, 4),
                hits=hits,
                language=language,
                decision="unsure" if unsure else "not_covered",
                route="leader",
                probability=round(probability, 4),
            )
        return self._answer(best, confidence, hits, language, probability)

    def _declined_by_intent(self, intent: QuestionIntent, hits: tuple[Hit, ...]) -> Answer | None:
        """Questions on the plan's topic that the plan does not answer, whatever they match.

        A member of staff accused of harming a pupil, or with a matter for their employer
        (sick leave, pay, breaks, being hurt at work), needs their leader; who may be told
        what (confidentiality) is for rektor; a right to something the plan gives no right
        to is not the plan's. Word overlap would give each of them a confident routine.
        """
        route: Route | None = None
        if intent.self_accused or intent.staff_matter:
            route = "leader"
        elif intent.adult_harm:
            return None
        elif intent.confidential:
            route = "rektor"
        elif self._uncovered_entitlement(intent):
            route = "leader"
        if route is None:
            return None
        return Answer(
            answered=False,
            confidence=0.0,
            hits=hits,
            language=intent.language,
            decision="not_covered",
            route=route,
        )

    def answer_route(self, question: str, route: Route, language: Language) -> Answer | None:
        """The section that leads to ``route`` (the law's § 12-6), as an answer.

        Used when the question's kind (the school does not do enough) already says which
        section answers it, though it shares few words with that section.
        """
        doc = next((d for d, s in enumerate(self._docs) if self.route_of(s.id) == route), None)
        if doc is None:
            return None
        ranking = self._rank(question, classify(question))
        hits = self._hits(ranking)
        if ranking.order and ranking.order[0] != doc:
            hits = (Hit(self._docs[doc].id, 0.0, self._citations[doc]), *hits)
        return self._answer(doc, 1.0, hits, language, 1.0)

    def _answer(
        self,
        best: int,
        confidence: float,
        hits: tuple[Hit, ...],
        language: Language,
        probability: float,
    ) -> Answer:
        section = self._docs[best]
        translated = language == "en" and section.summary_en is not None
        return Answer(
            answered=True,
            confidence=round(confidence, 4),
            hits=hits,
            section_id=section.id,
            citation=self._citations[best],
            title=section.title,
            summary=section.summary_en if translated else section.summary,
            action=section.action,
            language=language,
            source="law" if self.plan.info.id == law.LAW_PLAN_ID else "plan",
            translated=translated,
            probability=round(probability, 4),
        )

    def _hits(self, ranking: _Ranking) -> tuple[Hit, ...]:
        return tuple(
            Hit(self._docs[d].id, round(ranking.scores[d], 4), self._citations[d])
            for d in ranking.order[: self.settings.max_hits]
        )

    def route_of(self, section_id: str) -> Route | None:
        """Where a declined question about this section should go (law summaries only)."""
        return law.route_of(section_id) if self.plan.info.id == law.LAW_PLAN_ID else None


def _answering_sections(sections: tuple[Section, ...]) -> list[int]:
    """Index of the section that answers for each section.

    A section with no text of its own and a single subsection ("5 Aktivitetsplan/årshjul"
    over "5.1") says nothing the subsection does not, so its words are indexed with the
    subsection and the subsection is what the bot cites.
    """
    position = {section.id: i for i, section in enumerate(sections)}
    children: dict[str, list[int]] = {}
    for i, section in enumerate(sections):
        if section.parent_id is not None:
            children.setdefault(section.parent_id, []).append(i)
    answer_for = list(range(len(sections)))
    for section in sections:
        kids = children.get(section.id, [])
        if not section.text and len(kids) == 1:
            answer_for[position[section.id]] = kids[0]
    return answer_for


def _proper_nouns(sections: Iterable[Section]) -> set[str]:
    """Lowercased words the plan only ever writes capitalised: names, places, products."""
    capitalised: set[str] = set()
    lowercase: set[str] = set()
    for section in sections:
        for texts in _segments(section).values():
            for segment in texts:
                for word in _WORD_RE.findall(segment):
                    if word[0].isupper():
                        capitalised.add(word.lower())
                    else:
                        lowercase.add(word)
    return capitalised - lowercase


_SEGMENT_RE: Final = re.compile(r"(?<=[.!?:;])\s+|\n+")
_DEFINITION_TITLE_RE: Final = re.compile(r"forståelse|forståing|begrep|omgrep|definisjon|mobbesyn")


def _segments(section: Section) -> dict[str, list[str]]:
    return {
        "title": [section.title, section.short_title],
        "keywords": list(section.keywords),
        "questions": list(section.questions),
        "summary": _SEGMENT_RE.split(section.summary),
        "text": _SEGMENT_RE.split(section.text),
    }


def _pair(first: str, second: str) -> str:
    """Unordered key for two neighbouring terms (Norwegian word order varies)."""
    return f"{first}~{second}" if first < second else f"{second}~{first}"


def _head_variants(head: str) -> tuple[str, ...]:
    # Linking letters in Norwegian compounds: "tiltak-s-plan", "skole-miljø".
    if len(head) > 3 and head[-1] in "se":
        return (head, head[:-1])
    return (head,)


def _idf(n: int, df: int) -> float:
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


_MISSING: Final = object()

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
