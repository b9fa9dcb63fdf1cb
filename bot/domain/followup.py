"""After the report (plan 8.4–8.7): the investigation, the activity plan and its evaluations.

The law (§12-4) says what an aktivitetsplan must hold: the problem, the measures, when they are
carried out, who is responsible, and when they are evaluated. `parse_plan` refuses a plan that
misses any of the five and says which, in the words a school leader uses.

Each form's fields are declared once here (`INVESTIGATION_FORM`, `plan_form_for`,
`EVALUATION_FORM`, `OBSERVATION_FORM`); the cards ask with them and the parsers check with them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Final, TypedDict, Unpack

from bot.domain.forms import (
    FORM_ERROR,
    Checked,
    Dates,
    FormField,
    FormSpec,
    Kind,
    When,
    choices,
    flag,
)
from bot.domain.report import PUPIL_CLASS, PUPIL_NAME
from bot.domain.time import SchoolCalendar

MAX_NOTE = 1000
MAX_TEXT = 4000
MEASURE_ROWS = 5

# What the forms ask for. The parsers accept up to MAX_TEXT; the forms ask for less where a
# long text would not fit a Teams message once the form is refilled (28 KB for the whole card).
PROBLEM_MAX: Final = 1500
MEASURE_MAX: Final = 400
WHEN_MAX: Final = 100
VIEW_MAX: Final = 800
FINDINGS_MAX: Final = 3000
EVALUATION_NOTE_MAX: Final = 2000


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
    ends_on: date | None = None
    """Measures are time-limited: the day it ends (None only in plans saved before the rule)."""


class ViewMissing(StrEnum):
    """Why the pupil's own view is not in the plan: it must be there or its absence explained
    (opplæringslova § 12-4, barnekonvensjonen art. 12)."""

    DECLINED = "onsket_ikke"
    TOO_YOUNG = "for_ung"
    NOT_YET = "ikke_mulig_enna"


VIEW_MISSING: dict[ViewMissing, str] = {
    ViewMissing.DECLINED: "Eleven ønsket ikke å uttale seg",
    ViewMissing.TOO_YOUNG: "Eleven er for ung til å uttale seg",
    ViewMissing.NOT_YET: "Det har ikke vært mulig å snakke med eleven ennå",
}


def view_missing_label(code: str) -> str:
    """The reason as the school wrote it; a code this version does not know, as stored."""
    return next((label for value, label in VIEW_MISSING.items() if value.value == code), code)


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
    pupil_view_missing: str = ""
    """A `ViewMissing` value when `pupil_view` is empty."""

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
    override_reason: str = ""
    """Rektor's written reason for closing before the plan was evaluated on or after its
    evaluation date (audited)."""


@dataclass(frozen=True)
class Conclusion:
    """The investigation found that the pupil has a safe and good environment: no measures,
    but the conclusion and its reasons are documented (the pupil heard, barnets beste)."""

    text: str
    pupil_view: str
    pupil_view_missing: str
    at: datetime
    by: str


@dataclass(frozen=True)
class FormErrors:
    messages: dict[str, str] = field(default_factory=dict)


def _errors(checked: Checked) -> FormErrors | None:
    return FormErrors(dict(checked.errors)) if checked.errors else None


# --- evaluation dates (plan 8.7: normally after 3–4 weeks) ---------------------------------------


@dataclass(frozen=True)
class EvaluationBounds:
    """How far ahead an evaluation may be set (`[routines] evaluation_min_weeks`, `_max_weeks`):
    a plan evaluated the next day was never tried, one evaluated in a year was forgotten."""

    min_weeks: int = 1
    max_weeks: int = 8

    def earliest(self, today: date) -> date:
        return today + timedelta(weeks=self.min_weeks)

    def latest(self, today: date) -> date:
        return today + timedelta(weeks=self.max_weeks)


@dataclass(frozen=True)
class Proposal:
    """The evaluation date the bot proposes; `moved_from` is the date `weeks` ahead when it was
    no school day, so the card can say why the proposal is a later one."""

    day: date
    moved_from: date | None = None

    @property
    def note(self) -> str | None:
        if self.moved_from is None:
            return None
        return (
            f"Foreslått dato er flyttet til første skoledag, {self.day:%d.%m.%Y} "
            f"({self.moved_from:%d.%m.%Y} er ikke en skoledag)."
        )


def propose_evaluation(calendar: SchoolCalendar, today: date, weeks: int) -> Proposal:
    target = today + timedelta(weeks=weeks)
    day = calendar.school_day_on_or_after(target)
    return Proposal(day, target if day != target else None)


def evaluation_date_problem(
    day: date, *, today: date, calendar: SchoolCalendar | None, bounds: EvaluationBounds
) -> str | None:
    """Why `day` cannot be an evaluation date, in words a leader understands; None if it can.

    The reminder comes on the evaluation date's morning, so the date must be a school day: a
    date in a holiday would be a promise of a reminder that comes weeks later."""
    if day < bounds.earliest(today):
        return (
            f"Evalueringen må være minst {bounds.min_weeks} uke(r) fram i tid "
            f"(tidligst {bounds.earliest(today):%d.%m.%Y})."
        )
    if day > bounds.latest(today):
        return (
            f"Evalueringen kan være høyst {bounds.max_weeks} uker fram i tid "
            f"(senest {bounds.latest(today):%d.%m.%Y})."
        )
    if calendar is not None and not calendar.is_school_day(day):
        return (
            f"{day:%d.%m.%Y} er ikke en skoledag. Velg en skoledag, for eksempel "
            f"{calendar.school_day_on_or_after(day):%d.%m.%Y}."
        )
    return None


class _TextRules(TypedDict, total=False):
    required: bool | When
    missing: str
    noun: str
    placeholder: str


def _long_text(field_id: str, label: str, asked: int, **rules: Unpack[_TextRules]) -> FormField:
    """A free text the parser takes up to MAX_TEXT of, where the form asks for `asked` at the
    most (a refilled form must still fit a Teams message)."""
    return FormField(
        field_id, label, Kind.LONG_TEXT, max_length=MAX_TEXT, form_length=asked, **rules
    )


# --- investigation (plan 8.4) -----------------------------------------------------------------

METHODS_FIELD: Final = "methods"
"""The methods used, asked first; a date and a note are then asked for each of them."""

METHOD_NAMES: dict[Method, str] = {
    Method.PUPIL_TALK: "Samtale med eleven",
    Method.OTHER_PUPILS: "Samtale med andre elever",
    Method.PARENTS: "Samtale med foresatte",
    Method.SOCIOGRAM: "Sosiogram",
    Method.QUANTITATIVE: "Kvantitative undersøkelser",
    Method.LOGBOOK: "Loggbok",
    Method.OBSERVATION: "Observasjoner",
}
"""Short names, so that every label of the form is unique and still fits a phone."""


def date_id(method: Method) -> str:
    return f"{method.value}_date"


def note_id(method: Method) -> str:
    return f"{method.value}_note"


def _method_fields(method: Method) -> tuple[FormField, FormField]:
    name = METHOD_NAMES[method]
    return (
        FormField(
            date_id(method),
            f"{name} – dato",
            Kind.DATE,
            required=When(METHODS_FIELD, frozenset({method.value})),
            missing=f"Skriv når: {METHODS[method].lower()}.",
            dates=Dates.PAST,
        ),
        FormField(
            note_id(method),
            f"{name} – kort notat",
            Kind.LONG_TEXT,
            max_length=MAX_NOTE,
            noun=f"notatet om {name.lower()}",
        ),
    )


_BEFORE_COMPLETING = When(
    "completed", frozenset({"true"}), "må fylles ut når undersøkelsen er ferdig"
)

INVESTIGATION_FORM = FormSpec(
    (
        FormField(
            METHODS_FIELD,
            "Hvilke undersøkelser er gjort?",
            Kind.MULTI_CHOICE,
            invalid="Velg undersøkelsene fra listen.",
            choices=choices(METHODS),
        ),
        *(f for method in Method for f in _method_fields(method)),
        _long_text(
            "findings",
            "Oppsummering av funn",
            FINDINGS_MAX,
            noun="oppsummeringen",
            placeholder="Hva opprettholder elevens opplevelse av skolemiljøet?",
            required=_BEFORE_COMPLETING,
            missing="Oppsummer funnene før du avslutter undersøkelsen.",
        ),
        _long_text(
            "best_interest",
            "Barnets beste-vurdering",
            FINDINGS_MAX,
            noun="barnets beste-vurderingen",
            placeholder="Hva er til elevens beste ut fra det helhetlige bildet? (FNs "
            "barnekonvensjon art. 3)",
            required=_BEFORE_COMPLETING,
            missing="Skriv barnets beste-vurderingen før du avslutter.",
        ),
        FormField("completed", "Ferdig?", Kind.TOGGLE, title="Undersøkelsen er ferdig"),
    )
)


def investigation_answers(values: Mapping[str, object]) -> Mapping[str, object]:
    """Cards made before the methods were asked first send `<method>_done` per method: the
    methods then are those marked done or given a date, as they were then."""
    if METHODS_FIELD in values:
        return values
    used = [
        m.value
        for m in Method
        if flag(str(values.get(f"{m.value}_done") or "")) or values.get(date_id(m))
    ]
    return {**values, METHODS_FIELD: ",".join(used)}


def parse_investigation(
    values: Mapping[str, object], *, today: date, now: datetime, by: str
) -> Investigation | FormErrors:
    checked = INVESTIGATION_FORM.check(investigation_answers(values), today=today)
    used = set(checked.picked(METHODS_FIELD))
    steps = tuple(
        InvestigationStep(method, day, checked.text(note_id(method)))
        for method in Method
        if method.value in used and (day := checked.day(date_id(method))) is not None
    )
    completed = checked.flag("completed")
    if completed and not used:
        checked.errors.setdefault(
            METHODS_FIELD, "Velg minst én undersøkelse før du avslutter undersøkelsen."
        )
    return _errors(checked) or Investigation(
        steps, checked.text("findings"), checked.text("best_interest"), completed, now, by
    )


# --- activity plan (plan 8.5, § 12-4) ---------------------------------------------------------

RESPONSIBLE_RULE: Final = "Ansvarlig må være en ansatt – aldri en elev eller en forelder."


def measure_id(row: int, part: str) -> str:
    """`m<row>_<part>`, part one of description, level, when, ends_on, responsible."""
    return f"m{row}_{part}"


def _measure_fields(row: int, staff: Sequence[tuple[str, str]]) -> tuple[FormField, ...]:
    """The first measure must be filled in; another one only once it is described. Each field
    is numbered by its row, and only the first row shows examples (five rows of them would
    drown the form)."""
    described: bool | When = True
    if row > 1:
        described = When(measure_id(row, "description"), hint="må fylles ut hvis tiltaket brukes")
    fields = (
        FormField(
            "description",
            "hva skal gjøres?",
            Kind.LONG_TEXT,
            required=row == 1,
            missing="Beskriv minst ett tiltak.",
            max_length=MAX_NOTE,
            form_length=MEASURE_MAX,
            noun=f"tiltak {row}",
            placeholder="Konkret tiltak basert på funnene",
        ),
        FormField(
            "level",
            "nivå",
            Kind.CHOICE,
            invalid="Velg nivå fra listen.",
            choices=choices(LEVELS),
            compact=True,
        ),
        FormField(
            "when",
            "når gjennomføres det?",
            Kind.TEXT,
            required=described,
            missing=f"Skriv når tiltak {row} skal gjennomføres.",
            max_length=MAX_NOTE,
            form_length=WHEN_MAX,
            noun=f"når-feltet for tiltak {row}",
            placeholder="F.eks. fra 1.12, hvert friminutt",
        ),
        FormField(
            "ends_on",
            "varer til",
            Kind.DATE,
            required=described,
            missing=f"Velg når tiltak {row} slutter (tiltak er tidsavgrenset).",
            invalid=f"Sluttdatoen for tiltak {row} må være fram i tid.",
            dates=Dates.FUTURE,
        ),
        FormField(
            "responsible",
            "hvem er ansvarlig?",
            Kind.CHOICE,
            required=described,
            missing=f"Velg hvem som er ansvarlig for tiltak {row}.",
            invalid=RESPONSIBLE_RULE,
            choices=tuple(staff),
            placeholder="Velg en ansatt",
            compact=True,
        ),
    )
    return tuple(
        replace(
            f,
            id=measure_id(row, f.id),
            label=f"Tiltak {row}: {f.label}",
            placeholder=f.placeholder if row == 1 else None,
        )
        for f in fields
    )


def plan_form_for(staff: Sequence[tuple[str, str]]) -> FormSpec:
    """The aktivitetsplan's fields; `staff` are (staff id, name) of who can be responsible."""
    views = (
        ("parents_view", "Foresattes syn", "foresattes syn", "Hva foresatte mener om tiltakene"),
        (
            "not_followed",
            "Forslag som ikke er fulgt, og hvorfor",
            "forslag som ikke er fulgt",
            "Skolen må begrunne forslag den ikke følger",
        ),
    )
    return FormSpec(
        (
            _long_text(
                "problem",
                "1. Hvilket problem skal tiltakene løse?",
                PROBLEM_MAX,
                noun="problembeskrivelsen",
                placeholder="Vær konkret, ut fra funnene i undersøkelsen.",
                required=True,
                missing="Beskriv problemet tiltakene skal løse.",
            ),
            *(f for row in range(1, MEASURE_ROWS + 1) for f in _measure_fields(row, staff)),
            FormField(
                "evaluate_on",
                "5. Når skal tiltakene evalueres?",
                Kind.DATE,
                required=True,
                missing="Velg dato for evaluering.",
                invalid="Evalueringen må være fram i tid.",
                dates=Dates.FUTURE,
            ),
            *PUPIL_VIEW_FIELDS,
            *(
                _long_text(
                    key,
                    label,
                    VIEW_MAX,
                    noun=noun,
                    placeholder=placeholder,
                )
                for key, label, noun, placeholder in views
            ),
        )
    )


