"""Rektor's side of the archive: send now, confirm an import, send again, the pack to download."""

from __future__ import annotations

from bot.cards.actions import CASE
from bot.dialogs.case import send_export_link
from bot.dialogs.context import Ctx
from bot.services import archiving


class ArchiveFlow:
    def __init__(self, public_url: str) -> None:
        self._public_url = public_url.rstrip("/")

    async def now(self, ctx: Ctx) -> None:
        queued = await archiving.archive_now(ctx.svc, str(ctx.data[CASE]), ctx.person)
        ctx.svc.outbox_ready.set()  # wakes the sender, which also serves the archive
        if queued:
            documents = "ett dokument" if queued == 1 else f"{queued} dokumenter"
            ctx.out.text(
                f"Saken sendes til arkivet ({documents}). Saken viser kvitteringen når Websak "
                "har tatt imot. Blir saken avsluttet senere, sendes det nye da."
            )
        else:
            ctx.out.text("Arkivet har allerede fått alt som finnes i saken.")

    async def imported(self, ctx: Ctx) -> None:
        confirmed = await archiving.confirm_imported(ctx.svc, str(ctx.data[CASE]), ctx.person)
        ctx.out.text(
            "Takk. Pakken er registrert som importert i Websak."
            if confirmed
            else "Det var ingen pakke som ventet på import for denne saken."
        )

    async def again(self, ctx: Ctx) -> None:
        resent = await archiving.send_again(ctx.svc, str(ctx.data[CASE]), ctx.person)
        ctx.svc.outbox_ready.set()
        ctx.out.text(
            "Saken sendes til arkivet på nytt."
            if resent
            else "Ingenting i saken venter på å bli sendt på nytt."
        )

    async def pack(self, ctx: Ctx) -> None:
        await send_export_link(ctx, self._public_url, str(ctx.data[CASE]), pack=True)
