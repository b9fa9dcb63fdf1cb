"""After the report (plan 8.4–8.7): the investigation, the activity plan and its evaluations.

The law (§12-4) says what an aktivitetsplan must hold: the problem, the measures, when they are
carried out, who is responsible, and when they are evaluated. `parse_plan` refuses a plan that
misses any of the five and says which, in the words a school leader uses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

MAX_NOTE = 1000
MAX_TEXT = 4000
MEASURE_ROWS = 5


class Method(StrEnum):
    """The plan's ways to investigate (8.4), each documented with date and a short note."""

    PUPIL_TALK = "samtale_elev"
    OTHER_PUPILS = "andre_elever"
    PARENTS = "foresatte"
    SOCIOGRAM = "sosiogram"
    QUANTITATIVE = "kvantitativ"
    LOGBOOK = "loggbok"
    OBSERVATION = "observasjon"


METHODS: dict[Method, str] = {
    Method.PUPIL_TALK: "Samtale med eleven (dialogisk)",
    Method.OTHER_PUPILS: "Samtale med andre involverte elever",
    Method.PARENTS: "Samtale med foresatte",
    Method.SOCIOGRAM: "Sosiogram over sosiale og faglige relasjoner",
    Method.QUANTITATIVE: "Kvantitative undersøkelser (elev- og trivselsundersøkelse)",
    Method.LOGBOOK: "Loggbok",
    Method.OBSERVATION: "Observasjoner fra lærer, miljøteam og nærmeste leder",
}


@dataclass(frozen=True)
class InvestigationStep:
    method: Method
    done_on: date
    note: str


@dataclass(frozen=True)
class Investigation:
    steps: tuple[InvestigationStep, ...]
    findings: str
    best_interest: str
    """The barnets beste assessment (FNs barnekonvensjon art. 3)."""
    completed: bool
    updated_at: datetime
    updated_by: str


class Level(StrEnum):
    INDIVIDUAL = "individ"
    CLASS = "klasse"
    SCHOOL = "skole"


LEVELS: dict[Level, str] = {
    Level.INDIVIDUAL: "Individnivå",
    Level.CLASS: "Klassenivå",
    Level.SCHOOL: "Skolenivå",
}


@dataclass(frozen=True)
class Measure:
    level: Level
    description: str
    when: str
    responsible_id: str
    """A staff member: the law forbids making a pupil or a parent responsible."""


@dataclass(frozen=True)
class ActivityPlan:
    version: int
    problem: str
    measures: tuple[Measure, ...]
    evaluate_on: date
    pupil_view: str
    parents_view: str
    not_followed: str
    """Proposals from the pupil or the parents that were not followed, with the reason."""
    created_at: datetime
    created_by: str

    @property
    def responsible_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.responsible_id for m in self.measures))


class Outcome(StrEnum):
    CONTINUE = "videreføre"
    ADJUST = "justere"
    CLOSE = "avslutte"


OUTCOMES: dict[Outcome, str] = {
    Outcome.CONTINUE: "Videreføre tiltakene",
    Outcome.ADJUST: "Justere planen (ny versjon)",
    Outcome.CLOSE: "Avslutte – eleven har det trygt og godt",
}


@dataclass(frozen=True)
class Evaluation:
    plan_version: int
    outcome: Outcome
    note: str
    at: datetime
    by: str
    next_evaluation_on: date | None = None


@dataclass(frozen=True)
class FormErrors:
    messages: dict[str, str] = field(default_factory=dict)


def _text(values: Mapping[str, object], key: str) -> str:
    raw = values.get(key)
    return raw.strip() if isinstance(raw, str) else ""


def _date(values: Mapping[str, object], key: str) -> date | str | None:
    text = _text(values, key)
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return "Datoen må være på formen ÅÅÅÅ-MM-DD."


def _too_long(
    errors: dict[str, str], values: Mapping[str, object], key: str, label: str, limit: int
) -> None:
    if len(_text(values, key)) > limit:
        errors[key] = f"{label} er for lang (maks {limit} tegn)."