VIEW_OR_REASON: Final = "Skriv elevens syn, eller velg hvorfor det mangler."

PUPIL_VIEW_FIELDS: Final = (
    _long_text(
        "pupil_view",
        "Elevens syn (eller velg under hvorfor det mangler)",
        VIEW_MAX,
        noun="elevens syn",
        placeholder="Hva eleven selv mener hjelper",
    ),
    FormField(
        "pupil_view_missing",
        "Hvis elevens syn mangler: hvorfor?",
        Kind.CHOICE,
        invalid="Velg en grunn fra listen.",
        choices=choices(VIEW_MISSING),
        placeholder="Velg grunn",
        compact=True,
    ),
)
"""The pupil's view, or why it is missing: asked the same way on the plan and on a
conclusion without measures."""


def _pupil_heard(checked: Checked) -> None:
    if not checked.text("pupil_view") and not checked.text("pupil_view_missing"):
        checked.errors.setdefault("pupil_view", VIEW_OR_REASON)


def parse_plan(
    values: Mapping[str, object],
    *,
    staff_ids: Sequence[str],
    version: int,
    today: date,
    now: datetime,
    by: str,
    calendar: SchoolCalendar | None = None,
    bounds: EvaluationBounds = EvaluationBounds(),
) -> ActivityPlan | FormErrors:
    checked = plan_form_for([(s, s) for s in staff_ids]).check(values, today=today)
    errors = checked.errors
    _check_evaluation_date(checked, "evaluate_on", today, calendar, bounds)
    _pupil_heard(checked)
    measures = tuple(
        Measure(
            Level(checked.text(measure_id(row, "level")) or Level.INDIVIDUAL.value),
            checked.text(measure_id(row, "description")),
            checked.text(measure_id(row, "when")),
            checked.text(measure_id(row, "responsible")),
            checked.day(measure_id(row, "ends_on")),
        )
        for row in range(1, MEASURE_ROWS + 1)
        if checked.text(measure_id(row, "description"))
        and not any(measure_id(row, part) in errors for part in _PARTS)
    )
    missing = [
        element
        for element, gone in (
            ("hvilket problem tiltakene skal løse", not checked.text("problem")),
            ("hvilke tiltak skolen har planlagt", not _described(checked)),
            ("når tiltakene skal gjennomføres", _lacks(checked, "when")),
            ("hvem som er ansvarlig", _lacks(checked, "responsible")),
            ("når tiltakene skal evalueres", not checked.text("evaluate_on")),
        )
        if gone
    ]
    if missing:
        errors[FORM_ERROR] = (
            "Aktivitetsplanen mangler: " + ", ".join(missing) + " (opplæringslova § 12-4)."
        )
    evaluate_on = checked.day("evaluate_on")
    if errors or evaluate_on is None:
        return FormErrors(errors)
    return ActivityPlan(
        version,
        checked.text("problem"),
        measures,
        evaluate_on,
        checked.text("pupil_view"),
        checked.text("parents_view"),
        checked.text("not_followed"),
        now,
        by,
        "" if checked.text("pupil_view") else checked.text("pupil_view_missing"),
    )


