"""Settings from the environment and the school's TOML configuration.

Everything is checked at start, so a typo in the configuration stops the bot with a message that
names the key instead of surfacing weeks later as a report that reached nobody.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.people import Person, Role
from bot.domain.school import (
    SCHOOL_ID,
    ArchiveSettings,
    Deployment,
    Klasse,
    Microsoft365,
    Privacy,
    Retention,
    School,
    SchoolOwner,
)
from bot.domain.substitutes import Substitution
from bot.domain.time import SchoolCalendar

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCHOOL_CONFIG = REPO_ROOT / "config" / "ellingsrud.toml"
DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{REPO_ROOT / 'data' / 'trygg-skole.db'}"

APP_TYPES = ("SingleTenant", "UserAssignedMSI", "MultiTenant")


class ConfigError(Exception):
    """A configuration problem, phrased for the person who edits the file."""


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    database_url: str
    school_config: Path
    app_id: str
    app_password: str
    app_type: str
    app_tenant_id: str
    outbox_interval_s: float = 1.0
    public_url: str = ""
    """Where people's browsers reach the bot (PDF downloads); default http://HOST:PORT."""
    outbox_lease_s: float = 30.0
    """How long a sender owns a message it is sending; a crashed sender's work waits this long."""
    graph_enabled: bool = False
    graph_base_url: str = "https://graph.microsoft.com/v1.0"
    graph_authority: str = ""
    graph_timeout_s: float = 5.0
    teams_catalog_app_id: str = ""
    """The app's id in the tenant's app catalog: enables installing it for a new recipient."""
    send_rate_per_s: int = 50
    """This instance's share of Teams' ~50 requests a second per app and tenant."""
    data_key: str = ""
    """DATA_ENCRYPTION_KEY: the current data key, base64 of 32 bytes."""
    data_old_keys: tuple[str, ...] = ()
    """DATA_OLD_KEYS: keys still needed to open values sealed before a rotation."""
    data_key_file: Path | None = None
    """DATA_KEY_FILE: a file of keys, one per line, the current first (default in local mode:
    data/secret.key, made at the first start)."""
    archive_url: str = ""
    """ARCHIVE_URL: the Mottak WebApi tenant endpoint (https://<host>/api/<tenant key>); empty:
    packages are written to `archive_dir` for manual import."""
    archive_dir: Path = REPO_ROOT / "data" / "arkiv"
    bot_sdk: str = "botbuilder"
    """Which SDK hosts the bot: `botbuilder` (the default) or `agents` (Microsoft 365 Agents)."""
    legacy_school_id: str = ""
    """LEGACY_SCHOOL_ID: with SCHOOL_CONFIG a directory of several schools, the school the
    rows stored before schools had ids belong to (one school: that one)."""
    allow_unauthenticated: bool = False
    """Local mode may listen on a non-loopback address (a closed test network, a container)."""
    bot_openid_metadata_url: str = ""
    """The Bot Connector's OpenID metadata; empty: Microsoft's (tests point it at their own)."""
    entra_openid_metadata_url: str = ""
    """Entra ID's OpenID metadata for the tenant (Emulator tokens); empty: Microsoft's."""
    openid_timeout_s: float = 5.0
    """How long one fetch of the signing keys may take; requests never wait longer than that."""

    @property
    def local_mode(self) -> bool:
        """No app id: the Agents Playground and the Emulator talk to the bot without tokens."""
        return not self.app_id

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        port_text = env.get("PORT", "3978")
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ConfigError(f"PORT må være et portnummer, ikke «{port_text}».")
        app_type = env.get("MicrosoftAppType", "") or "SingleTenant"
        if app_type not in APP_TYPES:
            raise ConfigError(
                f"MicrosoftAppType må være en av {', '.join(APP_TYPES)}, ikke «{app_type}»."
            )
        app_id = env.get("MicrosoftAppId", "")
        tenant = env.get("MicrosoftAppTenantId", "")
        if app_id and app_type == "SingleTenant" and not tenant:
            raise ConfigError(
                "MicrosoftAppTenantId må settes når MicrosoftAppType er SingleTenant."
            )
        lease = _env_float(env, "OUTBOX_LEASE_SECONDS", "30")
        host = env.get("HOST", "127.0.0.1")
        graph_text = env.get("GRAPH_ENABLED", "false").strip().lower()
        if graph_text not in ("true", "false", "1", "0", ""):
            raise ConfigError(f"GRAPH_ENABLED må være true eller false, ikke «{graph_text}».")
        graph_enabled = graph_text in ("true", "1")
        if graph_enabled and not app_id:
            raise ConfigError("GRAPH_ENABLED=true krever MicrosoftAppId (botens egen identitet).")
        graph_timeout = _env_float(env, "GRAPH_TIMEOUT_SECONDS", "5")
        allow_text = env.get("ALLOW_UNAUTHENTICATED", "").strip().lower()
        if allow_text not in ("", "0", "1", "true", "false"):
            raise ConfigError(f"ALLOW_UNAUTHENTICATED må være 1 eller 0, ikke «{allow_text}».")
        openid_timeout_text = env.get("OPENID_TIMEOUT_SECONDS", "5")
        try:
            openid_timeout = float(openid_timeout_text)
        except ValueError:
            openid_timeout = -1.0
        if not 0 < openid_timeout <= 60:
            raise ConfigError(
                f"OPENID_TIMEOUT_SECONDS må være et tall over 0 og høyst 60, "
                f"ikke «{openid_timeout_text}»."
            )
        return cls(
            allow_unauthenticated=allow_text in ("1", "true"),
            bot_openid_metadata_url=_https_url(env, "BOT_OPENID_METADATA_URL"),
            entra_openid_metadata_url=_https_url(env, "ENTRA_OPENID_METADATA_URL"),
            openid_timeout_s=openid_timeout,
            graph_enabled=graph_enabled,
            graph_base_url=env.get("GRAPH_BASE_URL", "") or "https://graph.microsoft.com/v1.0",
            graph_authority=env.get("GRAPH_AUTHORITY", ""),
            graph_timeout_s=graph_timeout,
            teams_catalog_app_id=env.get("TEAMS_CATALOG_APP_ID", ""),
            public_url=env.get("PUBLIC_URL", "") or f"http://{host}:{port_text}",
            outbox_lease_s=lease,
            send_rate_per_s=_positive_int(env, "SEND_RATE_PER_SECOND", 50),
            bot_sdk=_choice(env, "BOT_SDK", BOT_SDKS),
            archive_url=_https_url(env, "ARCHIVE_URL"),
            archive_dir=Path(env.get("ARCHIVE_DIR", "") or REPO_ROOT / "data" / "arkiv"),
            data_key=env.get("DATA_ENCRYPTION_KEY", "").strip(),
            data_old_keys=tuple(
                k.strip() for k in env.get("DATA_OLD_KEYS", "").split(",") if k.strip()
            ),
            data_key_file=Path(env["DATA_KEY_FILE"]) if env.get("DATA_KEY_FILE") else None,
            host=env.get("HOST", "127.0.0.1"),
            port=int(port_text),
            database_url=env.get("DATABASE_URL", "") or DEFAULT_DATABASE_URL,
            school_config=Path(env.get("SCHOOL_CONFIG", "") or DEFAULT_SCHOOL_CONFIG),
            legacy_school_id=env.get("LEGACY_SCHOOL_ID", "").strip(),
            app_id=app_id,
            app_password=env.get("MicrosoftAppPassword", ""),
            app_type=app_type,
            app_tenant_id=tenant,
        )


