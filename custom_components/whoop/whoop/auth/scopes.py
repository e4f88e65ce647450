"""Which WHOOP OAuth scopes the integration asks for, and which data family each one unlocks."""

from enum import StrEnum
from typing import Final

from ...whoop_api import (
    OFFLINE_SCOPE,
    SCOPE_READ_BODY_MEASUREMENT,
    SCOPE_READ_CYCLES,
    SCOPE_READ_PROFILE,
    SCOPE_READ_RECOVERY,
    SCOPE_READ_SLEEP,
    SCOPE_READ_WORKOUT,
)


class DataFamily(StrEnum):
    """A family of WHOOP data, polled by its own coordinator."""

    RECOVERY = "recovery"
    SLEEP = "sleep"
    STRAIN = "strain"
    WORKOUT = "workout"
    BODY = "body"


PROFILE_SCOPE: Final = SCOPE_READ_PROFILE

SCOPE_OF_FAMILY: Final[dict[DataFamily, str]] = {
    DataFamily.RECOVERY: SCOPE_READ_RECOVERY,
    DataFamily.SLEEP: SCOPE_READ_SLEEP,
    DataFamily.STRAIN: SCOPE_READ_CYCLES,
    DataFamily.WORKOUT: SCOPE_READ_WORKOUT,
    DataFamily.BODY: SCOPE_READ_BODY_MEASUREMENT,
}

# Without "offline" WHOOP issues no refresh token at all.
REQUESTED_SCOPES: Final = (*SCOPE_OF_FAMILY.values(), PROFILE_SCOPE, OFFLINE_SCOPE)


def granted_families(granted_scopes: set[str]) -> set[DataFamily]:
    """Return the data families the member granted access to."""
    return {
        family for family, scope in SCOPE_OF_FAMILY.items() if scope in granted_scopes
    }


def missing_data_families(granted_scopes: set[str]) -> set[DataFamily]:
    """Return the data families the member did not grant."""
    return set(DataFamily) - granted_families(granted_scopes)
