"""The directory of people with Entra ID behind it: managers as nearest leaders, names for ids.

Routing asks the directory synchronously in the middle of a report, so nothing here does I/O on
a lookup: the bot calls `prefetch` at the start of a turn (bounded by a short wait) and
`refresh` periodically, and the lookups read what those left in the cache. Whatever Graph does
(404, 429, 503, a timeout, a revoked consent), a lookup answers from the school configuration,
so a report always reaches rektor and a leader.

Logs carry user ids, statuses and Graph's error codes; never a name, an address or Graph's
error text (which may quote either).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.directory_object import DirectoryObject
from msgraph.generated.models.user import User
from msgraph.generated.users.item.manager.manager_request_builder import ManagerRequestBuilder
from msgraph.generated.users.item.user_item_request_builder import UserItemRequestBuilder

from bot.domain.people import Person, Role
from bot.domain.school import ConfiguredDirectory
from bot.graph.client import GraphConnection
from bot.graph.errors import DEFAULT_THROTTLE_S, Failure, classify

log = logging.getLogger(__name__)

PROFILE_FIELDS = ["id", "displayName", "mail", "userPrincipalName"]
USER_TYPE = "#microsoft.graph.user"
UNNAMED_LEADER = "Nærmeste leder"
"""Shown on cards for a manager whom Graph gave no display name."""

T = TypeVar("T")


@dataclass(frozen=True)
class Profile:
    display_name: str | None
    email: str | None


@dataclass(frozen=True)
class _Entry(Generic[T]):
    value: T
    """None is a cached negative: Graph said 404 (no such user, or no manager)."""
    expires: float


class GraphDirectory:
    """The `Directory` port: the configuration, completed and overridden from Entra ID.

    - `nearest_leader`: the user's Entra manager when `leader_from_manager` is on and Graph
      answered; a user without a manager (404), an unanswered lookup, or an expired entry gets
      the configuration's leader.
    - `person`: people in `[[staff]]` as configured (Graph only fills a missing e-mail); people
      known by id only get their Entra display name, as staff, or as leader when they are
      someone's manager.
    - `rektor`, `deputy`: the configuration's (with the e-mail filled in).

    `only_configured_leaders` keeps alerts inside the school when Entra's manager data is not
    trusted (a manager at the municipality, say): a manager outside `[[staff]]` is then ignored.
    """

    def __init__(
        self,
        connection: GraphConnection,
        fallback: ConfiguredDirectory,
        *,
        leader_from_manager: bool = True,
        only_configured_leaders: bool = True,
        ttl_s: float = 3600.0,
        failure_backoff_s: float = 60.0,
        turn_wait_s: float = 1.5,
        concurrency: int = 4,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._graph = connection.client
        self._timeout = connection.timeout_s
        self._fallback = fallback
        self._leader_from_manager = leader_from_manager
        self._only_configured_leaders = only_configured_leaders
        self._ttl = ttl_s
        self._failure_backoff = failure_backoff_s
        self._turn_wait = turn_wait_s
        self._now = clock
        self._profiles: dict[str, _Entry[Profile | None]] = {}
        self._managers: dict[str, _Entry[str | None]] = {}
        self._failed_until: dict[str, float] = {}
        self._paused_until = 0.0
        self._inflight: dict[str, asyncio.Task[None]] = {}
        self._limit = asyncio.Semaphore(concurrency)

    # --- the Directory port (synchronous, cache only) -----------------------------------------

    def person(self, aad_object_id: str) -> Person | None:
        configured = self._fallback.person(aad_object_id)
        if configured is not None:
            return self._completed(configured)
        profile = self._fresh(self._profiles, aad_object_id)
        if profile is None or not profile.display_name:
            return None
        roles = {Role.LEDER} if self._is_manager(aad_object_id) else {Role.ANSATT}
        return Person(
            aad_object_id=aad_object_id,
            name=profile.display_name,
            roles=frozenset(roles),
            email=profile.email,
        )

    def is_staff(self, aad_object_id: str) -> bool:
        """Configured staff; and, only when the school takes leaders from Entra ID outside the
        configuration, the managers Entra names."""
        if self._fallback.is_staff(aad_object_id):
            return True
        return not self._only_configured_leaders and self._is_manager(aad_object_id)

    def rektor(self) -> Person | None:
        return self._completed_or_none(self._fallback.rektor())

    def deputy(self) -> Person | None:
        return self._completed_or_none(self._fallback.deputy())

    def nearest_leader(self, person: Person) -> Person | None:
        if self._leader_from_manager:
            manager_id = self._fresh(self._managers, person.aad_object_id)
            if manager_id is not None and manager_id != person.aad_object_id:
                leader = self._leader(manager_id)
                if leader is not None:
                    return leader
        return self._completed_or_none(self._fallback.nearest_leader(person))

    # --- filling the cache --------------------------------------------------------------------

    async def prefetch(self, user_id: str, wait: float | None = None) -> None:
        """Loads what a turn by `user_id` will look up, waiting at most `wait` seconds.

        A lookup still running when the wait ends goes on in the background and serves the
        next turn; this one uses the configuration. Never raises.
        """
        if not self._missing(user_id) or self._resting(user_id):
            return
        task = self._inflight.get(user_id)
        if task is None:
            task = asyncio.create_task(self._load(user_id, force=False))
            self._inflight[user_id] = task
            task.add_done_callback(lambda _: self._inflight.pop(user_id, None))
        try:
            await asyncio.wait_for(asyncio.shield(task), self._turn_wait if wait is None else wait)
        except TimeoutError:
            log.info("graph lookup for user %s still running; configuration used", user_id)
        except Exception:  # _load catches its own; this guards the guard
            log.warning("graph prefetch for user %s failed", user_id)

    async def refresh(self, user_ids: Iterable[str]) -> None:
        """Reloads every id now, whatever the cache holds; failures keep the old entries."""
        ids = list(dict.fromkeys(user_ids))
        await asyncio.gather(*(self._load(user_id, force=True) for user_id in ids))

    async def refresh_forever(self, user_ids: Callable[[], Iterable[str]], every_s: float) -> None:
        """The periodic refresh, for a background task; ends only when cancelled."""
        while True:
            try:
                await self.refresh(user_ids())
            except Exception:
                log.warning("graph directory refresh failed")
            await asyncio.sleep(every_s)

    # --- internals ----------------------------------------------------------------------------

    def _fresh(self, cache: dict[str, _Entry[T]], key: str) -> T | None:
        entry = cache.get(key)
        if entry is None or entry.expires <= self._now():
            return None
        return entry.value

    def _has_fresh(self, cache: dict[str, _Entry[T]], key: str) -> bool:
        entry = cache.get(key)
        return entry is not None and entry.expires > self._now()

    def _missing(self, user_id: str) -> bool:
        if self._leader_from_manager and not self._has_fresh(self._managers, user_id):
            return True
        return self._wants_profile(user_id) and not self._has_fresh(self._profiles, user_id)

    def _wants_profile(self, user_id: str) -> bool:
        """Configured people keep their configured names; only the others need Graph's."""
        return self._fallback.person(user_id) is None

    def _resting(self, user_id: str) -> bool:
        now = self._now()
        return now < self._paused_until or now < self._failed_until.get(user_id, 0.0)

    def _is_manager(self, user_id: str) -> bool:
        now = self._now()
        return any(e.value == user_id and e.expires > now for e in self._managers.values())

    def _leader(self, manager_id: str) -> Person | None:
        configured = self._fallback.person(manager_id)
        if configured is not None:
            return self._completed(configured)
        if self._only_configured_leaders:
            log.info("manager %s is not in the configuration; configured leader used", manager_id)
            return None
        profile = self._fresh(self._profiles, manager_id)
        return Person(
            aad_object_id=manager_id,
            name=(profile.display_name if profile else None) or UNNAMED_LEADER,
            roles=frozenset({Role.LEDER}),
            email=profile.email if profile else None,
        )

    def _completed(self, person: Person) -> Person:
        if person.email is not None:
            return person
        profile = self._fresh(self._profiles, person.aad_object_id)
        if profile is None or profile.email is None:
            return person
        return dataclasses.replace(person, email=profile.email)

    def _completed_or_none(self, person: Person | None) -> Person | None:
        return None if person is None else self._completed(person)

    def _store(self, cache: dict[str, _Entry[T]], key: str, value: T) -> None:
        cache[key] = _Entry(value, self._now() + self._ttl)

    async def _load(self, user_id: str, *, force: bool) -> None:
        if self._now() < self._paused_until:
            return
        calls: list[Coroutine[Any, Any, bool]] = []
        if self._leader_from_manager and (force or not self._has_fresh(self._managers, user_id)):
            calls.append(self._load_manager(user_id))
        if force or (self._wants_profile(user_id) and not self._has_fresh(self._profiles, user_id)):
            calls.append(self._load_profile(user_id))
        outcomes = await asyncio.gather(*calls)
        if all(outcomes):
            self._failed_until.pop(user_id, None)

    async def _load_profile(self, user_id: str) -> bool:
        query = UserItemRequestBuilder.UserItemRequestBuilderGetQueryParameters(
            select=PROFILE_FIELDS
        )
        try:
            user = await self._call(
                self._graph.users.by_user_id(user_id).get(
                    RequestConfiguration(query_parameters=query)
                )
            )
        except Exception as error:
            return self._failed("profile", user_id, error, self._profiles)
        self._store(self._profiles, user_id, _profile(user) if user is not None else None)
        return True

    async def _load_manager(self, user_id: str) -> bool:
        query = ManagerRequestBuilder.ManagerRequestBuilderGetQueryParameters(select=PROFILE_FIELDS)
        try:
            manager = await self._call(
                self._graph.users.by_user_id(user_id).manager.get(
                    RequestConfiguration(query_parameters=query)
                )
            )
        except Exception as error:
            return self._failed("manager", user_id, error, self._managers)
        manager_id = manager.id if manager is not None else None
        if manager is not None and not _is_user(manager):
            # An organisational contact can be a manager but cannot be reached in Teams.
            log.info("manager of user %s is not a user (%s)", user_id, manager.odata_type)
            manager_id = None
        self._store(self._managers, user_id, manager_id)
        if manager is not None and manager_id:
            self._store(self._profiles, manager_id, _profile(manager))
        return True

    async def _call(self, operation: Awaitable[T]) -> T:
        async with self._limit:
            return await asyncio.wait_for(operation, self._timeout)

    def _failed(
        self,
        what: str,
        user_id: str,
        error: Exception,
        negative_cache: dict[str, _Entry[T | None]],
    ) -> bool:
        """Caches a 404 as a negative answer; anything else is a failure, and rests a while."""
        failure = classify(error)
        if failure.status == 404:
            self._store(negative_cache, user_id, None)
            log.info("graph %s for user %s: not found", what, user_id)
            return True
        now = self._now()
        self._failed_until[user_id] = now + self._failure_backoff
        if failure.throttled:
            pause = failure.retry_after if failure.retry_after is not None else DEFAULT_THROTTLE_S
            self._paused_until = max(self._paused_until, now + pause)
        _log_failure(what, user_id, failure)
        return False


def _is_user(item: DirectoryObject) -> bool:
    return isinstance(item, User) or item.odata_type in (None, USER_TYPE)


def _profile(item: DirectoryObject) -> Profile:
    if isinstance(item, User):
        return Profile(item.display_name, item.mail or item.user_principal_name)
    extra = item.additional_data or {}
    name = extra.get("displayName")
    mail = extra.get("mail") or extra.get("userPrincipalName")
    return Profile(name if isinstance(name, str) else None, mail if isinstance(mail, str) else None)


def _log_failure(what: str, user_id: str, failure: Failure) -> None:
    log.warning(
        "graph %s for user %s failed (%s%s%s); configuration used",
        what,
        user_id,
        failure.kind,
        f", {failure.code}" if failure.code else "",
        f", retry after {failure.retry_after:g} s" if failure.retry_after is not None else "",
    )