BOT_SDKS = ("botbuilder", "agents")


def _choice(env: Mapping[str, str], key: str, choices: tuple[str, ...]) -> str:
    """The first choice is the default."""
    text = (env.get(key, "") or choices[0]).strip().lower()
    if text not in choices:
        raise ConfigError(f"{key} må være en av {', '.join(choices)}, ikke «{text}».")
    return text


def _env_float(env: Mapping[str, str], key: str, default: str) -> float:
    text = env.get(key, default)
    try:
        return float(text)
    except ValueError:
        raise ConfigError(f"{key} må være et tall, ikke «{text}».") from None


def _positive_int(env: Mapping[str, str], key: str, default: int) -> int:
    text = env.get(key, "") or str(default)
    if not text.isdigit() or int(text) < 1:
        raise ConfigError(f"{key} må være et positivt heltall, ikke «{text}».")
    return int(text)


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and `localhost`; an empty HOST means every interface, so it is not."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip()).is_loopback
    except ValueError:
        return False


def check_listening(settings: Settings) -> None:
    """Local mode checks no tokens, so it may only be reached from this machine.

    Anyone who can reach the port could otherwise post activities in a staff member's name.
    """
    if not settings.local_mode or settings.allow_unauthenticated or is_loopback(settings.host):
        return
    raise ConfigError(
        f"HOST={settings.host or '(tom)'} er ikke en loopback-adresse, og uten MicrosoftAppId "
        "sjekker boten ingen tokens: alle som når porten, kan sende meldinger i en ansatts navn. "
        "Sett MicrosoftAppId (med MicrosoftAppPassword og MicrosoftAppTenantId), bruk "
        "HOST=127.0.0.1, eller sett ALLOW_UNAUTHENTICATED=1 hvis nettet er lukket.\n"
        "(Local mode without MicrosoftAppId authenticates nothing; refusing to listen on a "
        "non-loopback address unless ALLOW_UNAUTHENTICATED=1 is set.)"
    )


