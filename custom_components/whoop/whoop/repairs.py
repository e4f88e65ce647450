"""The missing-scopes repair: a WHOOP account that may not read every data family.

After a reauthentication or reconfiguration that granted fewer scopes than asked for, a repair names
the families left out; its fix flow starts the account's Reconfigure (sign in again and allow them).
The entities of a dropped family are kept, unavailable: their names, areas, history and the
automations that use them survive, and granting the scope again brings them back as they were. A
person who does not want them back deletes them on the entity's page.
"""

from typing import Any, Final

from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.components.repairs.const import FlowType
from homeassistant.config_entries import SOURCE_RECONFIGURE, ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
import probatio as vol

from ..const import DOMAIN
from .auth.scopes import missing_data_families

ISSUE_MISSING_SCOPES: Final = "missing_scopes"


def missing_scopes_issue_id(entry_id: str) -> str:
    """Return the id of the missing-scopes issue of an entry."""
    return f"{ISSUE_MISSING_SCOPES}_{entry_id}"


@callback
def async_update_missing_scopes_issue(
    hass: HomeAssistant, entry: ConfigEntry, granted_scopes: set[str]
) -> None:
    """Raise the repair when a data family is not granted, remove it when all are."""
    issue_id = missing_scopes_issue_id(entry.entry_id)
    if not (missing := missing_data_families(granted_scopes)):
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=True,
        is_persistent=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key=ISSUE_MISSING_SCOPES,
        translation_placeholders={
            "name": entry.title,
            "missing": ", ".join(sorted(missing)),
        },
        data={"entry_id": entry.entry_id},
    )


@callback
def async_delete_missing_scopes_issue(hass: HomeAssistant, entry_id: str) -> None:
    """Forget the repair of a deleted entry."""
    ir.async_delete_issue(hass, DOMAIN, missing_scopes_issue_id(entry_id))


class MissingScopesRepairFlow(RepairsFlow):
    """Say what is missing, then open the account's Reconfigure."""

    def __init__(self, entry_id: str) -> None:
        """Fix the issue of the entry ``entry_id``."""
        self._entry_id = entry_id

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Start with the explanation."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Explain; on Submit, hand over to the account's Reconfigure."""
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None:
            async_delete_missing_scopes_issue(self.hass, self._entry_id)
            return self.async_abort(reason="entry_removed")
        if user_input is None:
            issue = ir.async_get(self.hass).async_get_issue(DOMAIN, self.issue_id)
            return self.async_show_form(
                step_id="confirm",
                data_schema=vol.Schema({}),
                description_placeholders=issue.translation_placeholders
                if issue
                else None,
            )
        reconfigure = await self.hass.config_entries.flow.async_init(
            DOMAIN,
            context={"source": SOURCE_RECONFIGURE, "entry_id": entry.entry_id},
        )
        # An abort leaves the issue in place: only a reconfigure granting everything removes it.
        return self.async_abort(
            reason="reconfigure_started",
            next_flow=(FlowType.CONFIG_FLOW, reconfigure["flow_id"]),
        )


def async_create_fix_flow(issue_data: dict[str, Any] | None) -> RepairsFlow:
    """Return the fix flow of a missing-scopes issue."""
    entry_id = (issue_data or {}).get("entry_id")
    if not isinstance(entry_id, str):
        msg = "the missing-scopes issue has no entry id"
        raise TypeError(msg)
    return MissingScopesRepairFlow(entry_id)
