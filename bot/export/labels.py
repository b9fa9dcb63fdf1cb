"""The audit trail's codes in the words a school leader and an inspector read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from bot.domain.case import STATE_LABELS, CaseEvent, CaseState, EventKind
from bot.domain.followup import METHODS, OUTCOMES, Method, Outcome
from bot.domain.report import CATEGORIES, SOURCES

EVENT_LABELS: dict[EventKind, str] = {
    EventKind.REPORTED: "Melding sendt",
    EventKind.ROUTED: "Melding fordelt",
    EventKind.FORWARDED_TO_OWNER: "Sendt til skoleeier (gjelder ledelsen)",
    EventKind.ALERT_QUEUED: "Varsel lagt i kø",
    EventKind.ALERT_SENT: "Varsel levert",
    EventKind.ALERT_FAILED: "Varsel kunne ikke leveres",
    EventKind.ACKNOWLEDGED: "Bekreftet mottatt",
    EventKind.TAKEN: "Tok saken",
    EventKind.OWNER_NOTIFIED: "Skoleeier varslet",
    EventKind.ESCALATED: "Ikke bekreftet i tide – sendt videre",
    EventKind.INVESTIGATION_STARTED: "Undersøkelse startet",
    EventKind.INVESTIGATION_UPDATED: "Undersøkelse dokumentert",
    EventKind.PLAN_SAVED: "Aktivitetsplan lagret",
    EventKind.EVALUATED: "Tiltak evaluert",
    EventKind.CLOSED: "Saken avsluttet",
    EventKind.MEMBER_ADDED: "Person lagt til i saken",
    EventKind.REMINDER_SENT: "Påminnelse sendt",
    EventKind.VIEWED: "Saken åpnet",
    EventKind.EXPORTED: "Saken eksportert som PDF",
    EventKind.STATE_CHANGED: "Status endret",
}

_REMINDER_LABELS = {
    "investigation_leader": "undersøkelsen er ikke startet",
    "investigation_rektor": "undersøkelsen er ikke startet (til rektor)",
    "evaluation_due": "evaluering nærmer seg",
    "evaluation_overdue": "evalueringen er forsinket",
    "evaluation_rektor": "evalueringen er forsinket (til rektor)",
}

_WARNING_LABELS = {
    "no_nearest_leader": "fant ingen nærmeste leder",
    "no_rektor": "fant ingen rektor",
}

Names = Callable[[str | None], str]


def event_label(event: CaseEvent) -> str:
    return EVENT_LABELS.get(event.kind, str(event.kind))


def event_details(event: CaseEvent, name: Names) -> str:
    """The event's codes in words. Details never hold free text, only ids and codes."""
    detail = event.detail
    if event.kind is EventKind.STATE_CHANGED and {"from", "to"} <= detail.keys():
        return f"Fra «{state_label(detail['from'])}» til «{state_label(detail['to'])}»"
    parts = [_detail(name, key, value) for key, value in detail.items() if value]
    return "; ".join(p for p in parts if p)


def state_label(code: str) -> str:
    try:
        return STATE_LABELS[CaseState(code)]
    except ValueError:
        return code


def _names(name: Names, ids: str) -> str:
    return ", ".join(name(i) for i in ids.split(",") if i)


def _detail(name: Names, key: str, value: str) -> str:
    match key:
        case "category":
            return f"kategori: {CATEGORIES.get(value, value)}"
        case "source":
            return f"kilde: {SOURCES.get(value, value)}"
        case "urgent":
            return "hastesak (§ 12-5)" if value == "true" else ""
        case "serious":
            return "alvorlig tilfelle" if value == "true" else ""
        case "recipients" | "recipient":
            return f"til: {_names(name, value)}"
        case "member":
            return f"person: {_names(name, value)}"
        case "warnings":
            return ", ".join(_WARNING_LABELS.get(w, w) for w in value.split(",") if w)
        case "methods":
            return "metoder: " + ", ".join(method_label(m) for m in value.split(",") if m)
        case "completed":
            return "undersøkelsen avsluttet" if value == "true" else "undersøkelsen pågår"
        case "version":
            return f"versjon {value}"
        case "evaluate_on":
            return f"evalueres {_iso_day(value)}"
        case "outcome":
            return outcome_label(value).lower()
        case "redacted":
            return "sladdet utgave" if value == "true" else "full utgave"
        case "kind":
            return _REMINDER_LABELS.get(value, value)
        case "status":
            return f"feilkode {value}"
        case "key":
            return ""  # an internal delivery key
        case _:
            return f"{key}: {value}"


def method_label(code: str) -> str:
    """A method's short name: «samtale med eleven»."""
    try:
        return METHODS[Method(code)].split(" (")[0].lower()
    except ValueError:
        return code


def outcome_label(code: str) -> str:
    try:
        return OUTCOMES[Outcome(code)]
    except ValueError:
        return code


def _iso_day(value: str) -> str:
    try:
        return date.fromisoformat(value).strftime("%d.%m.%Y")
    except ValueError:
        return value
