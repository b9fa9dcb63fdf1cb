"""Leave other pupils' names out of a case document handed out on an access request (innsyn).

Other pupils are never structured data in a case: they turn up in what staff write ("Kari
dyttet Ola i gangen"). Finding names in Norwegian free text without a language model is
guesswork, so the rules lean towards hiding too much: a capitalised word that does not start a
sentence is taken for a name unless it is a word schools commonly capitalise, and a common first
name is taken for a name wherever it stands. A word found to be a name somewhere is hidden
everywhere, so "Bjørnar" at the start of a sentence goes when "Bjørnar" also appears
mid-sentence. What can still slip through is an uncommon name that only ever starts a sentence
or a line; the person handing the document out must read it first.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from bot.knowledge import lexicon

MARK = "[navn]"

# Letters and digits, joined by apostrophes (O'Brien, Ola's) and hyphens (Anne-Lise).
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*(?:-[^\W_]+(?:['’][^\W_]+)*)*")
_RUN = re.compile(re.escape(MARK) + r"(?:[ \t]*-?[ \t]*" + re.escape(MARK) + r")+")

# Skipped when looking back for the end of the previous sentence.
_OPENERS = frozenset("«\"'“‘„‚([{*•·–—-‐ \t\u00a0\u202f")
_CLOSERS = frozenset("»\"'”’)]} \t\u00a0\u202f")
_TERMINATORS = frozenset("!?…\n\r")


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.casefold().split())


# A full stop after these does not end a sentence ("f.eks. Kari", "kl. 10").
_ABBREVIATIONS = _word_set(
    """f.eks feks bl.a bla ca dvs mht kl nr jf jfr evt ev osv mv pga iht vs tlf o.l m.m mm d.d
    ifm vedr ang ift mtp el st pkt avd adm ref ol hhv"""
)

# Words a Norwegian school capitalises that are not people: institutions, systems, places,
# roles, months. Matched with a genitive too ("UDAs rutiner").
ALLOWLIST = _word_set(
    """
    UDA UDE Udir Utdanningsetaten Utdanningsdirektoratet Statsforvalteren Statsforvalter
    Vigilo Websak OneNote Teams Feide Portalen Outlook Microsoft Google Office Word Excel
    Snapchat TikTok Instagram Facebook Messenger WhatsApp YouTube Discord Roblox Fortnite
    Minecraft iPad iPhone Chromebook PC Mac Android Apple Skooler Showbie Kahoot
    FAU PPT PPS KRØ BUP NAV SFO AKS IOP ADHD SU SMU AMU FN FNs MOT KRLE IKT PP NB OBS PS
    TV PDF SMS MMS USB KI AI IT
    Oslo Norge Ellingsrud Ellingsrudåsen Furuset Lindeberg Trosterud Haugerud Stovner Alna
    Grorud Groruddalen Nord Sør Øst Vest Europa
    Skolemiljøplanen Elevundersøkelsen Trivselsundersøkelsen Olweus Zippy Mobbeombudet
    Elevombudet Barneombudet Opplæringslova Opplæringsloven Forvaltningsloven Offentleglova
    Barnekonvensjonen Barnevernet Barnevernstjenesten Politiet Helsestasjonen Legevakten
    Rektor Avdelingsleder Assisterende Kontaktlærer Kontaktlæreren Lærer Læreren Lærerne
    Faglærer Miljøterapeut Miljøterapeuten Miljøarbeider Miljøteam Miljøteamet
    Helsesykepleier Helsesykepleieren Sosiallærer Inspektør Skoleeier Skoleleder Ledelsen
    Vikar Vikaren Assistent Assistenten Elevrådet Foreldrerådet Driftsstyret Skolen Klassen
    Eleven Elevene Elev Foresatte Foreldre Mor Far Mamma Pappa Bror Søster Bestemor Bestefar
    Tante Onkel Familien Trinn Trinnet Klasse Gruppe
    Januar Februar Mars April Juli August September Oktober November Desember
    Mandag Tirsdag Onsdag Torsdag Fredag Lørdag Søndag Jul Julen Påske Påsken Pinse
    Ramadan Eid Halloween Nyttår
    Norsk Engelsk Matte Matematikk Naturfag Samfunnsfag Kroppsøving Gym Musikk Kunst
    Håndverk Spansk Tysk Fransk Arabisk Somali Urdu Polsk
    """
)

# Words that open a quote or follow a colon ("Hun sa: «Du er teit»"); matched exactly, since
# "Hans" is a name even though "han" is a pronoun.
_FUNCTION_WORDS = _word_set(
    """
    Jeg Du Han Hun Hen Vi Dere De Dem Deg Meg Seg Oss Ham Henne Min Mitt Mine Din Ditt Dine
    Det Den Dette Disse Denne Der Her Da Nå Så Men Og Eller For Fordi Hvis Når Om Etter Før
    Ja Nei Hei Ok Okei Takk Unnskyld Sorry Hva Hvem Hvor Hvorfor Hvordan Kan Skal Vil Må Er
    Var Har Hadde Ikke Stopp Slutt Gå Kom Se Hør Alle Ingen Noen Alt Ingenting Jo Vel Bare
    Også Fint Bra Dum Teit Idiot Hore Faen Fy I På Til Fra Med Av Ut Inn Opp Ned Kunne
    Skulle Ville Måtte Burde Gjør Gjorde Sa Sier Tok Fikk Ble Blir
    """
)

# Common first names among pupils (and their families): one list for the whole bot.
FIRST_NAMES = lexicon.FIRST_NAMES

# First names that are also ordinary words ("liv", "sol", "signe", nynorsk "anna") count only
# when capitalised; the rest of the list counts in lower case too ("kari og ola kranglet").
_AMBIGUOUS = _word_set(
    """liv sol even juni storm birk iris saga aurora iver lea dina signe live ask anders lise
    kai nur mina aria vilja anna aksel sander"""
)


def _words(entries: Iterable[str]) -> frozenset[str]:
    """Every word of every entry, and the parts of hyphenated ones, case-folded."""
    words: set[str] = set()
    for entry in entries:
        for token in _TOKEN.findall(entry):
            folded = token.casefold()
            words.add(folded)
            words.update(folded.split("-"))
    return frozenset(words)


def _forms(word: str) -> tuple[str, ...]:
    """The word and what it may be the genitive of: Olas, Ola's, Hans' -> Ola, Hans."""
    folded = word.casefold()
    forms = [folded]
    for suffix in ("'s", "’s", "'", "’"):
        if folded.endswith(suffix) and len(folded) > len(suffix) + 1:
            forms.append(folded[: -len(suffix)])
    if folded.endswith("s") and len(folded) > 3:
        forms.append(folded[:-1])
    return tuple(forms)


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def _allowlisted(word: str) -> bool:
    return word.casefold() in _FUNCTION_WORDS or any(f in ALLOWLIST for f in _forms(word))


def _kept(word: str, keep: frozenset[str]) -> bool:
    return any(form in keep for form in _forms(word))


def _previous_word(text: str, end: int) -> str:
    start = end
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    return text[start:end].casefold()


def _sentence_initial(text: str, start: int) -> bool:
    """Whether a word at `start` opens a sentence, a line or the text."""
    i = start
    while i > 0 and text[i - 1] in _OPENERS:
        i -= 1
    while i > 0 and text[i - 1] in _CLOSERS:
        i -= 1
    if i == 0 or text[i - 1] in _TERMINATORS:
        return True
    if text[i - 1] == ".":
        return _previous_word(text, i - 1) not in _ABBREVIATIONS
    return False


def _is_name(word: str, *, initial: bool, keep: frozenset[str], known: frozenset[str]) -> bool:
    if len(word) < 2 or any(ch.isdigit() for ch in word) or _kept(word, keep):
        return False
    forms = _forms(word)
    capitalised = _is_capitalised(word)
    if any(f in FIRST_NAMES and (capitalised or f not in _AMBIGUOUS) for f in forms):
        return True
    if not capitalised:
        return False
    if any(form in known for form in forms):
        return True
    return not (_allowlisted(word) or initial)


@dataclass(frozen=True)
class _Hit:
    """A word taken for a name: a single name, or a double name (Anne-Lise) in its parts."""

    start: int
    end: int
    parts: tuple[str, ...]
    named: tuple[bool, ...]
    """Which of `parts` were taken for names."""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p for p, n in zip(self.parts, self.named, strict=True) if n)

    @property
    def whole(self) -> bool:
        """Every part of the word was a name: a surname that follows may belong to it."""
        return all(self.named)

    @property
    def replacement(self) -> str:
        return "-".join(MARK if n else p for p, n in zip(self.parts, self.named, strict=True))


def _scan(text: str, keep: frozenset[str], known: frozenset[str]) -> list[_Hit]:
    hits: list[_Hit] = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        if "-" in token and token.casefold() in keep:
            continue
        initial = _sentence_initial(text, match.start())
        parts = token.split("-")
        named = [
            _is_name(part, initial=initial and i == 0, keep=keep, known=known)
            for i, part in enumerate(parts)
        ]
        if len(parts) > 1 and any(named):
            # A double name (Anne-Lise, Bjørg-Iren) is one person: every capitalised part goes,
            # even a part that is also a kept name (Anne-Lise is not the teacher Lise).
            named = [
                n or (_is_capitalised(p) and len(p) > 1 and not _allowlisted(p))
                for p, n in zip(parts, named, strict=True)
            ]
        elif (
            hits
            and hits[-1].whole
            and _is_capitalised(token)
            and _kept(token, keep)
            and not _allowlisted(token)
            and text[hits[-1].end : match.start()].strip(" \t") == ""
        ):
            # "Kari Nordmann" when the pupil is Ola Nordmann: the surname is Kari's here.
            named = [True]
        if not any(named):
            continue
        hits.append(_Hit(match.start(), match.end(), tuple(parts), tuple(named)))
    return hits


def likely_names(text: str, *, keep: Collection[str]) -> frozenset[str]:
    """The capitalised words in `text` taken for names, case-folded.

    Pass them as `known` when redacting the other texts of one document, so a name seen
    mid-sentence in one field is hidden where it starts a sentence in another.
    """
    keep_words = _words(keep)
    return frozenset(
        form
        for hit in _scan(text, keep_words, frozenset())
        for name in hit.names
        if _is_capitalised(name) and not _kept(name, keep_words)
        for form in _forms(name)
    )


def redact(text: str, *, keep: Collection[str], known: Collection[str] = ()) -> str:
    """`text` with likely personal names replaced by «[navn]».

    `keep` holds names to leave alone (the pupil's own name, the staff of the case); full names
    are split into words. `known` adds words already taken for names elsewhere.
    """
    keep_words = _words(keep)
    known_words = (frozenset(k.casefold() for k in known) | likely_names(text, keep=keep)) - (
        keep_words
    )
    pieces: list[str] = []
    position = 0
    for hit in _scan(text, keep_words, known_words):
        pieces.append(text[position : hit.start])
        pieces.append(hit.replacement)
        position = hit.end
    pieces.append(text[position:])
    return _RUN.sub(MARK, "".join(pieces))
