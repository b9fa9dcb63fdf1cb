"""The one routing table: every verb a card can send, the handler it reaches, the ids it needs.

A verb renamed on one side only would strand every card already sitting in someone's chat;
`tests/test_routes.py` checks that each verb a card emits has a route here and each route a card.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from bot.cards.actions import CASE, DRAFT, PUPIL, SECTION, Verb
from bot.dialogs.alerts import AlertHandler
from bot.dialogs.archive import ArchiveFlow
from bot.dialogs.case import CaseFlow
from bot.dialogs.context import Ctx
from bot.dialogs.home import Home
from bot.dialogs.log import LogFlow
from bot.dialogs.questions import QuestionFlow
from bot.dialogs.report import ReportFlow
from bot.dialogs.stats import show_stats
from bot.domain.case import Case

Handler = Callable[[Ctx], Awaitable[object]]


@dataclass(frozen=True)
class Route:
    handler: Handler
    requires: tuple[str, ...] = ()
    """Card data keys that must be present; every id present is checked (`bot.dialogs.ids`)."""
    execute: bool = False
    """Action.Execute (answered in the invoke) rather than Action.Submit (a new message)."""


def routing_table(
    *,
    home: Home,
    report: ReportFlow,
    case: CaseFlow,
    log: LogFlow,
    questions: QuestionFlow,
    archive: ArchiveFlow,
) -> Mapping[Verb, Route]:
    table = {
        Verb.HELP: Route(home.help),
        Verb.START_REPORT: Route(report.start),
        Verb.MY_CASES: Route(home.my_cases),
        Verb.ASK: Route(home.ask),
        Verb.READ_SECTION: Route(questions.section, (SECTION,)),
        Verb.REPORT_SUBMIT: Route(report.review, (DRAFT,)),
        Verb.REPORT_CONFIRM: Route(report.confirm, (DRAFT,)),
        Verb.REPORT_EDIT: Route(report.edit, (DRAFT,)),
        Verb.REPORT_CANCEL: Route(report.cancel, (DRAFT,)),
        Verb.ACKNOWLEDGE: Route(AlertHandler(Case.acknowledge), (CASE,), execute=True),
        Verb.TAKE: Route(AlertHandler(Case.take), (CASE,), execute=True),
        Verb.START_INVESTIGATION: Route(
            AlertHandler(Case.start_investigation), (CASE,), execute=True
        ),
        Verb.OWNER_NOTIFIED: Route(AlertHandler(Case.record_owner_notified), (CASE,), execute=True),
        Verb.REFRESH: Route(AlertHandler(None), (CASE,), execute=True),
        Verb.CASE_OPEN: Route(case.open, (CASE,)),
        Verb.INVESTIGATION_FORM: Route(case.investigation_form, (CASE,)),
        Verb.INVESTIGATION_SAVE: Route(case.save_investigation, (CASE,)),
        Verb.PLAN_FORM: Route(case.plan_form, (CASE,)),
        Verb.PLAN_SAVE: Route(case.save_plan, (CASE,)),
        Verb.EVALUATION_FORM: Route(case.evaluation_form, (CASE,)),
        Verb.EVALUATION_SAVE: Route(case.evaluate, (CASE,)),
        Verb.ADD_MEMBER: Route(case.add_member, (CASE,)),
        Verb.EXPORT: Route(case.export, (CASE,)),
        Verb.EXPORT_REDACTED: Route(case.export_redacted, (CASE,)),
        Verb.MEMBER_REMOVE: Route(case.remove_member, (CASE,)),
        Verb.ARCHIVE_NOW: Route(archive.now, (CASE,)),
        Verb.ARCHIVE_IMPORTED: Route(archive.imported, (CASE,)),
        Verb.ARCHIVE_RETRY: Route(archive.again, (CASE,)),
        Verb.ARCHIVE_PACK: Route(archive.pack, (CASE,)),
        Verb.LOG_START: Route(log.form),
        Verb.LOG_SAVE: Route(log.save),
        Verb.LOG_VIEW: Route(log.view, (PUPIL,)),
        Verb.STATS: Route(show_stats),
    }
    missing = set(Verb) - set(table)
    if missing:
        raise RuntimeError(f"verbs without a route: {sorted(missing)}")
    return table