def parse_investigation(
    values: Mapping[str, object], *, today: date, now: datetime, by: str
) -> Investigation | FormErrors:
    """Inputs: `<method>_done` ("true"/"false"), `<method>_date`, `<method>_note`, `findings`,
    `best_interest`, `completed`."""
    errors: dict[str, str] = {}
    steps: list[InvestigationStep] = []
    for method in Method:
        done = _text(values, f"{method.value}_done").lower() == "true"
        when = _date(values, f"{method.value}_date")
        note_key = f"{method.value}_note"
        _too_long(errors, values, note_key, "Notatet", MAX_NOTE)
        if isinstance(when, str):
            errors[f"{method.value}_date"] = when
            continue
        if when is not None and when > today:
            errors[f"{method.value}_date"] = "Datoen kan ikke være fram i tid."
            continue
        if done or when is not None:
            if when is None:
                errors[f"{method.value}_date"] = f"Skriv når: {METHODS[method].lower()}."
                continue
            steps.append(InvestigationStep(method, when, _text(values, note_key)))
    _too_long(errors, values, "findings", "Oppsummeringen", MAX_TEXT)
    _too_long(errors, values, "best_interest", "Barnets beste-vurderingen", MAX_TEXT)
    completed = _text(values, "completed").lower() == "true"
    if completed:
        if not steps:
            errors["form"] = "Huk av minst én undersøkelse før du avslutter undersøkelsen."
        if not _text(values, "findings"):
            errors["findings"] = "Oppsummer funnene før du avslutter undersøkelsen."
        if not _text(values, "best_interest"):
            errors["best_interest"] = "Skriv barnets beste-vurderingen før du avslutter."
    if errors:
        return FormErrors(errors)
    return Investigation(
        tuple(steps), _text(values, "findings"), _text(values, "best_interest"), completed, now, by
    )


def parse_plan(
    values: Mapping[str, object],
    *,
    staff_ids: Sequence[str],
    version: int,
    today: date,
    now: datetime,
    by: str,
) -> ActivityPlan | FormErrors:
    """Inputs: `problem`, `m<i>_level|_description|_when|_responsible` for i in 1..5,
    `evaluate_on`, `pupil_view`, `parents_view`, `not_followed`."""
    errors: dict[str, str] = {}
    missing: list[str] = []
    problem = _text(values, "problem")
    if not problem:
        missing.append("hvilket problem tiltakene skal løse")
        errors["problem"] = "Beskriv problemet tiltakene skal løse."
    _too_long(errors, values, "problem", "Problembeskrivelsen", MAX_TEXT)
    measures: list[Measure] = []
    lacks_when = lacks_who = False
    for row in range(1, MEASURE_ROWS + 1):
        prefix = f"m{row}_"
        description = _text(values, prefix + "description")
        if not description:
            continue
        _too_long(errors, values, prefix + "description", f"Tiltak {row}", MAX_NOTE)
        level_text = _text(values, prefix + "level") or Level.INDIVIDUAL.value
        try:
            level = Level(level_text)
        except ValueError:
            errors[prefix + "level"] = "Velg nivå fra listen."
            continue
        when = _text(values, prefix + "when")
        if not when:
            lacks_when = True
            errors[prefix + "when"] = f"Skriv når tiltak {row} skal gjennomføres."
        responsible = _text(values, prefix + "responsible")
        if not responsible:
            lacks_who = True
            errors[prefix + "responsible"] = f"Velg hvem som er ansvarlig for tiltak {row}."
        elif responsible not in staff_ids:
            errors[prefix + "responsible"] = (
                "Ansvarlig må være en ansatt – aldri en elev eller en forelder."
            )
        if when and responsible:
            measures.append(Measure(level, description, when, responsible))
    described = any(k.startswith("m") and k.endswith("_description") for k in errors)
    if not measures and not described and not lacks_when and not lacks_who:
        missing.append("hvilke tiltak skolen har planlagt")
        errors["m1_description"] = "Beskriv minst ett tiltak."
    if lacks_when:
        missing.append("når tiltakene skal gjennomføres")
    if lacks_who:
        missing.append("hvem som er ansvarlig")
    evaluate_on = _date(values, "evaluate_on")
    if evaluate_on is None:
        missing.append("når tiltakene skal evalueres")
        errors["evaluate_on"] = "Velg dato for evaluering."
    elif isinstance(evaluate_on, str):
        errors["evaluate_on"] = evaluate_on
    elif evaluate_on <= today:
        errors["evaluate_on"] = "Evalueringen må være fram i tid."
    for key, label in (
        ("pupil_view", "Elevens syn"),
        ("parents_view", "Foresattes syn"),
        ("not_followed", "Forslag som ikke er fulgt"),
    ):
        _too_long(errors, values, key, label, MAX_TEXT)
    if missing:
        errors["form"] = (
            "Aktivitetsplanen mangler: " + ", ".join(missing) + " (opplæringslova § 12-4)."
        )
    if errors or not isinstance(evaluate_on, date):
        return FormErrors(errors)
    return ActivityPlan(
        version,
        problem,
        tuple(measures),
        evaluate_on,
        _text(values, "pupil_view"),
        _text(values, "parents_view"),
        _text(values, "not_followed"),
        now,
        by,
    )


