"""Config flow steps of a WHOOP account: OAuth2 with WHOOP, reauthentication, reconfiguration."""

import logging
from typing import Any, override

from homeassistant.components import webhook
from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigFlowResult,
)
from homeassistant.const import CONF_ACCESS_TOKEN, CONF_TOKEN
from homeassistant.core import callback
from homeassistant.helpers import config_entry_oauth2_flow
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ..const import whoop_base_url
from ..entry_kind import EntryKind
from ..whoop_api import (
    WhoopAuthenticationError,
    WhoopClient,
    WhoopError,
    WhoopResponseError,
)
from .auth.scopes import PROFILE_SCOPE, REQUESTED_SCOPES, missing_data_families
from .repairs import async_update_missing_scopes_issue
from .webhook import CONF_WEBHOOK_ID

_LOGGER = logging.getLogger(__name__)


class WhoopAccountFlowMixin(config_entry_oauth2_flow.AbstractOAuth2FlowHandler):
    """Sign in to WHOOP, identify the member, and create, reauthenticate or update their entry."""

    # Set when a reauthentication signed in as another member: the prompt must come back.
    _restart_reauth_of: str | None = None

    @property
    @override
    def logger(self) -> logging.Logger:
        """Return the logger of the OAuth2 steps."""
        return _LOGGER

    @property
    @override
    def extra_authorize_data(self) -> dict[str, Any]:
        """Ask for every read scope, and offline for a refresh token."""
        return {"scope": " ".join(REQUESTED_SCOPES)}

    async def async_step_whoop_account(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Start the OAuth2 dance with WHOOP."""
        return await self.async_step_pick_implementation()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Tell the user WHOOP access was lost, then sign in again."""
        if user_input is None:
            return self.async_show_form(
                step_id="reauth_confirm",
                description_placeholders={"name": self._get_reauth_entry().title},
            )
        return await self.async_step_pick_implementation()

    async def async_step_reconfigure_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Say what signing in again changes; on Submit, go to WHOOP.

        A form first, not WHOOP's page at once: the sign-in URL is built from the address the
        browser uses, which only a config flow request carries (a repair's fix flow starts this
        flow from a request that does not).
        """
        if user_input is None:
            return self.async_show_form(
                step_id="reconfigure_confirm",
                description_placeholders={"name": self._get_reconfigure_entry().title},
            )
        return await self.async_step_pick_implementation()

    @override
    async def async_oauth_create_entry(self, data: dict[str, Any]) -> ConfigFlowResult:
        """Identify the WHOOP member, then create or update their entry."""
        granted = set(data[CONF_TOKEN].get("scope", "").split())
        if PROFILE_SCOPE not in granted:
            return self.async_abort(reason="missing_profile_scope")

        access_token: str = data[CONF_TOKEN][CONF_ACCESS_TOKEN]

        async def token_provider() -> str:
            return access_token

        client = WhoopClient(
            async_get_clientsession(self.hass),
            token_provider,
            base_url=whoop_base_url(),
        )
        try:
            profile = await client.get_profile()
        except WhoopAuthenticationError:
            return self.async_abort(reason="oauth_unauthorized")
        except WhoopResponseError:
            _LOGGER.exception(
                "WHOOP answered the profile request with something unexpected"
            )
            return self.async_abort(reason="invalid_response")
        except WhoopError as err:
            _LOGGER.warning("Could not reach WHOOP to read the profile: %s", err)
            return self.async_abort(reason="cannot_connect")

        await self.async_set_unique_id(str(profile.user_id))
        data = {**data, **EntryKind.WHOOP_ACCOUNT.entry_data()}
        if self.source in (SOURCE_REAUTH, SOURCE_RECONFIGURE):
            entry = (
                self._get_reauth_entry()
                if self.source == SOURCE_REAUTH
                else self._get_reconfigure_entry()
            )
            if entry.unique_id != self.unique_id:
                if self.source == SOURCE_REAUTH:
                    self._restart_reauth_of = entry.entry_id
                return self.async_abort(
                    reason="wrong_account",
                    description_placeholders={"name": entry.title},
                )
            async_update_missing_scopes_issue(self.hass, entry, granted)
            # Merge: the entry keeps what it has beyond the token (its webhook id).
            return self.async_update_reload_and_abort(entry, data_updates=data)
        self._abort_if_unique_id_configured()

        # The member's webhook URL for the WHOOP dashboard; reauth and reconfigure keep it.
        data[CONF_WEBHOOK_ID] = webhook.async_generate_id()
        title = (
            " ".join(filter(None, (profile.first_name, profile.last_name))) or "WHOOP"
        )
        if missing := missing_data_families(granted):
            # Only the granted data families get entities; say which are left out.
            return self.async_create_entry(
                title=title,
                data=data,
                description="partial_scopes",
                description_placeholders={"missing": ", ".join(sorted(missing))},
            )
        return self.async_create_entry(title=title, data=data)

    @callback
    @override
    def async_remove(self) -> None:
        """Ask again after a reauthentication as the wrong member.

        Home Assistant drops the reauthentication prompt when its flow ends, however it ends; the
        entry still has no working sign-in, so a new prompt takes its place (once this flow is
        gone: only one reauthentication runs per entry).
        """
        super().async_remove()
        if self._restart_reauth_of is not None and (
            entry := self.hass.config_entries.async_get_entry(self._restart_reauth_of)
        ):
            entry.async_start_reauth(self.hass)