_PARTS: Final = ("description", "level", "when", "ends_on", "responsible")


def _check_evaluation_date(
    checked: Checked,
    field_id: str,
    today: date,
    calendar: SchoolCalendar | None,
    bounds: EvaluationBounds,
) -> None:
    day = checked.day(field_id)
    if day is None:
        return
    problem = evaluation_date_problem(day, today=today, calendar=calendar, bounds=bounds)
    if problem is not None:
        checked.errors[field_id] = problem


def _described(checked: Checked) -> bool:
    return any(checked.text(measure_id(row, "description")) for row in range(1, MEASURE_ROWS + 1))


def _lacks(checked: Checked, part: str) -> bool:
    """A described measure without its `part` (when, or who is responsible)."""
    return any(
        checked.text(measure_id(row, "description")) and not checked.text(measure_id(row, part))
        for row in range(1, MEASURE_ROWS + 1)
    )


# --- evaluation (plan 8.7) --------------------------------------------------------------------

OVERRIDE_FIELD: Final = "override_reason"
"""Asked of rektor only: the evaluation form shows it to rektor."""

EVALUATION_FORM = FormSpec(
    (
        FormField.required_choice(
            "outcome",
            "Hva viser evalueringen?",
            choices(OUTCOMES),
            "Velg videreføre, justere eller avslutte.",
        ),
        _long_text(
            "note",
            "Hva viste evalueringen?",
            EVALUATION_NOTE_MAX,
            noun="notatet",
            placeholder="Ved avslutning f.eks. «eleven sier hen har det bra»",
            required=True,
            missing="Skriv kort hva evalueringen viste.",
        ),
        FormField(
            "next_evaluation_on",
            "Neste evaluering (hvis tiltakene videreføres)",
            Kind.DATE,
            invalid="Neste evaluering må være fram i tid.",
            dates=Dates.FUTURE,
        ),
        _long_text(
            OVERRIDE_FIELD,
            "Rektor: begrunnelse for å avslutte før planen er evaluert",
            EVALUATION_NOTE_MAX,
            noun="begrunnelsen",
            placeholder="Bare når saken avsluttes før evalueringsdatoen",
        ),
    )
)


