"""What a question is *asking for*, beyond which words it shares with the plan.

Word overlap alone sends "what do I do when a pupil is bullied?" to the section that
defines bullying, because that section says "mobbing" most often. People who ask what to
do, who to tell, or how and when want the routine, so the ranking needs to know the kind of
question as well as its topic. The same goes for two kinds the plan handles specially: an
adult at school harming a pupil (opplæringslova § 12-5, the report routine with a lower
threshold) and a member of staff who is accused themselves (a personnel matter the plan
does not cover, for the nearest leader).

Patterns are small regular expressions over the lower-cased question in bokmål, nynorsk and
English; they are deliberately about grammar (question words, persons, verbs), not about
any one plan's topics, so another school's plan gets the same behaviour.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final, Literal

Language = Literal["nb", "nn", "en"]

_FIRST_PERSON: Final = r"(?:jeg|eg|vi|me|man|en|du|dere|de|dei|skolen|skulen|læreren|læraren)"
_MODAL: Final = r"(?:skal|bør|må|kan|burde|gjør|gjer)"

_ACTION_RE: Final = re.compile(
    "|".join(
        (
            rf"\b(?:hva|kva)\s+{_MODAL}\s+{_FIRST_PERSON}\b",
            rf"\b(?:hva|kva)\s+(?:gjør|gjer)\s+{_FIRST_PERSON}\b",
            r"\b(?:hvem|kven)\s+(?:skal|må|bør|kan)\s+(?:jeg|eg|vi|me|man|du|en)\s+"
            r"(?:si|sei|seie|melde|varsle|kontakte|ringe|snakke|gi|gå|fortelle|fortelje)",
            r"\b(?:hvem|kven)\s+(?:sier|seier|melder|varsler|kontakter|forteller)\s+"
            r"(?:jeg|eg|vi|me|man)\b",
            r"\b(?:hvordan|korleis)\s+(?:melder|varsler|sier|seier|går|gjør|gjer|håndterer|"
            r"skal|bør|kan|må|møter|stopper|griper|følger)\b",
            r"\b(?:når|kor tid)\s+(?:skal|må|bør)\s+(?:jeg|eg|vi|me|man|skolen|skulen|en)\b",
            r"\b(?:hva|kva)\s+skjer\s+(?:når|hvis|dersom|viss|om|etter)\b",
            r"\b(?:kan du|kan dere|kan de)\s+hjelpe\b",
            r"\bhjelp\s+meg\b",
            r"\b(?:må|skal|bør)\s+(?:jeg|eg|vi|me)\s+(?:melde|varsle|si|sei|gjøre|gjere|gripe|"
            r"fortelle|fortelje|gi)\b",
            r"\bwhat\s+(?:should|do|can|must|shall|would)\s+(?:i|we|you|the school|staff|"
            r"teachers?|parents?)\b",
            r"\bwho\s+(?:do|should|can|must|shall)\s+(?:i|we)\s+(?:tell|report|contact|notify|"
            r"talk|call|inform|go)\b",
            r"\bhow\s+(?:do|should|can|must)\s+(?:i|we|you|the school)\s+(?:report|notify|tell|"
            r"handle|deal|respond|intervene|stop|react)\b",
            r"\bwhat\s+happens\s+(?:when|if|after)\b",
            r"\b(?:should|must|do)\s+i\s+(?:report|tell|notify|intervene)\b",
        )
    )
)
_DEFINITION_RE: Final = re.compile(
    r"\b(?:hva|kva)\s+(?!er\s+(?:reglene|regler|reglane|rutinene|rutinane|kravene|krava|"
    r"fristen|fristene|planen)\b)(?:er|betyr|tyder|regnes\s+(?:egentlig\s+)?som|reknast\s+som|"
    r"menes\s+med|meinast\s+med)\b"
    r"|\bwhat\s+(?:is|are|counts\s+as|does\s+\S+\s+mean)\b|\bdefin\w*|\bgrensen\b"
)
_ADULT: Final = (
    r"(?:lærer\w*|lærar\w*|voksen|voksne|vaksen|vaksne|ansatt\w*|tilsett\w*|rektor\w*|"
    r"ledelse\w*|leiing\w*|leiar\w*|leder\w*|assistent\w*|kollega\w*|miljøarbeider\w*|"
    r"miljøterapeut\w*|inspektør\w*|vikar\w*|kontaktlærer\w*|teacher\w*|adults?|staff|"
    r"employee\w*|principal|colleague\w*|headteacher|head teacher|"
    r"(?:en|ein|noen|nokon|someone|somebody)\s+(?:som|who)\s+(?:jobb\w*|arbeid\w*|works?)\s+"
    r"(?:på|ved|at|in)\s+(?:skolen|skulen|the school))"
)
_HARM: Final = (
    r"(?:krenk\w*|kjeft\w*|mobb\w*|slår|slo|slått|dytt\w*|ydmyk\w*|roper|ropte|skrik\w*|"
    r"skjell\w*|plag\w*|trakass\w*|hersk\w*|latterlig\w*|truer|truet|trugar|lugg\w*|klyp\w*|"
    r"rist\w*|sparke\w*|sparka|harselerer|brøl\w*|makt|offend\w*|bull\w*|shout\w*|yell\w*|"
    r"hits?|hitting|humiliat\w*|harass\w*|abus\w*|hurts?|harm\w*|push\w*|grab\w*|scream\w*|"
    r"insult\w*|mock\w*|threat\w*)"
)
_ADULT_HARM_RE: Final = re.compile(
    # The adult must be the one doing it: "rektor … når nokon blir mobba" is someone else.
    rf"\b{_ADULT}\b(?:\s+(?!(?:blir|ble|vert|vart|blitt|being|is|was|gets?)\b)\S+){{0,5}}?"
    rf"\s+{_HARM}\b"
    rf"|\b{_HARM}\s+(?:av|by|frå|fra)\s+(?:\S+\s+){{0,3}}{_ADULT}\b"
)
_HARMED_RE: Final = re.compile(
    r"\b(?:blir|ble|vert|vart|blitt|being|is|are|was|gets?|got)\s+(?:\S+\s+)?"
    r"(?:mobb\w*|krenk\w*|plag\w*|kalt|utsatt\s+for|trua|truet|slått|dytt\w*|ert\w*|"
    r"utestengt|behandl\w*\s+som\s+luft|bull\w*|harass\w*|offended|hit|kicked|excluded|"
    r"teased|threatened)"
    # Not being well at school is what the plan's duties are about, bullying or not.
    r"|\b(?:ikke|ikkje|not)\s+(?:har\s+det\s+(?:bra|godt|trygt|fint)|trives|trivs|trivst|"
    r"happy|thriving|thrive|safe)\b|\bdoes\s+not\s+thrive\b|\bunhappy\b"
)
_SELF_ACCUSED_RE: Final = re.compile(
    r"\b(?:jeg|eg|i|me|meg)\b(?:\s+\S+){0,4}?\s+(?:anklag\w*|beskyld\w*|skulda|skulda\w*|"
    r"accused|påstått|mistenkt)\b"
    r"|\b(?:anklager|beskylder|skuldar|accuse[sd]?|accusing)\s+(?:meg|me)\b"
)

# The school's or the principal's duties ("hva skal skolen gjøre?"), answered by the
# chapter that lists the duties, not by the routine for reporting that the asker would use.
_SCHOOL_DUTY_RE: Final = re.compile(
    r"\b(?:hva|kva)\s+(?:skal|må|bør|plikter)\s+(?:skolen|skulen|rektor\w*|ledelsen|leiinga)"
    r"(?:\s+(?:gjøre|gjere))?(?:\s*[?.!]|\s+(?:når|hvis|dersom|viss|om|med)\b|\s*$)"
    r"|\bwhat\s+(?:should|must|does|will|can|has)\s+the\s+(?:school|principal)\b"
    r"|\bexpect\s+(?:from|of)\s+the\s+school\b|\b(?:skolens|skulens|skulen\s+si)\s+plikt"
    r"|\bschool'?s\s+(?:duty|duties|obligations?)\b"
)
# The school is not doing enough or does not listen: the next step is Statsforvalteren
# (opplæringslova § 12-6), which the plan does not describe but the law summaries do.
_ESCALATION_RE: Final = re.compile(
    r"\b(?:ikke|ikkje)\s+(?:gjør|gjer|gjort|gjorde)\s+(?:nok|noko|noe|det|nokon\s+ting|"
    r"noe\s+med)\b"
    r"|\b(?:tar|tek|tok)\s+(?:\S+\s+){0,2}(?:ikke|ikkje)\s+(?:\S+\s+){0,3}(?:på\s+)?alvor\b"
    r"|\b(?:ikke|ikkje)\s+(?:tar|tek)\s+(?:\S+\s+){0,3}(?:på\s+)?alvor\b"
    r"|\b(?:ikke|ikkje)\s+(?:hjelper|hjelp\w*)\s+(?:deg|meg|oss|barnet|eleven)\b"
    r"|\b(?:skolen|skulen|rektor)\s+(?:ikke|ikkje)\s+(?:gjør|gjer|hjelper|hjelp|reagerer|"
    r"følger\s+opp|tar\s+tak|lyttar|lytter)\b"
    r"|\b(?:ikke|ikkje)\s+(?:blir\s+|vert\s+)?(?:hørt|høyrt|trodd)\b"
    r"|\b(?:blir|vert)\s+(?:du|eg|jeg|vi|me|han|hun|ho)\s+(?:ikke|ikkje)\s+(?:hørt|høyrt|trodd)\b"
    r"|\bom\s+skolen\s+ikke\s+gjør\b|\bnot\s+(?:doing|do)\s+(?:enough|anything)\b"
    r"|\b(?:not|isn't|aren't)\s+taken?\s+seriously\b|\bgovernor\b"
    r"|\b(?:does\s+not|doesn't|don't|do\s+not)\s+(?:improve|help|listen)\b"
    # Naming the authority itself is asking how a case goes there.
    r"|\b(?:statsforvalt\w*|fylkesmann\w*|h[aå]ndheving\w*|county\s+governor)"
)
# Confidentiality is a legal matter the plan does not settle: who may be told what is for
# rektor, not for a routine about reporting.
_CONFIDENTIAL_RE: Final = re.compile(
    r"\b(?:taushetsplikt\w*|teieplikt\w*|opplysningsplikt\w*|confidential\w*|personvern\w*)"
    r"|\bin\s+confidence\b"
    r"|\b(?:fortelle|fortelje|si|sei|seie|ringe|tell|share|pass)\s+(?:on\s+)?"
    r"(?:det\s+|dette\s+|it\s+|this\s+)?(?:videre|til\s+andre|til\s+foreldr\w*|til\s+føresett\w*|"
    r"hjem|heim|to\s+(?:others|other\s+people|my\s+parents|parents))\b"
    r"|\b(?:læreren|læraren|lærerne|skolen|skulen|rektor|helse\w+|the\s+teacher|the\s+school)\s+"
    r"(?:\S+\s+){0,3}(?:fortelle|fortelje|si|sei|tell)\s+(?:det\s+|dette\s+)?(?:til\s+)?"
    r"(?:foreldr\w*|føresett\w*|mine\s+foreldre|my\s+parents|andre|others)\b"
)
# A matter between a member of staff and their employer (sick leave, pay, working hours,
# breaks, being hurt at work): for the nearest leader, not the pupils' routines.
_STAFF_MATTER_RE: Final = re.compile(
    r"\b(?:syk\w*meld\w*|sjukmeld\w*|sykefravær\w*|sick\s+leave|arbeidsgiver\w*|"
    r"arbeidsgjevar\w*|arbeidstid\w*|arbeidsavtale\w*|lønn\w*|overtid\w*|avspaser\w*|"
    r"permitter\w*|streik\w*|tillitsvalgt\w*|fagforening\w*|employer|salary|"
    r"spisepause\w*|matpause\w*|pauserom\w*|hvilepause\w*|pausetid\w*|egenmeld\w*)"
    r"|\bmelde?r?\s+(?:(?:jeg|eg|du|han|hun|ho)\s+)?(?:meg|seg|deg)\s+(?:syk|sjuk)\b"
    r"|\b(?:ivaretar|ivareta|ivaretatt|støtter|støtte)\s+(?:læreren|lærerne|læraren|lærarane|"
    r"de\s+ansatte|dei\s+tilsette|meg\s+som\s+lærer)\b"
    r"|\b(?:vold|trusler|trugsmål)\s+(?:\S+\s+){0,2}(?:mot|overfor)\s+(?:\S+\s+){0,1}"
    r"(?:lærer\w*|lærar\w*|ansatt\w*|tilsett\w*|meg)\b"
)
# "Har elevene rett til …?", "er det lov å …?": whether the plan covers the question depends
# on what the right is to, which the ranking checks against the plan's own vocabulary.
_ENTITLEMENT_RE: Final = re.compile(
    r"\b(?:rett\s+(?:til|på)|krav\s+(?:på|om)|lov\s+(?:til\s+)?(?:å|og|til)|lovleg\s+å|"
    r"lovlig\s+å|tillatt\s+å|entitled\s+to|right\s+to|allowed\s+to)\s+((?:\S+\s*){1,6})"
)


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ENGLISH: Final = _word_set(
    """
    the a an is are was do does did what how who when where why should can could would my
    our your i we you it this that of to in on for with if about there they them their have
    has be been being any pupil pupils student students teacher parents child school
    bullying bullied report principal staff
    """
)
_NYNORSK: Final = _word_set(
    """
    eg ikkje kva korleis kven kvifor kvar ein eit dei frå noko nokon berre mykje skule
    skulen skular vere seier høyrer sjølv elevane elevar lærar læraren tilsett tilsette me
    dykk dykkar korfor òg heile saka leiinga føresette borna vaksne vaksen gjer veit
    """
)
_BOKMAL: Final = _word_set(
    """
    jeg ikke hva hvordan hvem hvorfor hvor en et de fra noe noen bare mye skole skolen være
    sier hører selv elevene elever lærer læreren ansatt ansatte vi dere også saken ledelsen
    foresatte barna voksne gjør vet
    """
)
_WORD_RE: Final = re.compile(r"[a-zæøåäöüé]+")


@dataclass(frozen=True, slots=True)
class QuestionIntent:
    """The kind of question, as booleans the ranking and the decision model can use."""

    language: Language
    action: bool = False
    definition: bool = False
    adult_harm: bool = False
    self_accused: bool = False
    # Someone (the asker, their child, a pupil) is being harmed and they ask what to do:
    # the answer is to tell an adult, i.e. the report routine.
    harmed: bool = False
    school_duty: bool = False
    escalation: bool = False
    confidential: bool = False
    staff_matter: bool = False
    # What a "rett til / lov å" question asks for, checked against the plan by the ranking.
    entitlement: str | None = None


def lower(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def detect_language(text: str) -> Language:
    """Bokmål, nynorsk or English from function words; bokmål when in doubt.

    Staff mix languages and misspell, so this counts telling words rather than trusting
    any single one; a question needs two English words more than Norwegian ones to be
    answered in English.
    """
    words = _WORD_RE.findall(lower(text))
    english = sum(w in _ENGLISH for w in words)
    nynorsk = sum(w in _NYNORSK for w in words)
    bokmal = sum(w in _BOKMAL for w in words)
    norwegian = max(nynorsk, bokmal)
    if english >= 2 and english > norwegian + 1:
        return "en"
    if english >= 1 and norwegian == 0 and not re.search(r"[æøå]", " ".join(words)):
        return "en"
    if nynorsk > bokmal:
        return "nn"
    return "nb"


def classify(text: str) -> QuestionIntent:
    lowered = lower(text)
    accused = bool(_SELF_ACCUSED_RE.search(lowered))
    duty = bool(_SCHOOL_DUTY_RE.search(lowered))
    entitlement = _ENTITLEMENT_RE.search(lowered)
    return QuestionIntent(
        language=detect_language(text),
        action=bool(_ACTION_RE.search(lowered)),
        definition=bool(_DEFINITION_RE.search(lowered)),
        adult_harm=bool(_ADULT_HARM_RE.search(lowered)) and not accused,
        self_accused=accused,
        harmed=bool(_HARMED_RE.search(lowered)) and not accused and not duty,
        school_duty=duty,
        escalation=bool(_ESCALATION_RE.search(lowered)),
        confidential=bool(_CONFIDENTIAL_RE.search(lowered)),
        staff_matter=bool(_STAFF_MATTER_RE.search(lowered)),
        entitlement=entitlement.group(1).strip() if entitlement else None,
    )
