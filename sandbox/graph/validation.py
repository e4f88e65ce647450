"""Check an outgoing message's JSON the way the Cloud API does and describe what it would deliver."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
import re
from typing import Final

from .constants import (
    BUTTON_ID_MAX_LENGTH,
    BUTTON_TITLE_MAX_LENGTH,
    CAPTION_MAX_LENGTH,
    INTERACTIVE_BODY_MAX_LENGTH,
    MAX_REPLY_BUTTONS,
    TEMPLATE_BODY_MAX_LENGTH,
    TEXT_MAX_LENGTH,
)
from .errors import GraphError
from .models import Button, UploadedMedia
from .recipients import recipient_digits
from .templates import STATUS_APPROVED, STATUS_DISABLED, STATUS_PAUSED, Template

# Types Meta knows; only these are emulated, the rest get 131051.
_EMULATED_TYPES: Final = frozenset(
    {"text", "template", "interactive", "image", "document"}
)
_META_TYPES: Final = _EMULATED_TYPES | {
    "audio", "video", "sticker", "location", "contacts", "reaction",
}  # fmt: skip
_IMAGE_TYPES: Final = frozenset({"image/jpeg", "image/png"})
# Meta: "Param text cannot have new-line/tab characters or more than 4 consecutive spaces".
_PARAMETER_POLICY: Final = re.compile(r"[\n\r\t]| {5,}")
_PARAMETER_POLICY_DETAILS: Final = (
    "Param text cannot have new-line/tab characters or more than 4 consecutive spaces"
)
# Meta fetches media links itself: only public HTTPS URLs with a host name work.
_HTTPS_URL: Final = re.compile(r"^https://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$")


@dataclass(frozen=True, slots=True)
class MessageContent:
    """What a valid message asks to deliver (everything the sandbox records but id and time)."""

    to: str
    wa_id: str
    type: str
    text: str | None = None
    template_name: str | None = None
    template_language: str | None = None
    body_parameters: tuple[str, ...] = ()
    header_parameters: tuple[str, ...] = ()
    parameter_names: tuple[str, ...] = ()
    media_link: str | None = None
    media_id: str | None = None
    caption: str | None = None
    filename: str | None = None
    reply_to: str | None = None
    preview_url: bool = False
    buttons: tuple[Button, ...] = ()
    category: str = "service"
    payload: Mapping[str, object] = field(default_factory=dict)

    @property
    def free_form(self) -> bool:
        """Whether only a person inside the 24-hour window receives it (everything but templates)."""
        return self.type != "template"


def parse_message(
    payload: object,
    templates: Mapping[tuple[str, str], Template],
    uploads: Mapping[str, UploadedMedia],
) -> MessageContent:
    """Validate a ``POST /{phone_number_id}/messages`` body.

    Raises:
        GraphError: With the code Meta uses for the first problem found.
    """
    body = _object(payload, "The request body must be a JSON object.")
    product = body.get("messaging_product")
    if product is None:
        raise GraphError(
            100, message="(#100) The parameter messaging_product is required."
        )
    if product != "whatsapp":
        raise GraphError(
            100,
            message=f"(#100) Param messaging_product must be one of {{WHATSAPP}} - got {product!r}.",
        )
    recipient_type = body.get("recipient_type", "individual")
    if recipient_type != "individual":
        raise GraphError(100, details="Param recipient_type must be individual.")
    to = body.get("to")
    digits = recipient_digits(to)
    message_type = body.get("type", "text")  # Meta's default
    if message_type not in _META_TYPES:
        raise GraphError(
            100, details=f"Param type must be one of {sorted(_META_TYPES)}."
        )
    if message_type not in _EMULATED_TYPES:
        raise GraphError(
            131051, details=f"The sandbox does not emulate {message_type} messages."
        )
    base = MessageContent(
        to=f"+{digits}",
        wa_id=digits,
        type=str(message_type),
        reply_to=_reply_to(body),
        payload=body,
    )
    match message_type:
        case "text":
            return _text(base, body)
        case "template":
            return _template(base, body, templates)
        case "interactive":
            return _interactive(base, body)
        case _:
            return _media(base, body, uploads)


def _text(base: MessageContent, body: Mapping[str, object]) -> MessageContent:
    text = _object(body.get("text"), "The parameter text is required.", code=131008)
    content = text.get("body")
    if not isinstance(content, str) or not content.strip():
        raise GraphError(131008, details="The parameter text['body'] is required.")
    if len(content) > TEXT_MAX_LENGTH:
        raise GraphError(
            100,
            details=f"Param text['body'] must be at most {TEXT_MAX_LENGTH} characters long.",
        )
    preview_url = text.get("preview_url", False)
    if not isinstance(preview_url, bool):
        raise GraphError(100, details="Param text['preview_url'] must be a boolean.")
    return replace(base, text=content, preview_url=preview_url)


def _template(
    base: MessageContent,
    body: Mapping[str, object],
    templates: Mapping[tuple[str, str], Template],
) -> MessageContent:
    request = _object(
        body.get("template"), "The parameter template is required.", code=131008
    )
    name = request.get("name")
    language = request.get("language")
    code = language.get("code") if isinstance(language, Mapping) else None
    if not isinstance(name, str) or not isinstance(code, str):
        raise GraphError(
            131008,
            details="The parameters template['name'] and template['language']['code'] are required.",
        )
    template = _approved_template(templates, name, code)
    supplied, payloads = _components(request.get("components", []))
    header = _parameters(
        template, "header", template.header_placeholders, supplied.get("header", [])
    )
    body_values = _parameters(
        template, "body", template.body_placeholders, supplied.get("body", [])
    )
    rendered = template.render(template.body, body_values)
    if len(rendered) > TEMPLATE_BODY_MAX_LENGTH:
        raise GraphError(
            132005,
            details=f"The body with its parameters is {len(rendered)} characters; at most {TEMPLATE_BODY_MAX_LENGTH}.",
        )
    if template.header:
        rendered = f"{template.render(template.header, header)}\n{rendered}"
    return replace(
        base,
        text=rendered,
        template_name=name,
        template_language=code,
        body_parameters=tuple(body_values.values()),
        header_parameters=tuple(header.values()),
        parameter_names=tuple(body_values) if template.named else (),
        buttons=_quick_replies(template, payloads),
        category=template.category.lower(),
    )


def _approved_template(
    templates: Mapping[tuple[str, str], Template], name: str, language: str
) -> Template:
    template = templates.get((name, language))
    if template is None:
        raise GraphError(
            132001, details=f"template name ({name}) does not exist in {language}"
        )
    if template.status == STATUS_APPROVED:
        return template
    if template.status == STATUS_PAUSED:
        raise GraphError(
            132015, details=f"Template {name} is paused because of low quality."
        )
    if template.status == STATUS_DISABLED:
        raise GraphError(132016, details=f"Template {name} is disabled.")
    raise GraphError(
        132001,
        details=f"template name ({name}) is not approved in {language} (status {template.status})",
    )


def _components(
    value: object,
) -> tuple[dict[str, Sequence[object]], dict[int, str]]:
    """Return the header and body parameters, and the quick-reply payloads by button index."""
    if not isinstance(value, list):
        raise GraphError(100, details="Param template['components'] must be an array.")
    parameters: dict[str, Sequence[object]] = {}
    payloads: dict[int, str] = {}
    for item in value:
        component = _object(item, "Each template component must be an object.")
        kind = component.get("type")
        if kind == "button":
            index, payload = _quick_reply_payload(component)
            payloads[index] = payload
            continue
        if kind not in {"header", "body"}:
            raise GraphError(
                100, details=f"The sandbox's templates have no {kind!r} component."
            )
        values = component.get("parameters", [])
        if not isinstance(values, list):
            raise GraphError(100, details=f"Param {kind} parameters must be an array.")
        parameters[str(kind)] = values
    return parameters, payloads


def _quick_reply_payload(component: Mapping[str, object]) -> tuple[int, str]:
    if component.get("sub_type") != "quick_reply":
        raise GraphError(
            100, details="The sandbox's template buttons are quick_reply buttons only."
        )
    index = component.get("index")
    if isinstance(index, str) and index.isascii() and index.isdigit():
        index = int(index)
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise GraphError(131009, details="Param button index must be 0, 1, 2...")
    values = component.get("parameters")
    parameter = values[0] if isinstance(values, list) and len(values) == 1 else None
    payload = parameter.get("payload") if isinstance(parameter, Mapping) else None
    if (
        not isinstance(parameter, Mapping)
        or parameter.get("type") != "payload"
        or not isinstance(payload, str)
        or not payload
    ):
        raise GraphError(
            131008,
            details="A quick_reply button takes one parameter of type payload.",
        )
    return index, payload


def _quick_replies(
    template: Template, payloads: Mapping[int, str]
) -> tuple[Button, ...]:
    """Return the template's quick replies; a tap returns the payload sent, else the button's text."""
    for index in payloads:
        if index >= len(template.buttons):
            raise GraphError(
                131009,
                details=f"Template {template.name} has no quick-reply button at index {index}.",
            )
    return tuple(
        Button(payloads.get(index, text), text)
        for index, text in enumerate(template.buttons)
    )


def _interactive(base: MessageContent, body: Mapping[str, object]) -> MessageContent:
    interactive = _object(
        body.get("interactive"), "The parameter interactive is required.", code=131008
    )
    if interactive.get("type") != "button":
        raise GraphError(
            131051,
            details="The sandbox emulates interactive messages of type button only.",
        )
    text_object = _object(
        interactive.get("body"),
        "The parameter interactive['body'] is required.",
        code=131008,
    )
    text = text_object.get("text")
    if not isinstance(text, str) or not text.strip():
        raise GraphError(
            131008, details="The parameter interactive['body']['text'] is required."
        )
    if len(text) > INTERACTIVE_BODY_MAX_LENGTH:
        raise GraphError(
            131009,
            details=f"Param interactive['body']['text'] must be at most {INTERACTIVE_BODY_MAX_LENGTH} characters long.",
        )
    action = _object(
        interactive.get("action"),
        "The parameter interactive['action'] is required.",
        code=131008,
    )
    buttons = _reply_buttons(action.get("buttons"))
    return replace(base, text=text, buttons=buttons)


def _reply_buttons(value: object) -> tuple[Button, ...]:
    if not isinstance(value, list) or not value:
        raise GraphError(
            131008,
            details="The parameter interactive['action']['buttons'] is required.",
        )
    if len(value) > MAX_REPLY_BUTTONS:
        raise GraphError(
            131009,
            details=f"Param interactive['action']['buttons'] must have at most {MAX_REPLY_BUTTONS} buttons.",
        )
    buttons: list[Button] = []
    for position, item in enumerate(value, start=1):
        button = _object(item, f"Button {position} must be an object.")
        reply = button.get("reply")
        if button.get("type") != "reply" or not isinstance(reply, Mapping):
            raise GraphError(
                131009, details=f"Button {position} must be of type reply with a reply."
            )
        button_id, title = reply.get("id"), reply.get("title")
        if (
            not isinstance(button_id, str)
            or not button_id
            or not isinstance(title, str)
            or not title.strip()
        ):
            raise GraphError(
                131008, details=f"Button {position} needs a reply id and title."
            )
        if len(title) > BUTTON_TITLE_MAX_LENGTH:
            raise GraphError(
                131009,
                details=f"Button title length invalid. Max length is {BUTTON_TITLE_MAX_LENGTH}.",
            )
        if len(button_id) > BUTTON_ID_MAX_LENGTH:
            raise GraphError(
                131009,
                details=f"Button id length invalid. Max length is {BUTTON_ID_MAX_LENGTH}.",
            )
        if any(existing.id == button_id for existing in buttons):
            raise GraphError(131009, details="Button ids must be unique.")
        buttons.append(Button(button_id, title))
    return tuple(buttons)


def _parameters(
    template: Template, kind: str, expected: tuple[str, ...], supplied: Sequence[object]
) -> dict[str, str]:
    """Return the supplied parameter values by placeholder name ("1", "2"... when positional)."""
    if len(supplied) != len(expected):
        raise GraphError(
            132000,
            details=f"{kind}: number of localizable_params ({len(supplied)}) does not match the expected number of params ({len(expected)})",
        )
    values: dict[str, str] = {}
    for position, item in enumerate(supplied, start=1):
        parameter = _object(item, f"Each {kind} parameter must be an object.")
        if parameter.get("type") != "text":
            raise GraphError(
                100,
                details="The sandbox's templates take parameters of type text only.",
            )
        text = parameter.get("text")
        if not isinstance(text, str) or not text:
            raise GraphError(
                131008,
                details=f"{kind} parameter {position}: the parameter text is required.",
            )
        if _PARAMETER_POLICY.search(text):
            raise GraphError(100, details=_PARAMETER_POLICY_DETAILS)
        values[_parameter_key(template, kind, parameter, position, expected)] = text
    return values


def _parameter_key(
    template: Template,
    kind: str,
    parameter: Mapping[str, object],
    position: int,
    expected: tuple[str, ...],
) -> str:
    name = parameter.get("parameter_name")
    if not template.named:
        if name is not None:
            raise GraphError(
                132012,
                details=f"Template {template.name} uses positional parameters: parameter_name is not expected.",
            )
        return str(position)
    if not isinstance(name, str) or not name:
        raise GraphError(
            131008,
            details=f"{kind} parameter {position}: parameter_name is required for named templates.",
        )
    if name not in expected:
        raise GraphError(
            132000,
            details=f"{kind}: template {template.name} has no parameter named {name}",
        )
    return name


def _media(
    base: MessageContent,
    body: Mapping[str, object],
    uploads: Mapping[str, UploadedMedia],
) -> MessageContent:
    kind = base.type
    media = _object(body.get(kind), f"The parameter {kind} is required.", code=131008)
    link, media_id = media.get("link"), media.get("id")
    if (link is None) == (media_id is None):
        raise GraphError(
            100, details=f"Param {kind} must contain exactly one of link and id."
        )
    if link is not None and (not isinstance(link, str) or not _HTTPS_URL.match(link)):
        raise GraphError(
            100, details=f"Param {kind}['link'] must be a public HTTPS URL."
        )
    if media_id is not None:
        upload = uploads.get(str(media_id))
        if upload is None:
            raise GraphError(
                100, details=f"Param {kind}['id'] is not a valid media id."
            )
        if kind == "image" and upload.mime_type not in _IMAGE_TYPES:
            raise GraphError(
                131053,
                details=f"Media of type {upload.mime_type} cannot be sent as an image.",
            )
    caption = _optional_str(media, "caption", kind)
    if caption is not None and len(caption) > CAPTION_MAX_LENGTH:
        raise GraphError(
            100,
            details=f"Param {kind}['caption'] must be at most {CAPTION_MAX_LENGTH} characters long.",
        )
    filename = _optional_str(media, "filename", kind) if kind == "document" else None
    return replace(
        base,
        media_link=link if isinstance(link, str) else None,
        media_id=None if media_id is None else str(media_id),
        caption=caption,
        filename=filename,
    )


def _reply_to(body: Mapping[str, object]) -> str | None:
    context = body.get("context")
    if context is None:
        return None
    message_id = context.get("message_id") if isinstance(context, Mapping) else None
    if not isinstance(message_id, str) or not message_id.startswith("wamid."):
        raise GraphError(
            131009,
            details="Param context['message_id'] must be the wamid of a message.",
        )
    return message_id


def _optional_str(data: Mapping[str, object], key: str, kind: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise GraphError(100, details=f"Param {kind}['{key}'] must be a string.")
    return value


def _object(value: object, details: str, *, code: int = 100) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise GraphError(code, details=details)
    return value
