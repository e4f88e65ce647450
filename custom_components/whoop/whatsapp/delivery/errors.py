"""What the user is told when WhatsApp refuses a message, and what is done about it.

:data:`ERROR_OUTCOMES` is the table: for each Cloud API error, the translated message, whether
the user fixes it in their settings or call (ServiceValidationError) or it is a failure of the
service or the account (HomeAssistantError). What else happens follows the client's own
classification (``WhatsAppError.kind``): a reauthentication for REAUTH, a repair issue for REPAIR.
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir

from ...const import DOMAIN
from ...whatsapp_api import (
    MEDIA_LIMITS,
    InvalidPhoneNumberError,
    MediaKind,
    WhatsAppAccountBlockedError,
    WhatsAppAuthenticationError,
    WhatsAppConnectionError,
    WhatsAppError,
    WhatsAppErrorKind,
    WhatsAppInvalidParameterError,
    WhatsAppMediaError,
    WhatsAppMediaTooLargeError,
    WhatsAppMessageError,
    WhatsAppNotRegisteredError,
    WhatsAppOutsideWindowError,
    WhatsAppPermissionError,
    WhatsAppRateLimitError,
    WhatsAppRecipientNotAllowedError,
    WhatsAppTemplateError,
    WhatsAppTemporaryError,
    WhatsAppUndeliverableError,
    WhatsAppUnsupportedMessageError,
)
from ..masking import mask_number, mask_numbers_in, sender_name
from ..settings import RecipientSettings
from .media import size_text

if TYPE_CHECKING:
    from ..runtime_data import WhatsAppConfigEntry

ISSUE_ACCOUNT_BLOCKED: Final = "whatsapp_account_blocked"
ISSUE_NOT_REGISTERED: Final = "whatsapp_not_registered"
_POLICY_URL: Final = "https://business.facebook.com/business-support-home"


@dataclass(frozen=True, slots=True)
class ErrorOutcome:
    """What the user gets for one kind of Cloud API error.

    Attributes:
        translation_key: The message under ``exceptions`` in the translations; for a REPAIR
            error also the repair issue under ``issues``.
        user_fixable: Raised as ServiceValidationError (the user's settings or call) rather
            than HomeAssistantError (the service or the account).
    """

    translation_key: str
    user_fixable: bool = False


# Most specific class first: the first match wins.
ERROR_OUTCOMES: Final[tuple[tuple[type[WhatsAppError], ErrorOutcome], ...]] = (
    (WhatsAppAuthenticationError, ErrorOutcome("whatsapp_authentication_failed")),
    (WhatsAppPermissionError, ErrorOutcome("whatsapp_permission_denied")),
    (WhatsAppAccountBlockedError, ErrorOutcome(ISSUE_ACCOUNT_BLOCKED)),
    (WhatsAppNotRegisteredError, ErrorOutcome(ISSUE_NOT_REGISTERED)),
    (
        WhatsAppMediaTooLargeError,
        ErrorOutcome("whatsapp_file_too_large", user_fixable=True),
    ),
    # A file type WhatsApp does not take: the same message as when Meta refuses it (131053).
    (WhatsAppMediaError, ErrorOutcome("whatsapp_invalid_parameter", user_fixable=True)),
    (WhatsAppMessageError, ErrorOutcome("whatsapp_invalid_message", user_fixable=True)),
    (
        WhatsAppTemplateError,
        ErrorOutcome("whatsapp_template_refused", user_fixable=True),
    ),
    (
        WhatsAppRecipientNotAllowedError,
        ErrorOutcome("whatsapp_recipient_not_allowed", user_fixable=True),
    ),
    (
        WhatsAppOutsideWindowError,
        ErrorOutcome("whatsapp_outside_window", user_fixable=True),
    ),
    (
        WhatsAppUndeliverableError,
        ErrorOutcome("whatsapp_undeliverable", user_fixable=True),
    ),
    (
        WhatsAppUnsupportedMessageError,
        ErrorOutcome("whatsapp_unsupported_message", user_fixable=True),
    ),
    (
        WhatsAppInvalidParameterError,
        ErrorOutcome("whatsapp_invalid_parameter", user_fixable=True),
    ),
    (WhatsAppRateLimitError, ErrorOutcome("whatsapp_rate_limited")),
    (WhatsAppConnectionError, ErrorOutcome("whatsapp_cannot_connect")),
    (WhatsAppTemporaryError, ErrorOutcome("whatsapp_temporarily_unavailable")),
)
UNKNOWN_ERROR_OUTCOME: Final = ErrorOutcome("whatsapp_send_failed")
ACCOUNT_ISSUES: Final = tuple(
    outcome.translation_key
    for error_class, outcome in ERROR_OUTCOMES
    if error_class.kind is WhatsAppErrorKind.REPAIR
)


def error_outcome(err: WhatsAppError) -> ErrorOutcome:
    """Return what the user gets for ``err``."""
    for error_class, outcome in ERROR_OUTCOMES:
        if isinstance(err, error_class):
            return outcome
    return UNKNOWN_ERROR_OUTCOME


class DeliveryErrors:
    """Turns Cloud API errors of one sender into translated errors, reauthentication and repairs."""

    def __init__(self, hass: HomeAssistant, entry: WhatsAppConfigEntry) -> None:
        """Report the errors of sends from ``entry``."""
        self._hass = hass
        self._entry = entry

    @contextmanager
    def translated(
        self, recipient: RecipientSettings, template: tuple[str, str] | None = None
    ) -> Iterator[None]:
        """Raise any error of the block as a translated Home Assistant error that says what to do.

        Args:
            recipient: Whom the message was for.
            template: The template's name and language, when one was sent.
        """
        try:
            yield
        except InvalidPhoneNumberError as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="whatsapp_invalid_phone_number",
                translation_placeholders={
                    "recipient": recipient.name,
                    "reason": err.reason,
                },
            ) from err
        except WhatsAppError as err:
            raise self.user_error(err, recipient, template) from err

    def clear_account_issues(self) -> None:
        """Delete the account's repair issues: a message got through, so they are over."""
        for issue in ACCOUNT_ISSUES:
            ir.async_delete_issue(self._hass, DOMAIN, f"{issue}_{self._entry.entry_id}")

    def failure_reason(self, err: WhatsAppError, recipient: RecipientSettings) -> str:
        """Return the translated text of a failure WhatsApp reported later (a status webhook).

        As for a refused send, a reauthentication or repair follows when the error says so.
        """
        return str(self.user_error(err, recipient))

    def user_error(
        self,
        err: WhatsAppError,
        recipient: RecipientSettings,
        template: tuple[str, str] | None = None,
    ) -> HomeAssistantError:
        """Return the translated error for ``err``; start reauthentication or raise a repair if it says so.

        Also for errors that arrive later, e.g. in a status webhook: the caller logs or raises it.
        """
        outcome = error_outcome(err)
        template_name, language = template or ("", "")
        placeholders = {
            # Names and masked numbers only: error texts end up in logs and screenshots.
            "sender": sender_name(self._entry),
            "recipient": recipient.name,
            "phone_number": mask_number(recipient.phone_number),
            "template": template_name,
            "language": language,
            "code": str(err.code) if err.code is not None else "-",
            "details": mask_numbers_in(err.details or err.message),
            "reason": mask_numbers_in(err.message),
        }
        if isinstance(err, WhatsAppMediaTooLargeError):
            placeholders |= {
                "kind": err.media_kind,
                "size": size_text(err.size),
                "limit": MEDIA_LIMITS[MediaKind(err.media_kind)].label,
            }
        if err.kind is WhatsAppErrorKind.REAUTH:
            # Only a new token helps: ask for one now rather than at the next restart.
            self._entry.async_start_reauth(self._hass)
        elif err.kind is WhatsAppErrorKind.REPAIR:
            self._create_account_issue(outcome.translation_key, placeholders)
        error_class = (
            ServiceValidationError if outcome.user_fixable else HomeAssistantError
        )
        return error_class(
            translation_domain=DOMAIN,
            translation_key=outcome.translation_key,
            translation_placeholders=placeholders,
        )

    def _create_account_issue(
        self, issue: str, placeholders: Mapping[str, str]
    ) -> None:
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            f"{issue}_{self._entry.entry_id}",
            is_fixable=False,
            is_persistent=False,
            learn_more_url=_POLICY_URL if issue == ISSUE_ACCOUNT_BLOCKED else None,
            severity=ir.IssueSeverity.ERROR,
            translation_key=issue,
            translation_placeholders={
                "sender": placeholders["sender"],
                "details": placeholders["details"],
            },
        )
