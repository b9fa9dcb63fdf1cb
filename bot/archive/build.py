"""A case made into what the archive and Statsforvalteren receive.

`archive_messages` gives the messages for the documents the archive has not received, in the
order they must be sent; `documentation_pack` gives one ZIP with every document and an
overview of the sub-duties, for rektor to download or hand to Statsforvalteren (§ 12-6).
Both draw the same PDFs under the same file names, so a document in the pack is the document
in the archive. The same case, context and `already_sent` give the same bytes.

Loads fpdf and xmlschema (about half a second): import this module where a package is made.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.archive.arkivmelding import Folder, Record, arkivmelding
from bot.archive.documents import CaseDocument, Kind, case_documents, unsent
from bot.archive.message import ArchiveMessage, sha256_hex
from bot.archive.settings import PUBLIC_TITLE, ArchiveSettings
from bot.domain.case import Case, CaseEvent
from bot.domain.people import SYSTEM_NAME
from bot.export import documents as pdfs
from bot.export.documents import Letterhead

_IDS = uuid.UUID("6f1d2c1e-6b5e-4c1f-9f6e-2a7d3c4b5a69")
"""Namespace of our message ids (uuid5 of fagsystem, case number and document key)."""

OVERVIEW_FILE = "00-oversikt.pdf"
OVERVIEW_TITLE = "Dokumentasjon av aktivitetsplikten"


@dataclass(frozen=True)
class ArchiveContext:
    head: Letterhead
    """The school, whose names, and when (the documents' date of making and the ZIP's)."""
    settings: ArchiveSettings = field(default_factory=ArchiveSettings)


@dataclass(frozen=True)
class DocumentationPack:
    filename: str
    zip: bytes


def _name(context: ArchiveContext, person_id: str | None) -> str:
    return context.head.name_of(person_id) if person_id else SYSTEM_NAME


def _pupil(case: Case) -> str:
    return f"{case.report.pupil_name}, {case.report.pupil_class}"


def _rows(case: Case, context: ArchiveContext) -> list[tuple[str, str, str]]:
    return [
        (
            d.title,
            d.at.astimezone(context.head.zone).strftime("%d.%m.%Y"),
            _name(context, d.author_id),
        )
        for d in case_documents(case, context.head.zone)
    ]


def _pdf(
    case: Case, events: Sequence[CaseEvent], document: CaseDocument, context: ArchiveContext
) -> bytes:
    head = context.head
    match document.kind:
        case Kind.MELDING:
            return pdfs.report_pdf(case, head, title=document.title)
        case Kind.UNDERSOKELSE:
            return pdfs.investigation_pdf(case, head, title=document.title)
        case Kind.PLAN:
            return pdfs.plan_pdf(case, document.number, head, title=document.title)
        case Kind.EVALUERING:
            return pdfs.evaluation_pdf(case, document.number, head, title=document.title)
        case Kind.AVSLUTNING:
            return pdfs.overview_pdf(
                case,
                events,
                head,
                title=document.title,
                at=document.at,
                author_id=document.author_id,
                documents=_rows(case, context),
            )


def _zip(files: Sequence[tuple[str, bytes]], moment: datetime, zone: ZoneInfo) -> bytes:
    """Entries stamped with `moment`, so the same files give the same archive bytes."""
    local = moment.astimezone(zone)
    stamp = (local.year, local.month, local.day, local.hour, local.minute, local.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def _folder(case: Case, context: ArchiveContext) -> Folder:
    settings = context.settings
    responsible = settings.saksansvarlig or (
        context.head.name_of(case.assignee_id) if case.assignee_id else "Rektor"
    )
    return Folder(
        case_reference=case.reference,
        title=f"{PUBLIC_TITLE} – {_pupil(case)}",
        pupil_name=case.report.pupil_name,
        created_at=case.created_at,
        administrativ_enhet=settings.administrativ_enhet or context.head.school_name,
        saksansvarlig=responsible,
    )


def filename(case: Case, document: CaseDocument, zone: ZoneInfo) -> str:
    """`2026-0001-20261202-100000-plan-1.zip`: a case's files sort in the order they must be
    imported, the one that makes the folder first."""
    return f"{case.reference}-{document.at.astimezone(zone):%Y%m%d-%H%M%S}-{document.key}.zip"


def message_id(case: Case, key: str, settings: ArchiveSettings) -> str:
    return str(uuid.uuid5(_IDS, f"{settings.fagsystem}/{case.reference}/{key}"))


def archive_messages(
    case: Case,
    events: Sequence[CaseEvent],
    context: ArchiveContext,
    *,
    already_sent: Collection[str] = (),
) -> tuple[ArchiveMessage, ...]:
    """The messages for what the archive has not received, to be sent one after the other.

    `already_sent` holds the keys of messages the archive answered 201 to (or rektor confirmed
    as imported). While it is empty the first message also creates the case folder; send the
    next only when the one before was received, since the archive files each journalpost in
    the folder the first one made. Empty when everything was sent.
    """
    messages: list[ArchiveMessage] = []
    folder_needed = not already_sent
    for document in unsent(case, context.head.zone, already_sent):
        pdf = _pdf(case, events, document, context)
        record = Record(
            key=document.key,
            title=f"{document.title} – {_pupil(case)}",
            public_title=f"{PUBLIC_TITLE} – {document.title[:1].lower()}{document.title[1:]}",
            author=_name(context, document.author_id),
            at=document.at,
            document_title=document.title,
            file=document.file,
            display_name=f"{document.title} - sak {case.reference}.pdf",
            sha256=sha256_hex(pdf).lower(),
            size=len(pdf),
        )
        xml = arkivmelding(
            case_reference=case.reference,
            record=record,
            folder=_folder(case, context) if folder_needed else None,
            settings=context.settings,
            zone=context.head.zone,
        )
        messages.append(
            ArchiveMessage(
                case_reference=case.reference,
                key=document.key,
                message_id=message_id(case, document.key, context.settings),
                filename=filename(case, document, context.head.zone),
                zip=_zip(
                    [("arkivmelding.xml", xml), (document.file, pdf)],
                    context.head.generated_at,
                    context.head.zone,
                ),
                creates_folder=folder_needed,
            )
        )
        folder_needed = False
    return tuple(messages)


def documentation_pack(
    case: Case, events: Sequence[CaseEvent], context: ArchiveContext
) -> DocumentationPack:
    """Every document of the case and an overview first: each sub-duty with dates and who did
    it, every plan version, every evaluation, the pupil's voice and the audit trail."""
    documents = case_documents(case, context.head.zone)
    overview = pdfs.overview_pdf(
        case,
        events,
        context.head,
        title=OVERVIEW_TITLE,
        at=context.head.generated_at,
        author_id=None,
        documents=_rows(case, context),
    )
    files = [(OVERVIEW_FILE, overview)]
    files += [(d.file, _pdf(case, events, d, context)) for d in documents]
    return DocumentationPack(
        f"sak-{case.reference}-dokumentasjon.zip",
        _zip(files, context.head.generated_at, context.head.zone),
    )
