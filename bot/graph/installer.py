"""Installs the app for a user who never opened it, so an alert can still reach them.

Teams only lets a bot open a chat with someone who has the app. A leader who never opened the
bot would miss an alert; with the application permission
`TeamsAppInstallation.ReadWriteSelfForUser.All` the bot installs itself for them through Graph
(only itself, only in personal scope) and gets the chat's id to write into.

Failures are `AppInstallError`, a `DeliveryError`: the outbox retries the retryable ones with the
answer's Retry-After, and flags the others (a missing consent, an unknown user) to rektor.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable
from typing import TypeVar

from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.user_scope_teams_app_installation import (
    UserScopeTeamsAppInstallation,
)
from msgraph.generated.users.item.teamwork.installed_apps.installed_apps_request_builder import (
    InstalledAppsRequestBuilder,
)

from bot.graph.client import GraphConnection
from bot.graph.errors import Failure, classify
from bot.services.ports import DeliveryError

log = logging.getLogger(__name__)

T = TypeVar("T")

_CATALOG_ID = re.compile(r"^[0-9A-Za-z-]{1,64}$")


class AppInstallError(DeliveryError):
    """The app could not be installed for a user, or its chat not found.

    `retryable` is False when only an administrator can help: the permission is not consented
    (403), the user or the catalog app does not exist (404, 400), the credential is refused.
    """

    def __init__(self, message: str, failure: Failure) -> None:
        super().__init__(
            message,
            retryable=failure.retryable,
            retry_after=failure.retry_after,
            status=failure.status,
        )
        self.failure = failure


class GraphAppInstaller:
    def __init__(
        self, connection: GraphConnection, *, catalog_app_id: str, graph_base_url: str
    ) -> None:
        """`catalog_app_id` is the app's id in the tenant's app catalog, not the manifest id.

        `graph_base_url` names the catalog in the `@odata.bind` link; Graph expects its own
        absolute URL there, so it follows the client's base URL (national clouds, tests).
        """
        if not _CATALOG_ID.match(catalog_app_id):
            # It goes into an OData filter: only an id's characters may.
            raise ValueError(f"«{catalog_app_id}» is not a Teams catalog app id")
        self._graph = connection.client
        self._timeout = connection.timeout_s
        self._catalog_app_id = catalog_app_id
        self._bind = f"{graph_base_url.rstrip('/')}/appCatalogs/teamsApps/{catalog_app_id}"

    async def install_and_get_chat(self, user_id: str) -> str:
        """The id of the personal chat between the bot and `user_id`, installing if need be."""
        installation_id = await self._install(user_id)
        if installation_id is None:
            installation_id = await self._find(user_id)
        chat = await self._step(
            "chat",
            user_id,
            self._installed_apps(user_id)
            .by_user_scope_teams_app_installation_id(installation_id)
            .chat.get(),
            # Right after an install the chat may not be visible yet.
            not_found_retryable=True,
        )
        if chat is None or not chat.id:
            raise AppInstallError("the installation has no chat yet", _pending())
        log.info("app installed for user %s; chat found", user_id)
        return chat.id

    def _installed_apps(self, user_id: str) -> InstalledAppsRequestBuilder:
        return self._graph.users.by_user_id(user_id).teamwork.installed_apps

    async def _install(self, user_id: str) -> str | None:
        """Installs; None when it was installed already (409) or Graph gave no id back."""
        body = UserScopeTeamsAppInstallation(additional_data={"teamsApp@odata.bind": self._bind})
        try:
            created = await self._call(self._installed_apps(user_id).post(body))
        except Exception as error:
            failure = classify(error)
            if failure.status == 409:
                log.info("app already installed for user %s", user_id)
                return None
            raise _install_error("install", user_id, failure) from None
        log.info("app installed for user %s", user_id)
        return created.id if created is not None and created.id else None

    async def _find(self, user_id: str) -> str:
        query = InstalledAppsRequestBuilder.InstalledAppsRequestBuilderGetQueryParameters(
            expand=["teamsApp"], filter=f"teamsApp/id eq '{self._catalog_app_id}'"
        )
        page = await self._step(
            "find installation",
            user_id,
            self._installed_apps(user_id).get(RequestConfiguration(query_parameters=query)),
        )
        for installation in (page.value if page is not None else None) or []:
            app = installation.teams_app
            if installation.id and (app is None or app.id in (None, self._catalog_app_id)):
                return installation.id
        # Installed a moment ago and not listed yet: worth another try.
        raise AppInstallError("the installation is not listed yet", _pending())

    async def _step(
        self,
        what: str,
        user_id: str,
        operation: Awaitable[T],
        *,
        not_found_retryable: bool = False,
    ) -> T:
        try:
            return await self._call(operation)
        except Exception as error:
            failure = classify(error)
            if not_found_retryable and failure.status == 404:
                failure = Failure(kind="404", retryable=True, status=404, code=failure.code)
            raise _install_error(what, user_id, failure) from None

    async def _call(self, operation: Awaitable[T]) -> T:
        return await asyncio.wait_for(operation, self._timeout)


def _pending() -> Failure:
    return Failure(kind="pending", retryable=True)


def _install_error(what: str, user_id: str, failure: Failure) -> AppInstallError:
    log.warning(
        "graph %s for user %s failed (%s%s)%s",
        what,
        user_id,
        failure.kind,
        f", {failure.code}" if failure.code else "",
        "" if failure.retryable else "; an administrator must act",
    )
    reason = {
        401: "the bot's Graph credential was refused",
        403: "refused: TeamsAppInstallation.ReadWriteSelfForUser.All not consented, "
        "or the app blocked by policy",
        404: "no such user or catalog app",
    }.get(failure.status or 0, f"Graph answered {failure.kind}")
    return AppInstallError(f"cannot install the app ({what}): {reason}", failure)
