"""Sample data and every card variant, shared by the card tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from bot.cards.alert import AlertView, RecipientStatus, alert_card
from bot.cards.help import help_card
from bot.cards.report import (
    forwarded_to_owner_card,
    receipt_card,
    report_form_card,
    report_summary_card,
)
from bot.domain.report import (
    MAX_CLASS,
    MAX_NAME,
    MAX_SHORT,
    MAX_TEXT,
    SIGNS,
    PupilInformed,
    Report,
    Source,
)
from bot.domain.school import SchoolOwner

TODAY = date(2026, 11, 26)
DRAFT_ID = "draft-7f3a"
CASE_ID = "case-42"
REFERENCE = "2026-0042"
REKTOR_ID = "aad-rektor"
LEADER_ID = "aad-leder"

PUPIL_NAME = "Ola Nordmann"
DESCRIPTION = "Ola satt alene hele storefri og ble kalt stygge ting ved sykkelstativet."
INTERVENTION = "Jeg gikk bort og snakket med elevene som var der."

OWNER = SchoolOwner(
    name="Utdanningsetaten (UDA)",
    phone="23 05 10 09",
    contact_name="Grunnskoledirektør Morten Relbo",
    contact_phone="958 28 860",
)
OWNER_WITHOUT_CONTACT = SchoolOwner(name="Utdanningsetaten (UDA)", phone="23 05 10 09")

REPORTED_AT = datetime(2026, 11, 26, 8, 15, tzinfo=UTC)  # 09:15 in Oslo (winter time)
ACKED_AT = datetime(2026, 11, 26, 8, 20, tzinfo=UTC)  # 09:20 in Oslo


def report(**changes: Any) -> Report:
    base = Report(
        pupil_name=PUPIL_NAME,
        pupil_class="9B",
        category="krenkelser",
        signs=("kvier_seg", "relasjoner"),
        description=DESCRIPTION,
        place="Sykkelstativet, storefri",
        occurred_on=date(2026, 11, 25),
        source=Source.OWN,
        intervened=True,
        intervention=INTERVENTION,
        pupil_informed=PupilInformed.NOT_YET,
        staff_suspected=False,
        leadership_suspected=False,
        serious=False,
    )
    return replace(base, **changes)


def longest_report() -> Report:
    """Every text at its limit, with Norwegian letters (escaped to six bytes each in JSON)."""

    def filled(limit: int) -> str:
        sentence = "På skolegården så jeg at elevene ærtet og dyttet. "
        return (sentence * (limit // len(sentence) + 1))[:limit]

    return report(
        pupil_name=filled(MAX_NAME),
        pupil_class=filled(MAX_CLASS),
        description=filled(MAX_TEXT),
        place=filled(MAX_SHORT),
        intervention=filled(MAX_TEXT),
        signs=tuple(SIGNS),
        staff_suspected=True,
        serious=True,
    )


def recipients(
    *, rektor_acked: bool = False, leader_acked: bool = False
) -> tuple[RecipientStatus, ...]:
    return (
        RecipientStatus("Rita Rektor", "Rektor", ACKED_AT if rektor_acked else None),
        RecipientStatus("Lars Leder", "Nærmeste leder", ACKED_AT if leader_acked else None),
    )


RECIPIENT_IDS = (REKTOR_ID, LEADER_ID)


def view(**changes: Any) -> AlertView:
    base = AlertView(
        case_id=CASE_ID,
        reference=REFERENCE,
        pupil_name=PUPIL_NAME,
        pupil_class="9B",
        category_label="Krenkelser eller mobbing",
        reported_at=REPORTED_AT,
        reporter_name="Kari Lærer",
        urgent=False,
        serious=False,
        owner_must_be_notified=False,
        owner_name=OWNER.name,
        owner_phone=OWNER.phone,
        owner_notified_at=None,
        owner_notified_by=None,
        assignee_name=None,
        state_label="Meldt fra",
        recipients=recipients(),
    )
    return replace(base, **changes)


def alert(alert_view: AlertView | None = None, *, viewer_id: str = REKTOR_ID) -> dict[str, Any]:
    return alert_card(
        alert_view or view(),
        viewer_is_rektor=viewer_id == REKTOR_ID,
        viewer_id=viewer_id,
        recipient_ids=RECIPIENT_IDS,
    )


def all_cards() -> dict[str, dict[str, Any]]:
    """Every variant of every card this package builds."""
    values = report().to_values()
    errors = {"pupil_name": "Fyll inn elevens navn.", "form": "Skjemaet er ufullstendig."}
    urgent = {"urgent": True, "serious": True, "owner_must_be_notified": True}
    return {
        "help": help_card("Tøyen skole"),
        "help-welcome": help_card("Tøyen skole", welcome=True),
        "form-empty": report_form_card(DRAFT_ID, today=TODAY),
        "form-values": report_form_card(DRAFT_ID, values=values, today=TODAY),
        "form-errors": report_form_card(DRAFT_ID, values=values, errors=errors, today=TODAY),
        "form-longest": report_form_card(
            DRAFT_ID, values=longest_report().to_values(), errors=errors, today=TODAY
        ),
        "summary": report_summary_card(DRAFT_ID, report()),
        "summary-minimal": report_summary_card(
            DRAFT_ID,
            report(signs=(), place="", occurred_on=None, intervened=False, intervention=""),
        ),
        "summary-staff": report_summary_card(DRAFT_ID, report(staff_suspected=True)),
        "summary-leadership": report_summary_card(
            DRAFT_ID, report(staff_suspected=True, leadership_suspected=True)
        ),
        "summary-longest": report_summary_card(DRAFT_ID, longest_report()),
        "receipt": receipt_card(
            reference=REFERENCE,
            recipient_names=("Rita Rektor", "Lars Leder"),
            reporter_is_rektor=False,
            urgent=False,
            pupil_informed=PupilInformed.NOT_YET,
        ),
        "receipt-urgent": receipt_card(
            reference=REFERENCE,
            recipient_names=("Rita Rektor", "Lars Leder"),
            reporter_is_rektor=False,
            urgent=True,
            pupil_informed=PupilInformed.YES,
        ),
        "receipt-rektor": receipt_card(
            reference=REFERENCE,
            recipient_names=("Rita Rektor",),
            reporter_is_rektor=True,
            urgent=True,
            pupil_informed=PupilInformed.NO,
        ),
        "receipt-nobody": receipt_card(
            reference=REFERENCE,
            recipient_names=(),
            reporter_is_rektor=False,
            urgent=False,
            pupil_informed=PupilInformed.YES,
        ),
        "owner": forwarded_to_owner_card(reference=REFERENCE, owner=OWNER),
        "owner-no-contact": forwarded_to_owner_card(
            reference=REFERENCE, owner=OWNER_WITHOUT_CONTACT
        ),
        "alert-rektor": alert(),
        "alert-leader": alert(viewer_id=LEADER_ID),
        "alert-urgent-rektor": alert(view(**urgent)),
        "alert-urgent-leader": alert(view(**urgent), viewer_id=LEADER_ID),
        "alert-owner-notified": alert(
            view(
                **urgent,
                owner_notified_at=ACKED_AT,
                owner_notified_by="Rita Rektor",
                recipients=recipients(rektor_acked=True),
            )
        ),
        "alert-serious": alert(view(serious=True, owner_must_be_notified=True)),
        "alert-taken": alert(
            view(assignee_name="Lars Leder", recipients=recipients(leader_acked=True)),
            viewer_id=LEADER_ID,
        ),
        "alert-investigating": alert(
            view(
                assignee_name="Lars Leder",
                state_label="Undersøkes",
                recipients=recipients(rektor_acked=True, leader_acked=True),
            )
        ),
        "alert-escalated": alert(view(escalated=True)),
    }
