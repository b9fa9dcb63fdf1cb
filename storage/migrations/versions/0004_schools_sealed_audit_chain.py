"""Every row carries its school; personal data sealed; the audit trail a hash chain

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

One deployment now serves many schools: the existing rows move to the configured school
(`storage.migrate.upgrade(..., school_id=...)`). The report, the investigation, the plans and
evaluations, «logg» notes, draft answers and undelivered outbox payloads are sealed with the data
key (the keyring is handed in the same way); a pupil's log is found by a keyed hash of the pupil.
`case_events` becomes `audit_events`: a hash chain per school, without the foreign key that let
a deleted case take its events along, and refusing UPDATE and DELETE by trigger.

Every table is read, dropped and created anew with its rows transformed: simpler and more
portable between SQLite and PostgreSQL than altering primary keys and types in place, and a
school's database holds thousands of rows, not millions.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
GENESIS = "0" * 64
DONE = ("sent", "superseded")
TZ = sa.DateTime(timezone=True)


def _new(meta: sa.MetaData) -> dict[str, sa.Table]:
    school = sa.String(64)
    tables = [
        sa.Table(
            "cases", meta,
            sa.Column("id", sa.String(32), primary_key=True),
            sa.Column("school_id", school, nullable=False, index=True),
            sa.Column("year", sa.Integer, nullable=False),
            sa.Column("number", sa.Integer, nullable=False),
            sa.Column("submission_id", sa.String(64), nullable=False, unique=True),
            sa.Column("reporter_id", sa.String(64), nullable=False, index=True),
            sa.Column("state", sa.String(20), nullable=False, index=True),
            sa.Column("created_at", TZ, nullable=False),
            sa.Column("category", sa.String(40), nullable=False),
            sa.Column("urgent", sa.Boolean, nullable=False),
            sa.Column("leadership", sa.Boolean, nullable=False),
            sa.Column("serious", sa.Boolean, nullable=False),
            sa.Column("owner_must_be_notified", sa.Boolean, nullable=False),
            sa.Column("forwarded_to_owner", sa.Boolean, nullable=False),
            sa.Column("assignee_id", sa.String(64), nullable=True, index=True),
            sa.Column("taken_at", TZ, nullable=True),
            sa.Column("owner_notified_at", TZ, nullable=True),
            sa.Column("owner_notified_by", sa.String(64), nullable=True),
            sa.Column("investigation_started_at", TZ, nullable=True),
            sa.Column("escalated_at", TZ, nullable=True),
            sa.Column("closed_at", TZ, nullable=True),
            sa.Column("suspected_id", sa.String(64), nullable=True),
            sa.Column("members", sa.JSON, nullable=False),
            sa.Column("sealed", sa.Text, nullable=True),
            sa.Column("purged_at", TZ, nullable=True),
            sa.UniqueConstraint("school_id", "year", "number",
                                name="uq_cases_school_id_year_number"),
        ),
        sa.Table(
            "case_recipients", meta,
            sa.Column("case_id", sa.String(32), sa.ForeignKey("cases.id", ondelete="CASCADE"),
                      primary_key=True),
            sa.Column("person_id", sa.String(64), primary_key=True, index=True),
            sa.Column("school_id", school, nullable=False),
            sa.Column("reason", sa.String(32), nullable=False),
            sa.Column("position", sa.Integer, nullable=False),
            sa.Column("acknowledged_at", TZ, nullable=True),
        ),
        sa.Table(
            "audit_events", meta,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("school_id", school, nullable=False),
            sa.Column("seq", sa.Integer, nullable=False),
            sa.Column("case_id", sa.String(32), nullable=True, index=True),
            sa.Column("kind", sa.String(40), nullable=False),
            sa.Column("actor_id", sa.String(64), nullable=True),
            sa.Column("at", TZ, nullable=False),
            sa.Column("detail", sa.JSON, nullable=False),
            sa.Column("prev_hash", sa.String(64), nullable=False),
            sa.Column("hash", sa.String(64), nullable=False),
            sa.UniqueConstraint("school_id", "seq", name="uq_audit_events_school_id_seq"),
        ),
        sa.Table(
            "audit_heads", meta,
            sa.Column("school_id", school, primary_key=True),
            sa.Column("seq", sa.Integer, nullable=False),
            sa.Column("hash", sa.String(64), nullable=False),
        ),
        sa.Table(
            "case_counters", meta,
            sa.Column("school_id", school, primary_key=True),
            sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("last", sa.Integer, nullable=False),
        ),
        sa.Table(
            "outbox", meta,
            sa.Column("id", sa.String(32), primary_key=True),
            sa.Column("school_id", school, nullable=False, index=True),
            sa.Column("key", sa.String(200), nullable=False, unique=True),
            sa.Column("kind", sa.String(20), nullable=False),
            sa.Column("recipient_id", sa.String(64), nullable=False),
            sa.Column("case_id", sa.String(32), nullable=True, index=True),
            sa.Column("target_key", sa.String(200), nullable=True),
            sa.Column("status", sa.String(20), nullable=False),
            sa.Column("attempts", sa.Integer, nullable=False),
            sa.Column("version", sa.Integer, nullable=False),
            sa.Column("payload", sa.Text, nullable=True),
            sa.Column("stub", sa.Text, nullable=True),
            sa.Column("activity_id", sa.String(200), nullable=True),
            sa.Column("conversation_id", sa.String(300), nullable=True),
            sa.Column("last_error", sa.Text, nullable=True),
            sa.Column("created_at", TZ, nullable=False),
            sa.Column("next_attempt_at", TZ, nullable=False),
            sa.Column("sent_at", TZ, nullable=True),
            sa.Column("failure_reported_at", TZ, nullable=True),
            sa.Column("lease_until", TZ, nullable=True),
            sa.Column("lease_owner", sa.String(32), nullable=True),
            sa.Index("ix_outbox_due", "status", "next_attempt_at"),
        ),
        sa.Table(
            "conversations", meta,
            sa.Column("school_id", school, primary_key=True),
            sa.Column("user_id", sa.String(64), primary_key=True),
            sa.Column("tenant_id", sa.String(64), nullable=True),
            sa.Column("service_url", sa.String(500), nullable=False),
            sa.Column("conversation_id", sa.String(300), nullable=False),
            sa.Column("reference", sa.JSON, nullable=False),
            sa.Column("updated_at", TZ, nullable=False),
        ),
        sa.Table(
            "report_drafts", meta,
            sa.Column("draft_id", sa.String(32), primary_key=True),
            sa.Column("school_id", school, nullable=False),
            sa.Column("user_id", sa.String(64), nullable=False),
            sa.Column("values", sa.Text, nullable=False),
            sa.Column("updated_at", TZ, nullable=False, index=True),
        ),
        sa.Table(
            "reminders", meta,
            sa.Column("key", sa.String(300), primary_key=True),
            sa.Column("school_id", school, nullable=False),
            sa.Column("case_id", sa.String(32), nullable=False, index=True),
            sa.Column("kind", sa.String(40), nullable=False),
            sa.Column("recipient_id", sa.String(64), nullable=False),
            sa.Column("due_at", TZ, nullable=False),
            sa.Column("status", sa.String(20), nullable=False),
            sa.Column("sent_at", TZ, nullable=True),
            sa.Column("detail", sa.JSON, nullable=False),
            sa.Index("ix_reminders_due", "status", "due_at"),
        ),
        sa.Table(
            "observations", meta,
            sa.Column("id", sa.String(32), primary_key=True),
            sa.Column("school_id", school, nullable=False),
            sa.Column("pupil_key", sa.String(64), nullable=False, index=True),
            sa.Column("case_id", sa.String(32), nullable=True, index=True),
            sa.Column("observed_on", sa.Date, nullable=False),
            sa.Column("author_id", sa.String(64), nullable=False),
            sa.Column("created_at", TZ, nullable=False),
            sa.Column("sealed", sa.Text, nullable=False),
        ),
        sa.Table(
            "export_links", meta,
            sa.Column("token", sa.String(64), primary_key=True),
            sa.Column("school_id", school, nullable=False),
            sa.Column("case_id", sa.String(32), nullable=False),
            sa.Column("user_id", sa.String(64), nullable=False),
            sa.Column("redacted", sa.Boolean, nullable=False),
            sa.Column("kind", sa.String(10), nullable=False),
            sa.Column("expires_at", TZ, nullable=False),
            sa.Column("used_at", TZ, nullable=True),
        ),
        sa.Table(
            "archive_deliveries", meta,
            sa.Column("case_id", sa.String(32), primary_key=True),
            sa.Column("key", sa.String(80), primary_key=True),
            sa.Column("school_id", school, nullable=False, index=True),
            sa.Column("position", sa.Integer, nullable=False),
            sa.Column("status", sa.String(20), nullable=False),
            sa.Column("attempts", sa.Integer, nullable=False),
            sa.Column("queued_at", TZ, nullable=False),
            sa.Column("generated_at", TZ, nullable=False),
            sa.Column("next_attempt_at", TZ, nullable=False),
            sa.Column("first_failure_at", TZ, nullable=True),
            sa.Column("delivered_at", TZ, nullable=True),
            sa.Column("receipt", sa.Text, nullable=True),
            sa.Column("reason", sa.Text, nullable=True),
            sa.Column("late_reported_at", TZ, nullable=True),
            sa.Index("ix_archive_deliveries_due", "status", "next_attempt_at"),
        ),
        sa.Table(
            "calendar_events", meta,
            sa.Column("case_id", sa.String(32), primary_key=True),
            sa.Column("user_id", sa.String(64), primary_key=True),
            sa.Column("school_id", school, nullable=False),
            sa.Column("event_id", sa.String(300), nullable=False),
            sa.Column("updated_at", TZ, nullable=False),
        ),
    ]
    return {t.name: t for t in tables}


def _old(meta: sa.MetaData) -> dict[str, sa.Table]:
    """The schema as 0001–0003 left it."""
    tables = [
        sa.Table(
            "cases", meta,
            sa.Column("id", sa.String(32), primary_key=True),
            sa.Column("year", sa.Integer, nullable=False),
            sa.Column("number", sa.Integer, nullable=False),
            sa.Column("submission_id", sa.String(64), nullable=False, unique=True),
            sa.Column("reporter_id", sa.String(64), nullable=False, index=True),
            sa.Column("state", sa.String(20), nullable=False, index=True),
            sa.Column("created_at", TZ, nullable=False),
            sa.Column("urgent", sa.Boolean, nullable=False),
            sa.Column("owner_must_be_notified", sa.Boolean, nullable=False),
            sa.Column("forwarded_to_owner", sa.Boolean, nullable=False),
            sa.Column("assignee_id", sa.String(64), nullable=True, index=True),
            sa.Column("taken_at", TZ, nullable=True),
            sa.Column("owner_notified_at", TZ, nullable=True),
            sa.Column("owner_notified_by", sa.String(64), nullable=True),
            sa.Column("investigation_started_at", TZ, nullable=True),
            sa.Column("escalated_at", TZ, nullable=True),
            sa.Column("report", sa.JSON, nullable=False),
            sa.Column("investigation", sa.JSON, nullable=True),
            sa.Column("plans", sa.JSON, nullable=False, server_default=sa.text("'[]'")),
            sa.Column("evaluations", sa.JSON, nullable=False, server_default=sa.text("'[]'")),
            sa.Column("members", sa.JSON, nullable=False, server_default=sa.text("'[]'")),
            sa.Column("closed_at", TZ, nullable=True),
            sa.UniqueConstraint("year", "number", name="uq_cases_year_number"),
        ),
        sa.Table(
            "case_recipients", meta,
            sa.Column("case_id", sa.String(32), sa.ForeignKey("cases.id", ondelete="CASCADE"),
                      primary_key=True),
            sa.Column("person_id", sa.String(64), primary_key=True, index=True),
            sa.Column("reason", sa.String(32), nullable=False),
            sa.Column("position", sa.Integer, nullable=False),
            sa.Column("acknowledged_at", TZ, nullable=True),
        ),
        sa.Table(
            "case_events", meta,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("case_id", sa.String(32), sa.ForeignKey("cases.id", ondelete="CASCADE"),
                      nullable=False, index=True),
            sa.Column("kind", sa.String(40), nullable=False),
            sa.Column("actor_id", sa.String(64), nullable=True),
            sa.Column("at", TZ, nullable=False),
            sa.Column("detail", sa.JSON, nullable=False),
        ),
        sa.Table(
            "case_counters", meta,
            sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("last", sa.Integer, nullable=False),
        ),
        sa.Table(
            "outbox", meta,
            sa.Column("id", sa.String(32), primary_key=True),
            sa.Column("key", sa.String(200), nullable=False, unique=True),
            sa.Column("kind", sa.String(20), nullable=False),
            sa.Column("recipient_id", sa.String(64), nullable=False),
            sa.Column("case_id", sa.String(32), nullable=True, index=True),
            sa.Column("target_key", sa.String(200), nullable=True),
            sa.Column("status", sa.String(20), nullable=False),
            sa.Column("attempts", sa.Integer, nullable=False),
            sa.Column("version", sa.Integer, nullable=False),
            sa.Column("payload", sa.JSON, nullable=False),
            sa.Column("activity_id", sa.String(200), nullable=True),
            sa.Column("conversation_id", sa.String(300), nullable=True),
            sa.Column("last_error", sa.Text, nullable=True),
            sa.Column("created_at", TZ, nullable=False),
            sa.Column("next_attempt_at", TZ, nullable=False),
            sa.Column("sent_at", TZ, nullable=True),
            sa.Column("failure_reported_at", TZ, nullable=True),
            sa.Column("lease_until", TZ, nullable=True),
            sa.Column("lease_owner", sa.String(32), nullable=True),
            sa.Index("ix_outbox_due", "status", "next_attempt_at"),
        ),
        sa.Table(
            "conversations", meta,
            sa.Column("user_id", sa.String(64), primary_key=True),
            sa.Column("tenant_id", sa.String(64), nullable=True),
            sa.Column("service_url", sa.String(500), nullable=False),
            sa.Column("conversation_id", sa.String(300), nullable=False),
            sa.Column("reference", sa.JSON, nullable=False),
            sa.Column("updated_at", TZ, nullable=False),
        ),
        sa.Table(
            "report_drafts", meta,
            sa.Column("draft_id", sa.String(32), primary_key=True),
            sa.Column("user_id", sa.String(64), nullable=False),
            sa.Column("values", sa.JSON, nullable=False),
            sa.Column("updated_at", TZ, nullable=False, index=True),
        ),
        sa.Table(
            "reminders", meta,
            sa.Column("key", sa.String(300), primary_key=True),
            sa.Column("case_id", sa.String(32), nullable=False, index=True),
            sa.Column("kind", sa.String(40), nullable=False),
            sa.Column("recipient_id", sa.String(64), nullable=False),
            sa.Column("due_at", TZ, nullable=False),
            sa.Column("status", sa.String(20), nullable=False),
            sa.Column("sent_at", TZ, nullable=True),
            sa.Column("detail", sa.JSON, nullable=False),
            sa.Index("ix_reminders_due", "status", "due_at"),
        ),
        sa.Table(
            "observations", meta,
            sa.Column("id", sa.String(32), primary_key=True),
            sa.Column("pupil_key", sa.String(200), nullable=False, index=True),
            sa.Column("pupil_name", sa.String(120), nullable=False),
            sa.Column("pupil_class", sa.String(40), nullable=False),
            sa.Column("observed_on", sa.Date, nullable=False),
            sa.Column("note", sa.Text, nullable=False),
            sa.Column("author_id", sa.String(64), nullable=False),
            sa.Column("created_at", TZ, nullable=False),
        ),
        sa.Table(
            "export_links", meta,
            sa.Column("token", sa.String(64), primary_key=True),
            sa.Column("case_id", sa.String(32), nullable=False),
            sa.Column("user_id", sa.String(64), nullable=False),
            sa.Column("redacted", sa.Boolean, nullable=False),
            sa.Column("expires_at", TZ, nullable=False),
            sa.Column("used_at", TZ, nullable=True),
        ),
        sa.Table(
            "calendar_events", meta,
            sa.Column("case_id", sa.String(32), primary_key=True),
            sa.Column("user_id", sa.String(64), primary_key=True),
            sa.Column("event_id", sa.String(300), nullable=False),
            sa.Column("updated_at", TZ, nullable=False),
        ),
    ]
    return {t.name: t for t in tables}


# The order tables are created in (foreign keys: cases before case_recipients).
ORDER = ("cases", "case_recipients", "case_counters", "outbox", "conversations",
         "report_drafts", "reminders", "observations", "export_links", "calendar_events")


def _args() -> tuple[str, Any]:
    attributes = context.config.attributes
    return str(attributes.get("school_id") or ""), attributes.get("keyring")


def _rows(bind: sa.Connection, table: sa.Table) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in bind.execute(sa.select(table))]


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _need(school: str, keyring: Any, rows: int) -> Any:
    if rows and not school:
        raise RuntimeError("migration 0004 needs the school the existing rows belong to")
    if rows and keyring is None:
        raise RuntimeError("migration 0004 needs the data key to seal the existing rows")
    return keyring


def _canonical(school: str, seq: int, row: dict[str, Any]) -> str:
    """As storage/repositories/audit.py spells an event; frozen here with the migration."""
    return json.dumps(
        {"school": school, "seq": seq, "case": row["case_id"], "kind": row["kind"],
         "actor": row["actor_id"], "at": _utc(row["at"]).isoformat(timespec="microseconds"),
         "detail": row["detail"]},
        sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    )


def _report_json(values: dict[str, Any]) -> dict[str, Any]:
    signs = [s for s in str(values.get("signs", "")).split(",") if s]
    truthy = {"true", "ja", "yes", "1"}

    def flag(key: str) -> bool:
        return str(values.get(key, "")).lower() in truthy

    return {
        "pupil_name": values.get("pupil_name", ""),
        "pupil_class": values.get("pupil_class", ""),
        "category": values.get("category", "annet"),
        "signs": signs,
        "description": values.get("description", ""),
        "place": values.get("place", ""),
        "occurred_on": str(values.get("occurred_on", "") or "")[:10] or None,
        "source": values.get("source", "annet"),
        "intervened": flag("intervened"),
        "intervention": values.get("intervention", ""),
        "pupil_informed": values.get("pupil_informed", "nei"),
        "staff_suspected": flag("staff_suspected"),
        "leadership_suspected": flag("leadership_suspected"),
        "serious": flag("serious"),
    }


def _report_values(report: dict[str, Any]) -> dict[str, str]:
    def text(flag: bool) -> str:
        return "true" if flag else "false"

    return {
        "pupil_name": report["pupil_name"], "pupil_class": report["pupil_class"],
        "category": report["category"], "signs": ",".join(report["signs"]),
        "description": report["description"], "place": report["place"],
        "occurred_on": report["occurred_on"] or "", "source": report["source"],
        "intervened": "ja" if report["intervened"] else "nei",
        "intervention": report["intervention"], "pupil_informed": report["pupil_informed"],
        "staff_suspected": text(report["staff_suspected"]),
        "leadership_suspected": text(report["leadership_suspected"]),
        "serious": text(report["serious"]),
    }


def _fold(name: str, pupil_class: str) -> str:
    """bot.domain.followup.pupil_key as it was at this revision."""
    return f"{' '.join(name.lower().split())}|{''.join(pupil_class.lower().split())}"


def _pseudonym(keyring: Any, text: str) -> str:
    return str(keyring.pseudonym(text))


def _triggers(bind: sa.Connection) -> None:
    if bind.dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'audit_events is append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{action.lower()} BEFORE {action} ON "
                "audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
            )


def _drop_triggers(bind: sa.Connection) -> None:
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")


def upgrade() -> None:
    school, keyring = _args()
    bind = op.get_bind()
    old = _old(sa.MetaData(naming_convention=NAMING))
    data = {name: _rows(bind, table) for name, table in old.items()}
    keyring = _need(school, keyring, sum(len(rows) for rows in data.values()))
    for name in reversed((*ORDER[:2], "case_events", *ORDER[2:])):
        old[name].drop(bind)
    new = _new(sa.MetaData(naming_convention=NAMING))
    for table in new.values():
        table.create(bind)
    _triggers(bind)

    cases = []
    for row in data["cases"]:
        report = _report_json(row.pop("report"))
        document = {
            "report": report,
            "investigation": row.pop("investigation"),
            "investigation_history": [],
            "plans": row.pop("plans") or [],
            "evaluations": row.pop("evaluations") or [],
        }
        row.update(
            school_id=school, category=report["category"],
            leadership=report["leadership_suspected"], serious=report["serious"],
            members=row.get("members") or [], purged_at=None, suspected_id=None,
            sealed=keyring.seal_json(document, f"cases.sealed:{row['id']}"),
        )
        cases.append(row)
    for name in ("case_recipients", "case_counters", "reminders", "export_links",
                 "calendar_events", "conversations"):
        for row in data[name]:
            row["school_id"] = school
    for row in data["export_links"]:
        row["kind"] = "pdf"
    for row in data["outbox"]:
        row["school_id"] = school
        row["stub"] = None
        payload = row["payload"]
        row["payload"] = (None if row["status"] in DONE else
                          keyring.seal_json(payload, f"outbox.payload:{row['key']}"))
    for row in data["report_drafts"]:
        row.update(school_id=school, values=keyring.seal_json(
            row["values"], f"report_drafts.values:{row['draft_id']}"))
    notes = []
    for row in data["observations"]:
        document = {"pupil_name": row.pop("pupil_name"), "pupil_class": row.pop("pupil_class"),
                    "note": row.pop("note")}
        row.update(school_id=school, case_id=None,
                   pupil_key=_pseudonym(keyring, _fold(document["pupil_name"],
                                                       document["pupil_class"])),
                   sealed=keyring.seal_json(document, f"observations.sealed:{row['id']}"))
        notes.append(row)
    events = []
    prev = GENESIS
    for seq, row in enumerate(sorted(data["case_events"], key=lambda r: r["id"]), start=1):
        digest = hashlib.sha256(f"{prev}\n{_canonical(school, seq, row)}".encode()).hexdigest()
        events.append({"school_id": school, "seq": seq, "case_id": row["case_id"],
                       "kind": row["kind"], "actor_id": row["actor_id"], "at": row["at"],
                       "detail": row["detail"], "prev_hash": prev, "hash": digest})
        prev = digest

    rows = {**data, "cases": cases, "observations": notes}
    for name in ORDER:
        if rows[name]:
            bind.execute(sa.insert(new[name]), rows[name])
    if events:
        bind.execute(sa.insert(new["audit_events"]), events)
        bind.execute(sa.insert(new["audit_heads"]),
                     [{"school_id": school, "seq": len(events), "hash": prev}])


def downgrade() -> None:
    """Back to one school's unsealed rows; other schools' rows and the chain are dropped."""
    school, keyring = _args()
    bind = op.get_bind()
    new = _new(sa.MetaData(naming_convention=NAMING))
    data = {name: _rows(bind, table) for name, table in new.items()}
    if not school and any(data.values()):
        schools = {r["school_id"] for rows in data.values() for r in rows if "school_id" in r}
        school = min(schools)
    data = {name: [r for r in rows if r.get("school_id", school) == school]
            for name, rows in data.items()}
    keyring = _need(school, keyring, sum(len(rows) for rows in data.values()))
    _drop_triggers(bind)
    for name in reversed((*ORDER[:2], "audit_events", "audit_heads", "archive_deliveries",
                          *ORDER[2:])):
        new[name].drop(bind)
    old = _old(sa.MetaData(naming_convention=NAMING))
    for name in (*ORDER[:2], "case_events", *ORDER[2:]):
        old[name].create(bind)

    cases = []
    for row in data["cases"]:
        if row["sealed"] is None:
            continue  # purged: the earlier schema has no tombstones
        document = keyring.open_json(row["sealed"], f"cases.sealed:{row['id']}")
        cases.append({k: v for k, v in row.items() if k in old["cases"].c} | {
            "report": _report_values(document["report"]),
            "investigation": document["investigation"],
            "plans": document["plans"], "evaluations": document["evaluations"],
        })
    kept = {c["id"] for c in cases}
    for name in ("case_recipients", "case_counters", "reminders", "export_links",
                 "calendar_events", "conversations"):
        data[name] = [{k: v for k, v in r.items() if k in old[name].c} for r in data[name]]
    data["case_recipients"] = [r for r in data["case_recipients"] if r["case_id"] in kept]
    outbox = []
    for row in data["outbox"]:
        payload = ({} if row["payload"] is None else
                   keyring.open_json(row["payload"], f"outbox.payload:{row['key']}"))
        outbox.append({k: v for k, v in row.items() if k in old["outbox"].c} |
                      {"payload": payload})
    drafts = [{k: v for k, v in r.items() if k in old["report_drafts"].c} |
              {"values": keyring.open_json(r["values"], f"report_drafts.values:{r['draft_id']}")}
              for r in data["report_drafts"]]
    notes = []
    for row in data["observations"]:
        document = keyring.open_json(row["sealed"], f"observations.sealed:{row['id']}")
        notes.append({k: v for k, v in row.items() if k in old["observations"].c} | document |
                     {"pupil_key": _fold(document["pupil_name"], document["pupil_class"])})
    events = [{"case_id": r["case_id"], "kind": r["kind"], "actor_id": r["actor_id"],
               "at": r["at"], "detail": r["detail"]}
              for r in sorted(data["audit_events"], key=lambda r: r["seq"])
              if r["case_id"] in kept]
    rows = {**data, "cases": cases, "outbox": outbox, "report_drafts": drafts,
            "observations": notes}
    for name in ORDER:
        if rows[name]:
            bind.execute(sa.insert(old[name]), rows[name])
    if events:
        bind.execute(sa.insert(old["case_events"]), events)