def _https_url(env: Mapping[str, str], key: str) -> str:
    """An https URL, or http to this machine only (tests run their own servers)."""
    value = env.get(key, "").strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme == "https" and parts.hostname:
        return value
    if parts.scheme == "http" and parts.hostname and is_loopback(parts.hostname):
        return value
    raise ConfigError(f"{key} må være en https-adresse, ikke «{value}».")


_GUIDish = re.compile(r"^[0-9A-Za-z-]{1,64}$")


def _table(data: Mapping[str, Any], key: str, *, required: bool = True) -> Mapping[str, Any]:
    value = data.get(key)
    if value is None:
        if required:
            raise ConfigError(f"[{key}] mangler.")
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"[{key}] må være en tabell.")
    return value


def _tables(raw: list[Any], key: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """An array of tables, each with where it stands (`staff[2]`) for the messages."""
    for index, entry in enumerate(raw, start=1):
        where = f"{key}[{index}]"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where} må være en tabell.")
        yield where, entry


def _str(data: Mapping[str, Any], where: str, key: str, *, required: bool = True) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise ConfigError(f"{where}.{key} mangler.")
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{where}.{key} må være tekst.")
    return value.strip()


def _number(
    data: Mapping[str, Any], where: str, key: str, default: float, low: float, high: float
) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{where}.{key} må være et tall.")
    if not low <= value <= high:
        raise ConfigError(f"{where}.{key} må være mellom {low:g} og {high:g}, ikke {value}.")
    return float(value)


def _archive(data: Mapping[str, Any], staff: tuple[Person, ...]) -> ArchiveSettings:
    """`[archive]`: every key optional; without the section the package is still valid."""
    classes = []
    raw = data.get("klassifikasjon", [])
    if not isinstance(raw, list):
        raise ConfigError("archive.klassifikasjon må være en liste med tabeller.")
    for where, entry in _tables(raw, "archive.klassifikasjon"):
        system = _str(entry, where, "system") or ""
        klasse = _str(entry, where, "klasse") or ""
        classes.append(Klasse(system, klasse, _str(entry, where, "tittel", required=False)))
    role = _str(data, "archive", "saksansvarlig_rolle", required=False)
    responsible = _str(data, "archive", "saksansvarlig", required=False)
    if role is not None:
        if role not in ("rektor", "leder"):
            raise ConfigError("archive.saksansvarlig_rolle må være «rektor» eller «leder».")
        if role == "rektor" and responsible is None:
            responsible = next((p.name for p in staff if p.is_rektor), None)
    return ArchiveSettings(
        klassifikasjon=tuple(classes),
        administrativ_enhet=_str(data, "archive", "administrativ_enhet", required=False),
        saksansvarlig=responsible,
        journalenhet=_str(data, "archive", "journalenhet", required=False),
        arkivdel=_str(data, "archive", "arkivdel", required=False),
        regel=_str(data, "archive", "regel", required=False),
    )


def _url(data: Mapping[str, Any], where: str, key: str) -> str | None:
    value = _str(data, where, key, required=False)
    if value is not None and not value.startswith("https://"):
        raise ConfigError(f"{where}.{key} må være en https-adresse, ikke «{value}».")
    return value


def _clock(data: Mapping[str, Any], where: str, key: str, default: str) -> time:
    text = data.get(key, default)
    try:
        return time.fromisoformat(str(text))
    except ValueError:
        raise ConfigError(
            f"{where}.{key} må være et klokkeslett som «08:00», ikke «{text}»."
        ) from None


