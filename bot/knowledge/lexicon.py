"""Language data for matching staff questions against a school's plan.

Kept apart from the matching code so that a linguist (or a teacher) can extend the word lists
without reading the retrieval logic. Everything here is plain data: surface words in lowercase,
Norwegian bokmål as the target language. The analyser stems both sides, so a group only needs
one or two forms of each word, not every inflection.

The lists are about how staff *phrase* questions (nynorsk, English, synonyms, legal terms);
nothing here is specific to one school's plan, so another school's plan can reuse them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final


def _words(text: str) -> list[str]:
    return text.split()


def _groups(text: str) -> tuple[tuple[str, ...], ...]:
    """One group a line; a line indented deeper than the first continues the group above it,
    so that a long group wraps like the word lists around it."""
    lines = [line for line in text.splitlines() if line.strip()]
    margin = len(lines[0]) - len(lines[0].lstrip())
    groups: list[list[str]] = []
    for line in lines:
        if len(line) - len(line.lstrip()) > margin:
            groups[-1] += line.split()
        else:
            groups.append(line.split())
    return tuple(tuple(group) for group in groups)


# Function words and question scaffolding in bokmål, nynorsk and English. They carry no
# information about which routine is meant, and counting them would let any chatty
# out-of-scope question look half-answered.
STOPWORDS: Final[frozenset[str]] = frozenset(
    _words(
        """
    og i jeg det at en et ei den til er som på de med han av ikke ikkje der så var meg seg men
    ett har om vi min mitt mine ha hadde hun ho nå no over da då ved fra frå du ut sin sitt sine
    dem oss opp man kan kunne hans hvor kor kvar hva kva skal skulle selv sjøl sjølv her alle
    vil ville bli ble blir blitt vert vart verte bare berre kun ja nei etter ned denne dette
    disse dei deira deres dere dykk dykkar for deg di din ditt si sier seie sei mot å meget mye
    mykje hvorfor kvifor uten utan hvordan korleis ingen inga ingi inkje samme same hvilken
    hvilket hvilke kva slags kvifor sånn slik slikt inni mellom vår vårt våre hver kvar hvem
    kven hvis viss om både enn fordi før mange også òg vært vore vere vera være skje skjer
    siden sidan medan mens eg me meir mer noen nokon noko noe nokre noka nokor nokså ganske
    når kor tid gjør gjer gjøre gjere gjort gjorde får få fått fikk finne finner finn fann
    står stå stod står går gå gikk gjelder gjeld betyr tyder mener meiner menes meinast
    egentlig eigentleg liksom altså visst vel jo da sånt osv eks f.eks dvs ca hei hallo takk
    please thanks hi hello the a an is are was were be been being do does did doing done i me
    my mine we us our ours you your yours he she it its they them their this that these those
    what which who whom whose how when where why there here to of in on at by for with about
    from into onto as if or and but not no yes can could should would will shall must may
    might have has had any some all each every so than then too very just also according
    tell me please know want need get got go going happen happens happening say says said
    ta tar tatt tok take takes regnes regne reknast rekna anses ansett count counts
    paragraf paragrafen paragrafane paragrafer paragraph lov loven lova lovene law
    ham henne hen hans hennar hennes må måtte bør burde lurer lure lurte lurar sa sagt
    morgen morgon kveld idag igår imorgen hjelpe hjelp hjelpa help helps should shall vær
    andre annen annet anna other others ein eit eitt deim hjå honom hennar inkje ingi
    kvarhelst korso somme somt sia um upp vore vorte verta vorte mitt mi dine dykkar
        """
    )
)

# Nynorsk (and a few dialect/spoken) forms mapped to the bokmål surface form the plan uses.
# Only forms the Norwegian stemmer does not already bring together need to be listed.
NYNORSK: Final[dict[str, str]] = {
    "skule": "skole",
    "skulen": "skolen",
    "skular": "skoler",
    "skulane": "skolene",
    "skulemiljø": "skolemiljø",
    "skulemiljøet": "skolemiljøet",
    "skulemiljøplanen": "skolemiljøplanen",
    "skulenivå": "skolenivå",
    "skuleåret": "skoleåret",
    "skuleår": "skoleår",
    "skulestart": "skolestart",
    "tilsett": "ansatt",
    "tilsette": "ansatte",
    "lærar": "lærer",
    "lærarar": "lærere",
    "lærarane": "lærerne",
    "læraren": "læreren",
    "utanforskap": "utenforskap",
    "utanfor": "utenfor",
    "halden": "holdt",
    "halde": "holde",
    "haldne": "holdt",
    "held": "holder",
    "broten": "brutt",
    "brote": "brutt",
    "brotne": "brutt",
    "høyrer": "hører",
    "høyrt": "hørt",
    "høyre": "høre",
    "eigen": "egen",
    "eige": "egen",
    "eigne": "egne",
    "difor": "derfor",
    "fyrst": "først",
    "fyrste": "første",
    "heim": "hjem",
    "heimen": "hjemmet",
    "heime": "hjemme",
    "følgje": "følge",
    "følgjer": "følger",
    "fylgje": "følge",
    "fylgjer": "følger",
    "undersøkje": "undersøke",
    "undersøkjer": "undersøker",
    "undersøking": "undersøkelse",
    "undersøkinga": "undersøkelsen",
    "undersøkingar": "undersøkelser",
    "elevundersøkinga": "elevundersøkelsen",
    "elevundersøking": "elevundersøkelse",
    "krenkjer": "krenker",
    "krenkje": "krenke",
    "krenking": "krenkelse",
    "krenkinga": "krenkelsen",
    "krenkingar": "krenkelser",
    "krenkjande": "krenkende",
    "tryggleik": "trygghet",
    "trivnad": "trivsel",
    "medverknad": "medvirkning",
    "medverke": "medvirke",
    "medverkar": "medvirker",
    "medverkan": "medvirkning",
    "saka": "saken",
    "saker": "saker",
    "måla": "målene",
    "rådsorgana": "rådsorganene",
    "føresett": "foresatt",
    "føresette": "foresatte",
    "born": "barn",
    "borna": "barna",
    "kjem": "kommer",
    "veit": "vet",
    "leie": "lede",
    "leiinga": "ledelsen",
    "leiing": "ledelse",
    "leiar": "leder",
    "leiaren": "lederen",
    "næraste": "nærmeste",
    "nærmaste": "nærmeste",
    "teikn": "tegn",
    "kjenneteikn": "kjennetegn",
    "fråvær": "fravær",
    "fråværet": "fraværet",
    "veke": "uke",
    "veker": "uker",
    "vekene": "ukene",
    "ifrå": "ifra",
    "varslar": "varsler",
    "varsla": "varslet",
    "melde": "melde",
    "byggje": "bygge",
    "byggjer": "bygger",
    "førebyggje": "forebygge",
    "førebyggjer": "forebygger",
    "førebygging": "forebygging",
    "fremje": "fremme",
    "fremjar": "fremmer",
    "gjennomføre": "gjennomføre",
    "avsluttar": "avslutter",
    "evaluerer": "evaluerer",
    "sjå": "se",
    "ser": "ser",
    "snakke": "snakke",
    "åtferd": "atferd",
    "oppførsel": "atferd",
    "einskild": "enkelt",
    "einskilde": "enkelte",
    "kvarandre": "hverandre",
    "oppatt": "igjen",
    "att": "igjen",
    "aktivitetsplikta": "aktivitetsplikten",
    "delpliktene": "delpliktene",
    "lagar": "lager",
    "laga": "lage",
    "vurdere": "vurdere",
    "innehalde": "inneholde",
    "inneheld": "inneholder",
    "tiltaka": "tiltakene",
    "elevrådet": "elevrådet",
    "skaffar": "skaffer",
    "tenestene": "tjenestene",
    "teneste": "tjeneste",
    "vanskeleg": "vanskelig",
    "utrygg": "utrygg",
    "fysisk": "fysisk",
    "seier": "sier",
    "vener": "venner",
    "venene": "vennene",
    "uvener": "konflikt",
    "uvenner": "konflikt",
    "uvenn": "konflikt",
    "helsesøster": "helsesykepleier",
    "helsesøstera": "helsesykepleier",
    "helsesøsteren": "helsesykepleier",
}

# English words and phrases (and a few app names) mapped to the Norwegian the plan uses.
# Multi-word keys are replaced before tokenising; single words after. Values may be
# several words.
ENGLISH_PHRASES: Final[dict[str, str]] = {
    "activity plan": "aktivitetsplan",
    "action plan": "aktivitetsplan",
    "pupil survey": "elevundersøkelsen",
    "student survey": "elevundersøkelsen",
    "school owner": "skoleeier",
    "social media": "sosiale medier",
    "sub-duties": "delplikter",
    "sub duties": "delplikter",
    "subduties": "delplikter",
    "duty to act": "aktivitetsplikt",
    "activity duty": "aktivitetsplikt",
    "education act": "opplæringslova",
    "pupil council": "elevrådet",
    "student council": "elevrådet",
    "parents council": "fau",
    "parents' council": "fau",
    "zero tolerance": "nulltoleranse",
    "best interests": "barnets beste",
    "best interest": "barnets beste",
    "what should i do": "hvagjørjeg",
    "what do i do": "hvagjørjeg",
    "what can i do": "hvagjørjeg",
    "what should we do": "hvagjørjeg",
    "what do we do": "hvagjørjeg",
    "keep an eye on": "følge med",
    "keep an eye": "følge med",
    "keep track of": "oversikt",
    "follow up": "følge opp",
    "following up": "følge opp",
    "look into": "undersøke",
    "step in": "gripe inn",
    "left out": "utenforskap",
    "called names": "kallenavn",
    "frozen out": "utestenging",
    "home-school": "hjem skole",
    "home school": "hjem skole",
    "learning partner": "læringspartner",
    "caring control": "omsorgsfull kontroll",
    "culture day": "kulturdagen",
    "class rules": "klasseregler",
    "warning signs": "kjennetegn",
    "line manager": "nærmeste leder",
    "nearest leader": "nærmeste leder",
    "school environment": "skolemiljø",
    "learning environment": "læringsmiljø",
    "class environment": "klassemiljø",
    "self-defence": "nødverge",
    "self defence": "nødverge",
    "self-defense": "nødverge",
    "physical force": "fysisk makt",
    "relationship mapping": "relasjonskartlegging",
    "map relationships": "relasjonskartlegging",
    "mapping relationships": "relasjonskartlegging",
    "school level": "skolenivå",
    "school-wide": "skolenivå",
    "class level": "klassenivå",
    "individual level": "individnivå",
    "individual pupils": "enkeltelev",
    "individual pupil": "enkeltelev",
    "chapter 12": "kapittel 12",
    "winter activity day": "vinteraktivitetsdag",
    "end of school": "skoleavslutning",
    "county governor": "statsforvalteren",
    "member of staff": "ansatt",
    "members of staff": "ansatte",
    "child welfare": "barnevernet",
    "child protection": "barnevernet",
    "annual plan": "årshjul",
    "annual wheel": "årshjul",
    "year wheel": "årshjul",
}

ENGLISH_WORDS: Final[dict[str, str]] = {
    "governor": "statsforvalteren",
    "report": "melde",
    "reports": "melde",
    "reporting": "melde",
    "reported": "melde",
    "notify": "varsle",
    "notifying": "varsle",
    "notification": "varsel",
    "alert": "varsle",
    "concern": "bekymring",
    "concerns": "bekymring",
    "concerned": "bekymret",
    "worried": "bekymret",
    "worry": "bekymring",
    "suspect": "mistanke",
    "suspicion": "mistanke",
    "suspected": "mistanke",
    "principal": "rektor",
    "headteacher": "rektor",
    "headmaster": "rektor",
    "rector": "rektor",
    "management": "ledelsen",
    "leadership": "ledelsen",
    "leader": "leder",
    "manager": "leder",
    "pupil": "elev",
    "pupils": "elever",
    "student": "elev",
    "students": "elever",
    "child": "barn",
    "children": "barn",
    "kid": "barn",
    "kids": "barn",
    "parent": "foresatte",
    "parents": "foresatte",
    "guardian": "foresatte",
    "guardians": "foresatte",
    "staff": "ansatte",
    "employee": "ansatt",
    "employees": "ansatte",
    "colleague": "ansatt",
    "colleagues": "ansatte",
    "teacher": "lærer",
    "teachers": "lærere",
    "bully": "mobbing",
    "bullying": "mobbing",
    "bullied": "mobbet",
    "harassment": "trakassering",
    "racism": "rasisme",
    "offensive": "krenkende",
    "humiliate": "krenke",
    "humiliating": "krenke",
    "humiliated": "krenket",
    "humiliates": "krenker",
    "mistreat": "krenke",
    "mistreating": "krenke",
    "abuse": "krenkelse",
    "abusing": "krenke",
    "abusive": "krenkende",
    "yelling": "kjefte",
    "shouting": "kjefte",
    "teasing": "erting",
    "teased": "ertet",
    "threatening": "truer",
    "threatened": "truet",
    "hitting": "slår",
    "kicked": "sparket",
    "pushed": "dyttet",
    "mother": "foresatte",
    "father": "foresatte",
    "mum": "foresatte",
    "mom": "foresatte",
    "dad": "foresatte",
    "offend": "krenke",
    "offence": "krenkelse",
    "offense": "krenkelse",
    "offences": "krenkelser",
    "insult": "krenkelse",
    "insults": "krenkelser",
    "violation": "brudd",
    "violations": "brudd",
    "breach": "brudd",
    "exclusion": "utenforskap",
    "excluded": "utenforskap",
    "ignored": "utestenging",
    "ignore": "utestenging",
    "ignores": "utestenging",
    "scared": "utrygg",
    "afraid": "utrygg",
    "frightened": "utrygg",
    "isolated": "utenforskap",
    "safe": "trygt",
    "safety": "trygghet",
    "unsafe": "utrygt",
    "environment": "miljø",
    "wellbeing": "trivsel",
    "well-being": "trivsel",
    "thriving": "trivsel",
    "thrive": "trives",
    "learning": "læring",
    "investigate": "undersøke",
    "investigation": "undersøkelse",
    "investigating": "undersøke",
    "survey": "undersøkelse",
    "surveys": "undersøkelser",
    "measure": "tiltak",
    "measures": "tiltak",
    "intervention": "tiltak",
    "interventions": "tiltak",
    "actions": "tiltak",
    "plan": "plan",
    "evaluate": "evaluere",
    "evaluated": "evaluere",
    "evaluation": "evaluering",
    "review": "evaluere",
    "reviewed": "evaluere",
    "close": "avslutte",
    "closing": "avslutte",
    "finish": "avslutte",
    "end": "avslutte",
    "intervene": "gripe",
    "intervening": "gripe",
    "stop": "stoppe",
    "fight": "slåss",
    "fighting": "slåss",
    "fights": "slåss",
    "force": "makt",
    "restrain": "makt",
    "restraint": "makt",
    "restraining": "makt",
    "detect": "følge med",
    "spot": "følge med",
    "notice": "følge med",
    "physical": "fysisk",
    "document": "dokumentere",
    "documentation": "dokumentasjon",
    "record": "dokumentere",
    "log": "logg",
    "vulnerable": "sårbare",
    "vulnerability": "sårbarhet",
    "signs": "kjennetegn",
    "sign": "tegn",
    "indicators": "kjennetegn",
    "absence": "fravær",
    "participation": "medvirkning",
    "participate": "medvirke",
    "part": "medvirke",
    "involve": "involvere",
    "involved": "involvert",
    "inform": "informere",
    "informed": "informert",
    "information": "informasjon",
    "chapter": "kapittel",
    "vision": "visjon",
    "goal": "mål",
    "goals": "mål",
    "aims": "mål",
    "view": "syn",
    "research": "forskning",
    "prevent": "forebygge",
    "prevention": "forebygging",
    "preventive": "forebyggende",
    "routine": "rutine",
    "routines": "rutiner",
    "procedure": "rutine",
    "procedures": "rutiner",
    "responsible": "ansvarlig",
    "responsibility": "ansvar",
    "trip": "tur",
    "trips": "turer",
    "excursion": "tur",
    "prom": "ball",
    "grade": "trinn",
    "winter": "vinter",
    "restorative": "gjenopprettende",
    "restore": "gjenopprette",
    "rebuild": "gjenopprette",
    "trust": "tillit",
    "broken": "brutt",
    "conflict": "konflikt",
    "conflicts": "konflikter",
    "relationship": "relasjon",
    "relationships": "relasjoner",
    "relations": "relasjoner",
    "sociogram": "sosiogram",
    "monitor": "følge med",
    "monitoring": "følge med",
    "duty": "plikt",
    "duties": "plikter",
    "form": "skjema",
    "phone": "telefon",
    "telephone": "telefon",
    "number": "nummer",
    "owner": "skoleeier",
    "council": "råd",
    "class": "klasse",
    "classes": "klasser",
    "classroom": "klasserom",
    "break": "friminutt",
    "breaks": "friminutt",
    "recess": "friminutt",
    "playground": "skolegården",
    "school": "skole",
    "home": "hjem",
    "cooperation": "samarbeid",
    "collaboration": "samarbeid",
    "cooperate": "samarbeide",
    "promote": "fremme",
    "promoting": "fremme",
    "individual": "individ",
    "level": "nivå",
    "caring": "omsorgsfull",
    "control": "kontroll",
    "factors": "faktorer",
    "factor": "faktor",
    "five": "fem",
    "basic": "grunnleggende",
    "meeting": "møte",
    "meetings": "møter",
    "mapping": "kartlegging",
    "definition": "definisjon",
    "define": "definere",
    "defines": "definerer",
    "identify": "oversikt",
    "overview": "oversikt",
    "track": "oversikt",
    "developing": "utvikle",
    "develops": "utvikler",
    "develop": "utvikle",
    "long": "lenge",
    "often": "ofte",
    "weekly": "ukentlig",
    "week": "uke",
    "weeks": "uker",
    "semester": "semester",
    "template": "mal",
    "contain": "inneholde",
    "include": "inneholde",
    "minimum": "minstekrav",
    "requirements": "krav",
    "requirement": "krav",
    "nurse": "helsesykepleier",
    "psychologist": "psykolog",
    "transition": "overgang",
    "transitions": "overganger",
    "new": "nye",
    "planning": "planlegging",
    "plans": "planer",
    "updated": "oppdatert",
    "update": "oppdatere",
    "year": "år",
    "yearly": "hvert år",
    "annually": "hvert år",
    "results": "resultater",
    "result": "resultat",
    "analyse": "analyse",
    "analysis": "analyse",
    "case": "sak",
    "cases": "saker",
    "happening": "",
    "behaviour": "atferd",
    "behavior": "atferd",
    "examples": "eksempler",
    "example": "eksempel",
    "values": "verdier",
    "rights": "rettigheter",
    "right": "rett",
    "suit": "",
    "culture": "kultur",
    "norms": "normer",
    "diversity": "mangfold",
    "friendship": "vennskap",
    "inclusion": "inkludering",
    "health": "helse",
    "signs of": "kjennetegn",
    "tenth": "10",
    "ninth": "9",
    "eighth": "8",
    "10th": "10",
    "9th": "9",
    "8th": "8",
    "snap": "sosiale medier",
    "snapchat": "sosiale medier",
    "instagram": "sosiale medier",
    "tiktok": "sosiale medier",
    "facebook": "sosiale medier",
    "discord": "sosiale medier",
    "online": "sosiale medier",
    "compensation": "erstatning",
    "damages": "erstatning",
    "police": "politiet",
    "lawyer": "advokat",
    "court": "domstol",
    "appeal": "klage",
    "complaint": "klage",
    "complain": "klage",
    "sue": "saksøke",
    "lawsuit": "rettssak",
    "penalty": "straff",
    "punish": "straffe",
    "punished": "straffet",
    "fined": "bøtelagt",
    "liable": "erstatningsansvar",
    "liability": "erstatningsansvar",
    "confidentiality": "taushetsplikt",
    "fired": "oppsigelse",
    "dismissed": "oppsigelse",
}

# Multi-word Norwegian phrases that mean one thing. Each pattern is a regular expression over
# the normalised (lowercase) question; the replacement is the canonical word. "følge med" and
# "følge opp" must stay apart from each other: watching (8.1) is not evaluating (8.7).
PHRASES: Final[tuple[tuple[str, str], ...]] = (
    (
        r"\b(?:si|sei|seie|seier|sier|sa|sagt)\s+(?:(?:jeg|eg|vi|me|du|de|dei|hen|hun|ho|han)\s+)?"
        r"(?:i\s*)?(?:fra|frå|ifra|ifrå)(?!\w)",
        " melde ",
    ),
    (r"\bgi(?:r)?\s+(?:beskjed|melding)\b", " melde "),
    (r"\bsi\s+beskjed\b", " melde "),
    (r"\bf(?:ø|y)lg(?:e|er|de|t|j?e|jer)?\s+med\b", " følgemed "),
    (r"\bfulgt\s+med\b", " følgemed "),
    (r"\bf(?:ø|y)lg(?:e|er|de|t|j?e|jer)?\s+opp\b", " følgeopp "),
    (r"\bfulgt\s+opp\b", " følgeopp "),
    (r"\boppf(?:ø|y)lg(?:ing|jing|inga|ingen)\b", " følgeopp "),
    (r"\bhold(?:e|er|es|t)?\s+(?:\w+\s+)?utenfor\b", " utestenging "),
    (r"\bplanen\s+(?:til|hans|hennes|hens|dens)\b", " aktivitetsplanen "),
    (r"\belevens\s+plan\b", " aktivitetsplan "),
    (r"\bstenge?s?\s+ute\b", " utestenging "),
    # Vocabulary bridges found on the tuning split's misses: people say "oppdage" where the
    # plan says "følge med", "behandlet som luft" for being shut out, "tvang" for the plan's
    # "makt"/"nødrett".
    (r"\b(?:oppdage|oppdager|oppdaga)\b", " følgemed kjennetegn "),
    # "utsatt for mobbing" is being bullied, not "utsatt" (vulnerable) as in 8.1.
    (r"\b(?:utsatt|utsett|utsette|utsatte)\s+for\b", " "),
    (r"\bbehandl\w*\s+som\s+luft\b", " utestenging "),
    (r"\b(?:aldri|ikke|ikkje)\s+(?:blir\s+|vert\s+)?invitert\b", " utestenging "),
    (r"\bholde?r?\s+fast\b", " makt "),
    (r"\bhold\s+(?:down|back)\b", " makt "),
    (r"\bhar\s+det\s+(?:bra|godt|fint)\b", " trygt godt "),
    (r"\bikke\s+trives\b", " mistrivsel "),
    # How parents describe being shut out or unhappy without the plan's words.
    (r"\b(?:ingen|ikke|ikkje|få)\s+(?:\w+\s+)?(?:venner|vener|venn|vennar)\b", " utenforskap "),
    (r"\blei\s+(?:seg|meg|deg|oss)\b", " mistrivsel "),
    (r"\b(?:blir|vert|føler\s+seg|kjenner\s+seg)\s+oversett\b", " utestenging "),
    (r"\bfr(?:y|ø)s(?:es|er|e|t)?\s+ut\b", " utestenging "),
    (r"\bfryst\s+ut\b", " utestenging "),
    # "What do I do?" is how staff end a description of an incident; keeping it as one
    # term lets it meet the routines that answer exactly that (gripe inn, melde fra).
    (r"\b(?:hva|kva)\s+(?:gjør|gjer)\s+(?:jeg|eg|vi|me)\b", " hvagjørjeg "),
    (
        r"\b(?:hva|kva)\s+(?:(?:skal|bør|må|kan)\s+)?(?:jeg|eg|vi|me)\s+"
        r"(?:(?:skal|bør|må|kan)\s+)?(?:gjøre|gjere)\b",
        " hvagjørjeg ",
    ),
    (r"\b(?:må|skal|bør)\s+(?:jeg|eg|vi|me)\s+(?:gjøre|gjere)\s+(?:noe|noko)\b", " hvagjørjeg "),
)

# Groups of words that staff use interchangeably, one a line (a line indented deeper goes on
# with the group above). The first word is the canonical one; all words in a group are stemmed
# at load and every stem is indexed as the canonical stem.
SYNONYM_GROUPS: Final[tuple[tuple[str, ...], ...]] = _groups(
    """
    melde varsle varsel varsling varslet melding meldt ifra
    rektor ledelsen ledelse skoleledelsen lederteam leiinga
    aktivitetsplan tiltaksplan aktivitetsplanen tiltaksplanen handlingsplan
    sosiogram sosiogramm relasjonskartlegging relasjonskartlegginger
    foresatte foresatt foreldre foreldrene forelder føresette heimen mor moren mora far faren mamma
        mammaen pappa pappaen hjemmet
    ansatte ansatt tilsette kollega kollegaer kolleger personalet lærer læreren lærere lærerne
        voksen voksne
    mobbing mobbet mobbe mobber mobba mobbes
    krenkelse krenkelser krenke krenker krenkende krenket krenking kjefte kjefter kjeftet skjelle
        skjeller utskjelling erte erter ertet erting plage plager plaget plaging ydmyke ydmyker
        ydmyket latterliggjøre latterliggjør trakassere trakasserer trakassering truer truet
        trusler kalt kalle kaller kallenavn skjellsord sjikane sjikanere sjikanerer sjikanert hetse
        hetser hetset truga trugar trugsmål
    utenforskap ekskludering eksklusjon ekskludert
    utestenging utestengt utestengd utestengning utfrysning utfrysing utfryst ignorert ignorerer
        ignorere ignoreres
    utrygg utrygge redd engstelig engsteleg skremt
    undersøke undersøkelse undersøker kartlegge kartlegging
    evaluere evaluering evalueres evaluert revidere revideres revisjon
    avslutte avslutning lukke lukkes stenge avsluttes
    gripe grep grepet griper inngripen
    makt tvang tvinge maktbruk tvangsbruk maktmiddel
    slåss slåsskamp slosskamp sloss slag slår slo slått vold dytte dytter dyttet sparke sparker
        sparket lugge lugget banke banket
    kvier kvie gruer grue gruar gruet vegrer vegre
    mistrivsel mistrives ensom ensomhet trist gråter gråt deprimert ulykkelig lonely sad unhappy
    sårbar sårbare sårbarhet utsatt utsatte
    kjennetegn tegn faresignal faresignaler signaler varselsignaler
    elev elever eleven elevene elevar elevane gutt gutten gutter guttene jente jenta jenter jentene
        boy boys girl girls
    trygg trygt trygge trygghet
    god godt gode bra
    telefon tlf telefonnummer mobilnummer nummer
    skjema skjemaet varslingsskjema
    informasjon informere informerer informert opplæring orientering
    medvirkning medvirke medvirker medbestemmelse elevmedvirkning
    involvere involverer involvert involveres
    tiltak tiltakene
    tur turer ekskursjon leirskole utflukt
    friminutt friminuttet friminuttene storefri pause inspeksjon
    skolegården skolegård uteområdet
    fravær fraværet skulk skulking
    definisjon definere definerer defineres
    elevrådet elevråd
    forebygge forebygging forebyggende forebygger
    tillit tilliten
    gjenopprettende gjenopprette gjenoppretting reparere
    vurdering vurdere
    minstekrav krav inneholde
    mal malen maler
    snarest raskt fort straks umiddelbart
    oversikt identifisere
    """
)

# Legal mechanisms that lie outside a school's plan for aktivitetsplikt. A question that leans
# on one of these (and whose plan does not mention it) is a question for rektor, not for the
# bot: answering it from the nearest routine would give a confident-looking wrong answer.
# A term counts only when the plan itself never uses it ("retten til et trygt skolemiljø"
# is everyday plan language; a plan that explains how to complain to Statsforvaltaren makes
# that question one the plan does answer).
LAW_TERMS: Final[frozenset[str]] = frozenset(
    _words(
        """
    statsforvalter statsforvalteren statsforvaltar statsforvaltaren fylkesmann fylkesmannen
    håndhevingsordning håndhevingsordningen handhevingsordning handhevingsordninga
    tvangsmulkt tvangsmulkten erstatning erstatningen erstatningsansvar straff straffe
    straffes straffet straffbart straffeansvar politi politiet anmelde anmeldelse anmelder
    barnevern barnevernet barnevernstjenesten opplysningsplikt opplysningsplikten
    avvergeplikt taushetsplikt taushetsplikten innsyn innsynsrett advokat advokaten domstol
    domstolen rettssak saksøke søksmål forvaltningsloven forvaltningslova
    enkeltvedtak klage klagen klager klagerett klagefrist klagesak oppsigelse sparken
    avskjed juridisk juridiske lovbrudd bøter bøtelagt
        """
    )
)

# What a pupil or parent may claim under the plan and chapter 12 besides the words of the
# routines' titles: help, being heard, safety, and the limits on force the plan explains
# (8.2). A "rett til / lov å" question about anything else is not answered by the plan.
RIGHTS_WORDS: Final[tuple[str, ...]] = (
    "hjelp trygt godt skolemiljø hørt medvirke tiltak aktivitetsplan melde makt",
)

# Common first names of pupils (ignored when the plan itself uses the word). Names are
# dropped from the question: they are never what a routine is about, and as unknown words they
# would make a real question look out of scope. Capitalisation is no guide: product names
# ("Visma") are capitalised too and *are* a sign of an out-of-scope question, and staff type
# names in lower case. The list is shared with the redaction of case documents
# (bot/export/redact.py), so one file says who counts as a name.
FIRST_NAMES_FILE: Final = Path(__file__).parent / "resources" / "first_names.txt"


def read_word_list(path: Path) -> frozenset[str]:
    """Lower-case words of a data file, one or more a line; ``#`` starts a comment."""
    words: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        words.update(word.casefold() for word in line.partition("#")[0].split())
    return frozenset(words)


FIRST_NAMES: Final[frozenset[str]] = read_word_list(FIRST_NAMES_FILE)

# Words that on their own say "a pupil may not have a safe and good school environment".
# A question that contains one is about the plan's core even when the rest of it describes
# the incident in words the plan never uses (names, places, what was said), so those
# unknown words count for less when deciding whether the question is in scope.
CONCERN_WORDS: Final[frozenset[str]] = frozenset(
    _words(
        """
    mobbing krenkelse slåss utestenging utenforskap kvier mistrivsel bekymring bekymret
    rasisme trakassering utrygg utrygt vold
        """
    )
)
