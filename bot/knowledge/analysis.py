"""Turn Norwegian (bokmål or nynorsk) and English text into comparable index terms.

Both the plan and the questions go through the same steps, so that "melde frå", "varsle" and
"report" all end up as the same term. The steps are, in order: Unicode and case
normalisation, multi-word phrases, legal paragraph references, tokenising, stop words,
nynorsk and English word mapping, Snowball stemming for Norwegian (plus two small fixes
for nynorsk forms the stemmer leaves apart), and synonym groups.

Everything is cached per surface word: staff vocabulary is small, so after warm-up a
question costs a few dictionary look-ups per word.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

import Stemmer  # type: ignore[import-not-found, unused-ignore]  # C extension, no stubs
from rapidfuzz import fuzz

from bot.knowledge import lexicon

_STEMMER: Final = Stemmer.Stemmer("norwegian")
_TOKEN_RE: Final = re.compile(r"[0-9a-zæøåäöüéèáàóòôç]+")
# "§ 12-4", "§12-4/5", "12-4" (chapter 12 is the one staff quote without the §).
_PARAGRAPH_RE: Final = re.compile(
    r"(?:§+\s*(\d+[a-z]?)\s*-\s*(\d+)|\b(12|9a)\s*-\s*(\d+)\b)(?:\s*/\s*(\d+)\b)?"
)
_QUOTES: Final = str.maketrans(
    {
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "«": " ",
        "»": " ",
        "“": " ",
        "”": " ",
        "„": " ",
        '"': " ",
        "\u2019": "",  # right single quotation mark (typographic apostrophe)
        "'": "",
        "`": "",
        "&": " og ",
        "+": " og ",
    }
)


def _compile_english() -> re.Pattern[str]:
    # One alternation (longest first) instead of a pattern per phrase: normalising is on
    # the path of every question and of every field at index build.
    keys = sorted(lexicon.ENGLISH_PHRASES, key=len, reverse=True)
    alternation = "|".join(re.escape(key) for key in keys)
    return re.compile(r"(?<![\w-])(" + alternation + r")(?![\w-])")


_ENGLISH_PHRASES: Final = _compile_english()
_PHRASES: Final = tuple((re.compile(pattern), value) for pattern, value in lexicon.PHRASES)


def normalise(text: str) -> str:
    """Lowercase, fold typographic variants, merge phrases and tag legal paragraphs."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_QUOTES)
    text = _PARAGRAPH_RE.sub(_paragraph_tokens, text)
    text = _ENGLISH_PHRASES.sub(_english_phrase, text)
    for pattern, replacement in _PHRASES:
        text = pattern.sub(replacement, text)
    return text


def _english_phrase(match: re.Match[str]) -> str:
    return f" {lexicon.ENGLISH_PHRASES[match.group(1)]} "


def _paragraph_tokens(match: re.Match[str]) -> str:
    chapter = match.group(1) or match.group(3)
    first = match.group(2) or match.group(4)
    tokens = [paragraph_term(chapter, first)]
    if match.group(5):
        tokens.append(paragraph_term(chapter, match.group(5)))
    return " " + " ".join(tokens) + " "


def paragraph_term(chapter: str, number: str) -> str:
    """One token for "§ 12-4" so that it survives tokenising as a single, exact term."""
    return f"par{chapter}x{number}"


def tokenize(normalised: str) -> list[str]:
    return _TOKEN_RE.findall(normalised)


def is_paragraph_term(term: str) -> bool:
    return term.startswith("par") and "x" in term and term[3:4].isdigit()


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """Snowball Norwegian stem with fixes for nynorsk and -ing nouns.

    Snowball leaves "krenkjer"/"følgje" as "krenkj"/"følgj" and keeps the "-ing" of verbal
    nouns ("mobbing", "evaluering"), which would split a routine's verb from its noun.
    """
    if word.isdigit() or is_paragraph_term(word):
        return word
    result = str(_STEMMER.stemWord(word))
    if result.endswith("ing") and len(result) >= 7:
        result = result[:-3]
    if len(result) > 4 and result.endswith(("kj", "gj")):
        result = result[:-1]
    if len(result) > 4 and result.endswith("mm"):
        result = result[:-1]
    return result


def _build_synonyms() -> dict[str, str]:
    canon: dict[str, str] = {}
    for group in lexicon.SYNONYM_GROUPS:
        head = _plain_terms(group[0])
        if len(head) != 1:
            raise ValueError(f"synonym group head {group[0]!r} must be a single content word")
        for word in group:
            for term in _plain_terms(word):
                canon.setdefault(term, head[0])
    return canon


def _plain_terms(word: str) -> tuple[str, ...]:
    """Terms for a word without synonym merging (used to build the synonym table itself)."""
    out: list[str] = []
    for mapped in _map_word(word):
        if len(mapped) < 2 and not mapped.isdigit():
            continue
        out.append(stem(mapped))
    return tuple(out)


def _map_word(word: str) -> tuple[str, ...]:
    if word in lexicon.STOPWORDS:
        return ()
    word = lexicon.NYNORSK.get(word, word)
    if word in lexicon.ENGLISH_WORDS:
        mapped = lexicon.ENGLISH_WORDS[word]
        words = tokenize(normalise(mapped))
        return tuple(w for w in words if w not in lexicon.STOPWORDS)
    return (word,)


_SYNONYMS: Final = _build_synonyms()


@lru_cache(maxsize=16384)
def word_terms(word: str) -> tuple[str, ...]:
    """Index terms for one lowercase token; empty for stop words."""
    return tuple(_SYNONYMS.get(term, term) for term in _plain_terms(word))


def text_terms(text: str) -> list[tuple[str, str]]:
    """(surface token, term) pairs for a text; one token can yield several terms."""
    pairs: list[tuple[str, str]] = []
    for token in tokenize(normalise(text)):
        for term in word_terms(token):
            pairs.append((token, term))
    return pairs


def is_stopword(word: str) -> bool:
    return word in lexicon.STOPWORDS


def known_surface_words() -> frozenset[str]:
    """Words the lexicon itself understands, to use as spelling-correction targets."""
    words: set[str] = set(lexicon.STOPWORDS)
    words.update(lexicon.NYNORSK)
    words.update(lexicon.ENGLISH_WORDS)
    for group in lexicon.SYNONYM_GROUPS:
        words.update(group)
    words.update(lexicon.LAW_TERMS)
    return frozenset(w for w in words if " " not in w)


_NON_ALNUM_RE: Final = re.compile(r"[^a-z0-9 ]")
_SPACES_RE: Final = re.compile(r"\s+")


def fold_ascii(text: str) -> str:
    """Lower case, Norwegian letters folded to ASCII, punctuation and repeated spaces gone.

    For short commands typed on a phone ("meld fra", "mine saker"), where "å" typed as "a"
    or a stray full stop must not matter; questions go through ``normalise`` instead.
    """
    lowered = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    folded = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode()
    return _SPACES_RE.sub(" ", _NON_ALNUM_RE.sub(" ", folded)).strip()


def close_to_any(text: str, phrases: tuple[str, ...], threshold: float) -> bool:
    """Whether ``text`` equals a phrase or is within ``threshold`` similarity (0–1) of one.

    The same edit-distance library the plan search uses for typos (rapidfuzz), so the bot
    has one notion of "close enough".
    """
    cutoff = threshold * 100.0
    return any(text == p or fuzz.ratio(text, p, score_cutoff=cutoff) > 0 for p in phrases)