def _holidays(values: Any) -> frozenset[date]:
    if not isinstance(values, list):
        raise ConfigError("school_hours.holidays må være en liste med datoer eller perioder.")
    days: set[date] = set()
    for item in values:
        text = item.isoformat() if isinstance(item, date) else str(item)
        first, _, last = text.partition("..")
        try:
            start = date.fromisoformat(first.strip())
            end = date.fromisoformat(last.strip()) if last else start
        except ValueError:
            raise ConfigError(
                f"school_hours.holidays: «{text}» er ikke en dato (ÅÅÅÅ-MM-DD) "
                "eller periode (ÅÅÅÅ-MM-DD..ÅÅÅÅ-MM-DD)."
            ) from None
        if end < start:
            raise ConfigError(f"school_hours.holidays: perioden «{text}» slutter før den starter.")
        while start <= end:
            days.add(start)
            start += timedelta(days=1)
    return frozenset(days)


def _staff(values: Any, *, owner_file: bool = False) -> tuple[Person, ...]:
    """The people of a school file (or, `owner_file`, of owner.toml: the owner's people)."""
    if not isinstance(values, list) or not values:
        if owner_file:
            return ()
        raise ConfigError("[[staff]] mangler: skolen må ha minst rektor i konfigurasjonen.")
    people: list[Person] = []
    seen: set[str] = set()
    for where, entry in _tables(values, "staff"):
        aad = _str(entry, where, "aad_object_id")
        assert aad is not None
        if not _GUIDish.match(aad):
            raise ConfigError(
                f"{where}.aad_object_id «{aad}» ser ikke ut som en Entra ID-objekt-id."
            )
        if aad in seen:
            raise ConfigError(f"{where}.aad_object_id «{aad}» står to ganger.")
        seen.add(aad)
        name = _str(entry, where, "name")
        assert name is not None
        raw_roles = entry.get("roles", ["ansatt"])
        if not isinstance(raw_roles, list) or not raw_roles:
            raise ConfigError(f'{where}.roles må være en liste, f.eks. ["ansatt"].')
        roles: set[Role] = set()
        for role in raw_roles:
            try:
                roles.add(Role(role))
            except ValueError:
                allowed = " | ".join(r.value for r in Role)
                raise ConfigError(f"{where}.roles: ukjent rolle «{role}» ({allowed}).") from None
        if Role.SKOLEEIER in roles and len(roles) > 1:
            raise ConfigError(
                f"{where}.roles: «skoleeier» står alene – skoleeiers folk er ikke ansatt på skolen."
            )
        if owner_file and roles != {Role.SKOLEEIER}:
            raise ConfigError(f'{where}.roles: i owner.toml har alle roles = ["skoleeier"].')
        people.append(
            Person(
                aad_object_id=aad,
                name=name,
                roles=frozenset(roles),
                team=_str(entry, where, "team", required=False),
                leader=_str(entry, where, "leader", required=False),
                email=_str(entry, where, "email", required=False),
            )
        )
    ids = {p.aad_object_id for p in people}
    for index, person in enumerate(people, start=1):
        if person.leader is not None and person.leader not in ids:
            raise ConfigError(f"staff[{index}].leader «{person.leader}» er ingen i [[staff]].")
    if not owner_file and not any(p.is_rektor for p in people):
        raise ConfigError("[[staff]]: ingen har rollen «rektor».")
    return tuple(people)


def _owner(table: Mapping[str, Any], people: tuple[Person, ...]) -> SchoolOwner:
    return SchoolOwner(
        name=_str(table, "school_owner", "name") or "",
        phone=_str(table, "school_owner", "phone") or "",
        contact_name=_str(table, "school_owner", "contact_name", required=False),
        contact_phone=_str(table, "school_owner", "contact_phone", required=False),
        people=people,
    )