def parse_evaluation(
    values: Mapping[str, object],
    *,
    plan_version: int,
    today: date,
    now: datetime,
    by: str,
    default_next: date,
    calendar: SchoolCalendar | None = None,
    bounds: EvaluationBounds = EvaluationBounds(),
) -> Evaluation | FormErrors:
    """The next evaluation date counts only when the measures go on (videreføre)."""
    checked = EVALUATION_FORM.check(values, today=today)
    errors = checked.errors
    _check_evaluation_date(checked, "next_evaluation_on", today, calendar, bounds)
    outcome = Outcome(checked.text("outcome")) if "outcome" not in errors else None
    if outcome is Outcome.CLOSE and not checked.text("note"):
        errors["note"] = "Skriv en avsluttende evaluering, f.eks. «eleven sier hen har det bra»."
    next_on: date | None = None
    if outcome is not Outcome.CONTINUE:
        errors.pop("next_evaluation_on", None)
    elif "next_evaluation_on" not in errors:
        next_on = checked.day("next_evaluation_on") or default_next
        if next_on <= today:
            errors["next_evaluation_on"] = EVALUATION_FORM["next_evaluation_on"].rejection
    if errors or outcome is None:
        return FormErrors(errors)
    override = checked.text(OVERRIDE_FIELD) if outcome is Outcome.CLOSE else ""
    return Evaluation(plan_version, outcome, checked.text("note"), now, by, next_on, override)


