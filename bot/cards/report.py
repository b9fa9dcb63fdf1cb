"""The cards a staff member meets when melding fra (plan 8.3): form, review, receipt.

The form is drawn from `REPORT_FORM`, the fields the parser checks, so a card and the parser can
never disagree about a name, a limit or what must be filled in. The receipt is built without
the report on purpose: it lingers in a chat on a phone, so it carries neither the pupil's name
nor what was written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from bot.cards.actions import DRAFT, FIX, Verb
from bot.cards.common import (
    adaptive_card,
    bullets,
    detail,
    fit_card,
    format_date,
    heading,
    long_detail,
    notice,
    run,
    submit,
    text,
    to_my_cases,
    yes_no,
)
from bot.cards.inputs import error_summary, errors_card, form_inputs
from bot.domain.report import (
    PUPIL_INFORMED,
    REPORT_FORM,
    SIGNS,
    SOURCES,
    Field,
    PupilInformed,
    Report,
    suspected_field_for,
)
from bot.domain.school import SchoolOwner

PRIVACY_REMINDER = (
    "Ikke skriv navn på andre elever, ikke fødselsnummer, og ikke flere helseopplysninger "
    "enn det som trengs."
)
PUPIL_INFORMED_NOTE = (
    "Eleven skal få vite at du melder fra til rektor. Tilpass det til elevens alder og "
    "modenhet – du trenger ikke bruke ordet «varsel»."
)


# --- the form -------------------------------------------------------------------------------


def report_form_card(
    draft_id: str,
    *,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    today: date,
    staff_choices: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    """The form, empty, or refilled for an edit or to correct what was refused.

    Errors are shown twice: gathered at the top, where a phone user lands, and under their
    field, where they are fixed. `staff_choices` (id, name) make the § 12-5 staff picker; it is
    left out when there are none, or when the list would make the card too big for Teams.
    """
    if staff_choices:
        return fit_card(
            lambda staff: _report_form(draft_id, values, errors, today, staff),
            (tuple(staff_choices), ()),
        )
    return _report_form(draft_id, values, errors, today, ())


def _report_form(
    draft_id: str,
    values: Mapping[str, str] | None,
    errors: Mapping[str, str] | None,
    today: date,
    staff_choices: Sequence[tuple[str, str]],
) -> dict[str, Any]:
    values = values or {}
    errors = errors or {}
    body: list[dict[str, Any]] = [heading("Meld fra om en bekymring")]
    if errors:
        body.append(error_summary(errors, lead="Noe må rettes før du kan gå videre:"))
    body.append(notice([text(PRIVACY_REMINDER, small=True)], style="emphasis", spacing="small"))
    body += form_inputs(
        REPORT_FORM.span(Field.PUPIL_NAME, Field.PUPIL_INFORMED), values, errors, today=today
    )
    body.append(text(PUPIL_INFORMED_NOTE, subtle=True, small=True, spacing="small"))
    body.append(text("Kryss av hvis det passer:", bold=True, spacing="large"))
    flags = [
        suspected_field_for(staff_choices) if field.id == Field.SUSPECTED_ID else field
        for field in REPORT_FORM.span(Field.STAFF_SUSPECTED, Field.SERIOUS)
        if field.id != Field.SUSPECTED_ID or staff_choices
    ]
    body += form_inputs(flags, values, errors, today=today)
    actions = [
        submit(
            "Se over",
            Verb.REPORT_SUBMIT,
            {DRAFT: draft_id},
            style="positive",
            associated_inputs="auto",
        ),
        submit("Avbryt", Verb.REPORT_CANCEL, {DRAFT: draft_id}, associated_inputs="none"),
    ]
    return adaptive_card(
        body,
        actions,
        fallback_text="Skjema for å melde fra om en bekymring for en elev.",
        full_width=True,
    )


def report_errors_card(draft_id: str, errors: Mapping[str, str]) -> dict[str, Any]:
    """A refused «Se over»: what to correct; the answers wait in the draft for «Rett opp»."""
    return errors_card(
        REPORT_FORM,
        errors,
        unsaved="Meldingen er ikke sendt ennå.",
        fix=submit("Rett opp", Verb.REPORT_EDIT, {DRAFT: draft_id, FIX: "1"}, style="positive"),
    )


# --- review before sending ------------------------------------------------------------------


def report_summary_card(draft_id: str, report: Report) -> dict[str, Any]:
    """Every answer once more, because a report to rektor cannot be taken back once sent."""
    signs = [SIGNS.get(sign, sign) for sign in report.signs]
    body: list[dict[str, Any]] = [
        heading("Se over før du sender"),
        detail("Elev", report.pupil_name),
        detail("Klasse", report.pupil_class),
        detail("Gjelder", report.category_label),
    ]
    if signs:
        body.append(text("Kjennetegn", bold=True, spacing="medium"))
        body += [
            {"type": "RichTextBlock", "inlines": [run(f"• {sign}")], "spacing": "none"}
            for sign in signs
        ]
    else:
        body.append(detail("Kjennetegn", "Ingen valgt"))
    body += long_detail("Hva du har sett eller hørt", report.description)
    body += [
        detail("Hvor og når", report.place or "Ikke oppgitt"),
        detail("Dato", format_date(report.occurred_on) if report.occurred_on else "Ikke oppgitt"),
        detail("Hvordan du fikk vite det", SOURCES.get(report.source, report.source)),
        detail("Grep du inn", yes_no(report.intervened)),
    ]
    if report.intervened and report.intervention:
        body += long_detail("Hvordan du grep inn", report.intervention)
    body += [
        detail(
            "Vet eleven at rektor får beskjed",
            PUPIL_INFORMED.get(report.pupil_informed, report.pupil_informed),
        ),
        detail("Mistanke mot en ansatt (§ 12-5)", yes_no(report.staff_suspected)),
        detail("Gjelder skolens ledelse", yes_no(report.leadership_suspected)),
        detail("Spesielt alvorlig", yes_no(report.serious)),
    ]

    if report.leadership_suspected:
        confirm_title = "Registrer for skoleeier"
        body.append(
            notice(
                [
                    text("Saken gjelder skolens ledelse", bold=True, color="attention"),
                    text(
                        "Ingen i skolens ledelse får beskjed. Saken blir registrert som sendt "
                        "til skoleeier, og du må selv kontakte skoleeier. Du får kontaktinfo "
                        "når du har registrert saken."
                    ),
                ],
                style="attention",
            )
        )
    else:
        confirm_title = "Send til rektor"
        if report.staff_suspected:
            body.append(
                notice(
                    [
                        text("Skjerpet aktivitetsplikt (§ 12-5)", bold=True, color="attention"),
                        text("Rektor får beskjed straks og varsler skoleeier."),
                    ],
                    style="attention",
                )
            )
        body.append(
            text(
                "Når du sender, får rektor og nærmeste leder beskjed.",
                subtle=True,
                small=True,
                spacing="medium",
            )
        )

    actions = [
        submit(confirm_title, Verb.REPORT_CONFIRM, {DRAFT: draft_id}, style="positive"),
        submit("Endre", Verb.REPORT_EDIT, {DRAFT: draft_id}),
        submit("Avbryt", Verb.REPORT_CANCEL, {DRAFT: draft_id}),
    ]
    return adaptive_card(
        body,
        actions,
        fallback_text="Se over bekymringsmeldingen før du sender den.",
        full_width=True,
    )


# --- after sending --------------------------------------------------------------------------


def _pupil_reminder(pupil_informed: PupilInformed) -> list[dict[str, Any]]:
    if pupil_informed is PupilInformed.NOT_YET:
        return [
            notice(
                [
                    text("Husk å si det til eleven", bold=True),
                    text(
                        "Fortell eleven at rektor har fått beskjed, tilpasset elevens alder og "
                        "modenhet."
                    ),
                ],
                style="warning",
            )
        ]
    if pupil_informed is PupilInformed.NO:
        return [
            text(
                "Eleven har rett til å bli hørt. Snakk med nærmeste leder om når og hvordan "
                "eleven kan få vite det.",
                subtle=True,
                spacing="medium",
            )
        ]
    return []


def receipt_card(
    *,
    reference: str,
    recipient_names: Sequence[str],
    reporter_is_rektor: bool,
    urgent: bool,
    pupil_informed: PupilInformed,
) -> dict[str, Any]:
    """Proof that the duty to melde fra is done, and what the reporter should expect next."""
    told = bool(recipient_names) and not reporter_is_rektor
    body: list[dict[str, Any]] = [
        heading("Takk! Rektor har fått beskjed" if told else "Takk! Saken er registrert"),
        detail("Saksnummer", reference),
    ]
    if recipient_names:
        body.append(detail("Sendt til", ", ".join(recipient_names)))
    else:
        body.append(
            notice(
                [
                    text(
                        "Ingen mottaker er registrert. Gi beskjed til rektor direkte og oppgi "
                        "saksnummeret.",
                        color="attention",
                    )
                ],
                style="attention",
            )
        )

    if urgent:
        owner_step = (
            "Du er rektor: varsle skoleeier straks."
            if reporter_is_rektor
            else "Rektor har fått beskjed med en gang og varsler skoleeier."
        )
        body.append(
            notice(
                [
                    text("Skjerpet aktivitetsplikt (§ 12-5)", bold=True, color="attention"),
                    text(owner_step),
                ],
                style="attention",
            )
        )

    body.append(text("Hva skjer nå?", bold=True, spacing="medium"))
    if reporter_is_rektor:
        body += bullets(
            [
                "Du er rektor, så saken er din. Du finner den under «Mine saker».",
                "Koble på nærmeste leder og miljøteamet.",
                "Sett i gang undersøkelsen snarest.",
            ]
        )
    else:
        body += bullets(
            [
                "Nærmeste leder kobler på miljøteamet.",
                "Du blir snarest kalt inn til en samtale der du utdyper bekymringen.",
                "Der legger dere en plan for å undersøke saken.",
            ]
        )
    body += _pupil_reminder(pupil_informed)
    body.append(
        text(
            "Fortsett å følge med på eleven, og grip inn hvis noe skjer.",
            subtle=True,
            small=True,
            spacing="medium",
        )
    )
    return to_my_cases(body, f"Bekymringsmeldingen er registrert med saksnummer {reference}.")


def forwarded_to_owner_card(*, reference: str, owner: SchoolOwner, sent: bool) -> dict[str, Any]:
    """§ 12-5: a case about the leadership bypasses the school and goes to the owner.

    `sent`: the owner's people got it in Teams. The phone number is there either way: without
    people in Teams the reporter must call, and with them a call may still be faster.
    """
    contact: list[dict[str, Any]] = [
        text(
            "Du kan også ringe skoleeier" if sent else "Du må selv kontakte skoleeier direkte",
            bold=True,
        ),
        detail("Skoleeier", owner.name),
        detail("Telefon", owner.phone),
    ]
    if owner.contact_name:
        contact.append(detail("Kontaktperson", owner.contact_name))
    if owner.contact_phone:
        contact.append(detail("Telefon til kontaktperson", owner.contact_phone))
    contact.append(text("Oppgi saksnummeret når du tar kontakt.", small=True))

    body: list[dict[str, Any]] = [
        heading("Saken gjelder skolens ledelse"),
        detail("Saksnummer", reference),
        text(
            "Saken er sendt til skoleeier i Teams."
            if sent
            else "Saken er registrert. Boten når ikke skoleeier: du må ta kontakt selv."
        ),
        notice(contact, style="attention"),
        text(
            "Ingen i skolens ledelse har fått beskjed om saken.",
            bold=True,
            spacing="medium",
        ),
    ]
    return adaptive_card(
        body,
        fallback_text=(
            f"Saken ({reference}) gjelder skolens ledelse og er sendt til skoleeier "
            f"({owner.name}, tlf. {owner.phone})."
            if sent
            else f"Saken ({reference}) gjelder skolens ledelse. Kontakt skoleeier direkte: "
            f"{owner.name}, tlf. {owner.phone}."
        ),
    )