def _substitutes(raw: Any, staff: tuple[Person, ...]) -> tuple[Substitution, ...]:
    """`[[substitutes]]`: absent, substitute (staff ids), from, to (dates, to inclusive)."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError("[[substitutes]] må være en liste av tabeller.")
    by_id = {p.aad_object_id: p for p in staff}
    found: list[Substitution] = []
    for index, (where, entry) in enumerate(_tables(raw, "substitutes"), start=1):
        absent = _str(entry, where, "absent") or ""
        substitute = _str(entry, where, "substitute") or ""
        for key, person in (("absent", absent), ("substitute", substitute)):
            if person not in by_id:
                raise ConfigError(f"{where}.{key} «{person}» er ingen i [[staff]].")
        if not by_id[absent].is_leadership:
            raise ConfigError(f"{where}.absent må være rektor eller en leder.")
        days = []
        for key in ("from", "to"):
            value = entry.get(key)
            if isinstance(value, str):
                try:
                    value = date.fromisoformat(value)
                except ValueError:
                    raise ConfigError(f"{where}.{key} må være en dato (ÅÅÅÅ-MM-DD).") from None
            if not isinstance(value, date) or isinstance(value, datetime):
                raise ConfigError(f"{where}.{key} må være en dato (ÅÅÅÅ-MM-DD).")
            days.append(value)
        if absent == substitute:
            raise ConfigError(f"{where}: vikaren må være en annen enn den som er borte.")
        if days[1] < days[0]:
            raise ConfigError(f"{where}.to må være samme dag som eller etter from.")
        found.append(Substitution(absent, substitute, days[0], days[1], None, f"config-{index}"))
    return tuple(found)


def parse_school(
    data: Mapping[str, Any],
    base: Path | None = None,
    default_id: str = "skole",
    owner: SchoolOwner | None = None,
) -> School:
    """`owner`: the school owner of owner.toml, when the school is one of a directory's (its
    file then leaves `[school_owner]` out); else the file's own `[school_owner]`, with the
    owner's people among its `[[staff]]` (`roles = ["skoleeier"]`)."""
    school = _table(data, "school")
    name = _str(school, "school", "name")
    school_id = _str(school, "school", "id", required=False) or default_id.lower()
    if not SCHOOL_ID.fullmatch(school_id):
        raise ConfigError(
            f"school.id «{school_id}» kan bare ha små bokstaver a–z, sifre, - og _ "
            "(den står i hver rad i databasen)."
        )
    zone_name = _str(school, "school", "timezone", required=False) or "Europe/Oslo"
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"school.timezone «{zone_name}» er ikke en kjent tidssone.") from None
    hours = _table(data, "school_hours", required=False)
    start = _clock(hours, "school_hours", "start", "08:00")
    end = _clock(hours, "school_hours", "end", "16:00")
    if end <= start:
        raise ConfigError("school_hours.end må være etter school_hours.start.")
    calendar = SchoolCalendar(
        zone=zone, day_start=start, day_end=end, holidays=_holidays(hours.get("holidays", []))
    )
    routines = _table(data, "routines", required=False)
    everyone = _staff(data.get("staff"))
    staff = tuple(p for p in everyone if Role.SKOLEEIER not in p.roles)
    owner_people = tuple(p for p in everyone if Role.SKOLEEIER in p.roles)
    if owner is None:
        owner = _owner(_table(data, "school_owner"), owner_people)
    elif "school_owner" in data or owner_people:
        raise ConfigError(
            "[school_owner] og skoleeiers folk står i owner.toml når skolene ligger i en mappe."
        )
    deputy = _str(routines, "routines", "deputy", required=False)
    if deputy is not None and deputy not in {p.aad_object_id for p in staff}:
        raise ConfigError(f"routines.deputy «{deputy}» er ingen i [[staff]].")
    min_weeks = int(_number(routines, "routines", "evaluation_min_weeks", 1, 1, 8))
    max_weeks = int(_number(routines, "routines", "evaluation_max_weeks", 8, 1, 52))
    weeks = int(_number(routines, "routines", "evaluation_weeks", 3, 1, 52))
    if not min_weeks <= weeks <= max_weeks:
        raise ConfigError(
            "routines.evaluation_weeks må ligge mellom routines.evaluation_min_weeks og "
            f"routines.evaluation_max_weeks ({min_weeks}–{max_weeks})."
        )
    plan_text = _str(school, "school", "plan_file", required=False)
    plan_file: Path | None = None
    if plan_text is not None:
        plan_file = Path(plan_text)
        if not plan_file.is_absolute() and base is not None:
            plan_file = base / plan_file
        if not plan_file.is_file():
            raise ConfigError(f"school.plan_file «{plan_text}» finnes ikke.")
    m365 = _table(data, "microsoft365", required=False)
    flags: dict[str, bool] = {}
    defaults = {"leader_from_manager": False, "only_configured_leaders": True, "calendar": False}
    for key, default in defaults.items():
        value = m365.get(key, default)
        if not isinstance(value, bool):
            raise ConfigError(f"microsoft365.{key} må være true eller false.")
        flags[key] = value
    microsoft365 = Microsoft365(
        cache_minutes=int(_number(m365, "microsoft365", "cache_minutes", 60, 1, 1440)), **flags
    )
    privacy = _table(data, "privacy", required=False)
    retention = _table(data, "retention", required=False)
    return School(
        archive=_archive(_table(data, "archive", required=False), staff),
        retention=Retention(
            days_after_archive=int(
                _number(retention, "retention", "days_after_archive", 30, 0, 3650)
            ),
            draft_hours=int(_number(retention, "retention", "draft_hours", 24, 1, 720)),
            log_days=int(_number(retention, "retention", "log_days", 180, 1, 3650)),
            stale_days=int(_number(retention, "retention", "stale_days", 120, 7, 3650)),
        ),
        id=school_id,
        privacy=Privacy(
            card_minutes=int(_number(privacy, "privacy", "card_minutes", 30, 1, 1440)),
            closed_visible_days=int(
                _number(privacy, "privacy", "closed_visible_days", 30, 0, 3650)
            ),
            privacy_url=_url(school, "school", "privacy_url"),
            terms_url=_url(school, "school", "terms_url"),
        ),
        microsoft365=microsoft365,
        plan_file=plan_file,
        name=name or "",
        owner=owner,
        staff=staff,
        calendar=calendar,
        deputy_id=deputy,
        substitutes=_substitutes(data.get("substitutes"), staff),
        plan_name=_str(school, "school", "plan_name", required=False) or "Skolemiljøplanen",
        evaluation_weeks=weeks,
        evaluation_min_weeks=min_weeks,
        evaluation_max_weeks=max_weeks,
        escalation_hours=_number(routines, "routines", "escalation_hours", 2, 0.25, 48),
        escalation_hours_12_5=_number(routines, "routines", "escalation_hours_12_5", 1, 0.25, 48),
        plan_school_days=int(_number(routines, "routines", "plan_school_days", 5, 1, 30)),
        plan_rektor_school_days=int(
            _number(routines, "routines", "plan_rektor_school_days", 2, 1, 30)
        ),
        investigation_start_school_days=int(
            _number(routines, "routines", "investigation_start_school_days", 2, 1, 20)
        ),
        investigation_rektor_school_days=int(
            _number(routines, "routines", "investigation_rektor_school_days", 2, 1, 20)
        ),
        evaluation_overdue_report_school_days=int(
            _number(routines, "routines", "evaluation_overdue_report_school_days", 3, 1, 30)
        ),
    )