def parse_evaluation(
    values: Mapping[str, object],
    *,
    plan_version: int,
    today: date,
    now: datetime,
    by: str,
    default_next: date,
) -> Evaluation | FormErrors:
    """Inputs: `outcome`, `note`, `next_evaluation_on` (for videreføre)."""
    errors: dict[str, str] = {}
    try:
        outcome = Outcome(_text(values, "outcome"))
    except ValueError:
        return FormErrors({"outcome": "Velg videreføre, justere eller avslutte."})
    note = _text(values, "note")
    _too_long(errors, values, "note", "Notatet", MAX_TEXT)
    if not note:
        errors["note"] = (
            "Skriv en avsluttende evaluering, f.eks. «eleven sier hen har det bra»."
            if outcome is Outcome.CLOSE
            else "Skriv kort hva evalueringen viste."
        )
    next_on: date | None = None
    if outcome is Outcome.CONTINUE:
        parsed = _date(values, "next_evaluation_on")
        if isinstance(parsed, str):
            errors["next_evaluation_on"] = parsed
        else:
            next_on = parsed or default_next
            if next_on <= today:
                errors["next_evaluation_on"] = "Neste evaluering må være fram i tid."
    if errors:
        return FormErrors(errors)
    return Evaluation(plan_version, outcome, note, now, by, next_on)


@dataclass(frozen=True)
class Observation:
    """Følge med (plan 8.1, 7.3): a short dated note about a pupil, kept as the school's log."""

    id: str
    pupil_key: str
    pupil_name: str
    pupil_class: str
    observed_on: date
    note: str
    author_id: str
    created_at: datetime


def pupil_key(name: str, pupil_class: str) -> str:
    """Observations about "Ola Nordmann, 9B" and "ola  nordmann, 9 b" are the same pupil's."""
    folded = " ".join(name.lower().split())
    return f"{folded}|{''.join(pupil_class.lower().split())}"


def parse_observation(
    values: Mapping[str, object], *, today: date, now: datetime, by: str, new_id: str
) -> Observation | FormErrors:
    errors: dict[str, str] = {}
    name, pupil_class, note = (_text(values, k) for k in ("pupil_name", "pupil_class", "note"))
    if not name:
        errors["pupil_name"] = "Fyll inn elevens navn."
    if not pupil_class:
        errors["pupil_class"] = "Fyll inn klasse."
    if not note:
        errors["note"] = "Skriv kort hva du observerte."
    _too_long(errors, values, "pupil_name", "Navnet", 120)
    _too_long(errors, values, "note", "Observasjonen", MAX_NOTE)
    observed = _date(values, "observed_on")
    if isinstance(observed, str):
        errors["observed_on"] = observed
    elif observed is not None and observed > today:
        errors["observed_on"] = "Datoen kan ikke være fram i tid."
    if errors:
        return FormErrors(errors)
    day = observed if isinstance(observed, date) else today
    return Observation(new_id, pupil_key(name, pupil_class), name, pupil_class, day, note, by, now)


OBSERVATION_WINDOW_DAYS = 30
OBSERVATIONS_BEFORE_SUGGESTING = 3


def should_suggest_report(observations: Sequence[Observation], today: date) -> bool:
    """Three observations about one pupil within 30 days: the leader is asked to consider a
    report (the plan's low threshold: mistanke is enough)."""
    recent = [o for o in observations if (today - o.observed_on).days < OBSERVATION_WINDOW_DAYS]
    return len(recent) >= OBSERVATIONS_BEFORE_SUGGESTING
