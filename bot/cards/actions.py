"""Every action id and verb the cards use, in one place.

The handlers dispatch on these values and the cards emit them; a renamed verb that only one side
knew about would strand every card already sitting in someone's chat.
"""

from __future__ import annotations

from enum import StrEnum

VERB = "verb"
"""Key of the verb in an Action.Submit's data (Action.Execute carries it as `verb` itself)."""
DRAFT = "draft"
"""Key of the report draft id: one draft gives one case however often it is submitted."""
CASE = "case"
"""Key of the case id on alert cards."""
SECTION = "section"
"""Key of a plan section number on answer cards."""
VERSION = "version"
"""Key of the plan version a form was made from: a stale form cannot overwrite a newer plan."""
PUPIL = "pupil"
"""Key of a pupil's log key (name and class, folded) on log cards."""
MEMBER = "member"
"""Input id of the staff picker that adds someone to a case."""
LEAVING = "leaving"
"""Input id of the picker of the member taken off a case (one card has both pickers)."""
SCHOOL = "school"
"""Key of the school a card belongs to, on the cards of someone who works at several schools
(or the school owner): the next press goes to that school's cases."""
FIX = "fix"
"""Set on «Rett opp»: the form comes back with what was sent and its errors marked. The
answers themselves travel in the button's data (or wait in the report's draft)."""


class Verb(StrEnum):
    HELP = "help"
    START_REPORT = "report.start"
    MY_CASES = "cases.mine"
    ASK = "ask.start"
    READ_SECTION = "plan.section"

    REPORT_SUBMIT = "report.submit"
    REPORT_CONFIRM = "report.confirm"
    REPORT_EDIT = "report.edit"
    REPORT_CANCEL = "report.cancel"

    ACKNOWLEDGE = "case.ack"
    TAKE = "case.take"
    START_INVESTIGATION = "case.investigate"
    OWNER_NOTIFIED = "case.owner_notified"
    REFRESH = "case.refresh"

    CASE_OPEN = "case.open"
    INVESTIGATION_FORM = "case.investigation.form"
    INVESTIGATION_SAVE = "case.investigation.save"
    PLAN_FORM = "case.plan.form"
    PLAN_SAVE = "case.plan.save"
    EVALUATION_FORM = "case.evaluation.form"
    EVALUATION_SAVE = "case.evaluation.save"
    ADD_MEMBER = "case.member.add"
    EXPORT = "case.export"
    EXPORT_REDACTED = "case.export.redacted"

    ARCHIVE_NOW = "case.archive.now"
    ARCHIVE_IMPORTED = "case.archive.imported"
    ARCHIVE_RETRY = "case.archive.retry"
    ARCHIVE_PACK = "case.archive.pack"
    MEMBER_REMOVE = "case.member.remove"

    LOG_START = "log.start"
    LOG_SAVE = "log.save"
    LOG_VIEW = "log.view"

    STATS = "stats.show"