def _toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"Finner ikke skolekonfigurasjonen {path}: {error.strerror}.") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} er ikke gyldig TOML: {error}.") from None


def load_school(path: Path, owner: SchoolOwner | None = None) -> School:
    data = _toml(path)
    try:
        return parse_school(data, base=path.parent, default_id=path.stem, owner=owner)
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from None


OWNER_FILE = "owner.toml"


def load_deployment(path: Path) -> Deployment:
    """`SCHOOL_CONFIG`: one school's TOML file, or a directory where every `*.toml` is a
    school and `owner.toml` the school owner. Every school is checked before the bot starts;
    a mistake names its file and key."""
    if not path.is_dir():
        school = load_school(path)
        return Deployment((school,), school.owner)
    owner_path = path / OWNER_FILE
    if not owner_path.is_file():
        raise ConfigError(
            f"{path}: {OWNER_FILE} mangler – en mappe med skoler trenger skoleeier i {OWNER_FILE}."
        )
    data = _toml(owner_path)
    try:
        unknown = sorted(set(data) - {"school_owner", "staff"})
        if unknown:
            raise ConfigError(f"ukjent tabell [{unknown[0]}] (bare [school_owner] og [[staff]]).")
        owner = _owner(_table(data, "school_owner"), _staff(data.get("staff"), owner_file=True))
    except ConfigError as error:
        raise ConfigError(f"{owner_path}: {error}") from None
    schools: list[School] = []
    files: dict[str, Path] = {}
    owner_ids = {p.aad_object_id for p in owner.people}
    for file in sorted(path.glob("*.toml")):
        if file.name == OWNER_FILE:
            continue
        school = load_school(file, owner)
        if school.id in files:
            raise ConfigError(f"{file}: school.id «{school.id}» brukes også av {files[school.id]}.")
        clash = next((p for p in school.staff if p.aad_object_id in owner_ids), None)
        if clash is not None:
            raise ConfigError(
                f"{file}: {clash.aad_object_id} står både i skolens [[staff]] og i {OWNER_FILE}."
            )
        files[school.id] = file
        schools.append(school)
    if not schools:
        raise ConfigError(f"{path}: mappen har ingen skolefiler (*.toml utenom {OWNER_FILE}).")
    return Deployment(tuple(schools), owner)