# --- closing after an investigation without measures ------------------------------------------

CONCLUSION_FORM = FormSpec(
    (
        _long_text(
            "conclusion",
            "Konklusjon: hvorfor trengs ingen tiltak?",
            EVALUATION_NOTE_MAX,
            noun="konklusjonen",
            placeholder="Hva undersøkelsen viste, og hvorfor det ikke trengs tiltak",
            required=True,
            missing="Skriv konklusjonen: hvorfor eleven har et trygt og godt skolemiljø.",
        ),
        *PUPIL_VIEW_FIELDS,
    )
)


def parse_conclusion(
    values: Mapping[str, object], *, today: date, now: datetime, by: str
) -> Conclusion | FormErrors:
    checked = CONCLUSION_FORM.check(values, today=today)
    _pupil_heard(checked)
    view = checked.text("pupil_view")
    missing = "" if view else checked.text("pupil_view_missing")
    return _errors(checked) or Conclusion(checked.text("conclusion"), view, missing, now, by)


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


OBSERVATION_FORM = FormSpec(
    (
        PUPIL_NAME,
        PUPIL_CLASS,
        FormField("observed_on", "Dato", Kind.DATE, dates=Dates.PAST),
        FormField(
            "note",
            "Hva så eller hørte du?",
            Kind.LONG_TEXT,
            required=True,
            missing="Skriv kort hva du observerte.",
            max_length=MAX_NOTE,
            noun="observasjonen",
            placeholder="F.eks. satt alene i storefri for tredje dag",
        ),
    )
)


def parse_observation(
    values: Mapping[str, object], *, today: date, now: datetime, by: str, new_id: str
) -> Observation | FormErrors:
    checked = OBSERVATION_FORM.check(values, today=today)
    problems = _errors(checked)
    if problems is not None:
        return problems
    name, pupil_class = checked.text(PUPIL_NAME.id), checked.text(PUPIL_CLASS.id)
    day = checked.day("observed_on") or today
    return Observation(
        new_id, pupil_key(name, pupil_class), name, pupil_class, day, checked.text("note"), by, now
    )


OBSERVATION_WINDOW_DAYS = 30
OBSERVATIONS_BEFORE_SUGGESTING = 3


def should_suggest_report(observations: Sequence[Observation], today: date) -> bool:
    """Three observations about one pupil within 30 days: the leader is asked to consider a
    report (the plan's low threshold: mistanke is enough)."""
    recent = [o for o in observations if (today - o.observed_on).days < OBSERVATION_WINDOW_DAYS]
    return len(recent) >= OBSERVATIONS_BEFORE_SUGGESTING
