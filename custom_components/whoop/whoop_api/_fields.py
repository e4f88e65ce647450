"""Declarative models: each field's annotation says how its JSON value is read.

A model is a frozen dataclass deriving from ``ApiModel`` whose fields are annotated
``Annotated[<type>, <FieldSpec>]``; ``ApiModel.from_api`` reads every field with its
spec, so no model spells out a parser of its own. Unknown JSON fields are ignored.

A measurement declares its plausible range: a value outside it (or not finite) is
unknown (``None``) rather than an error, so one absurd figure does not cost the whole
record. That is logged once per field, without the value (it is health data).
"""

from collections.abc import Callable
from dataclasses import Field, dataclass, fields
from datetime import datetime
from enum import StrEnum
import logging
from typing import Any, ClassVar, Self, cast, get_type_hints

from ._parsing import FieldReader, as_finite_float

_LOGGER = logging.getLogger(__name__)

# "Record.field" names already warned about: one warning per field, not per record.
_WARNED_FIELDS: set[str] = set()


@dataclass(frozen=True, slots=True)
class Range:
    """The plausible values of a measurement, bounds included."""

    minimum: float
    maximum: float

    def __contains__(self, value: float) -> bool:
        """Whether ``value`` lies within the bounds."""
        return self.minimum <= value <= self.maximum

    def __str__(self) -> str:
        """Describe the range for messages, e.g. ``0 to 100`` or ``0.5 to 2.5``."""
        return f"{_bound(self.minimum)} to {_bound(self.maximum)}"


def _bound(value: float) -> str:
    """Format a bound exactly: integers in full, fractions as written."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _implausible(reader: FieldReader, key: str, plausible: Range) -> None:
    """Log, once per field, that a value was discarded; never the value itself."""
    field_name = f"{reader.record_name}.{key}"
    if field_name in _WARNED_FIELDS:
        return
    _WARNED_FIELDS.add(field_name)
    _LOGGER.warning(
        "WHOOP sent a %s outside %s or not finite; it is shown as unknown",
        field_name,
        plausible,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldSpec:
    """How one model field is read from the JSON object of its record."""

    key: str | None = None
    """The JSON key, when it differs from the attribute name."""
    optional: bool = False
    """Whether an absent or null value is allowed (it gives ``None``)."""

    def read(self, reader: FieldReader, name: str) -> object:
        """Return the value of attribute ``name`` from ``reader``'s object."""
        key = self.key or name
        if self.optional and not reader.has(key):
            return None
        return self.parse(reader, key)

    def parse(self, reader: FieldReader, key: str) -> object:
        """Return the present value of ``key``; a defect is a WhoopResponseError."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True, kw_only=True)
class Integer(FieldSpec):
    """An integral JSON number (``68.0`` included, booleans not).

    A value outside ``allowed`` is an error; with ``plausible``, a value outside it
    gives ``None`` (once logged).
    """

    allowed: Range | None = None
    plausible: Range | None = None

    def parse(self, reader: FieldReader, key: str) -> int | None:
        """Return the integer, or ``None`` if it is implausible."""
        number = reader.integer(key)
        if self.allowed is not None and number not in self.allowed:
            raise reader.invalid(key, f"an integer from {self.allowed}")
        if self.plausible is None or number in self.plausible:
            return number
        _implausible(reader, key, self.plausible)
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Number(FieldSpec):
    """A JSON number, integers included, as a float within ``plausible``.

    Outside it, or not finite (NaN, infinity, an integer beyond float), gives ``None``.
    """

    plausible: Range

    def parse(self, reader: FieldReader, key: str) -> float | None:
        """Return the number, or ``None`` if it is implausible."""
        number = as_finite_float(reader.json_number(key))
        if number is not None and number in self.plausible:
            return number
        _implausible(reader, key, self.plausible)
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Boolean(FieldSpec):
    """A JSON boolean."""

    def parse(self, reader: FieldReader, key: str) -> bool:
        """Return the boolean."""
        return reader.boolean(key)


@dataclass(frozen=True, slots=True, kw_only=True)
class Text(FieldSpec):
    """A JSON string, possibly empty."""

    def parse(self, reader: FieldReader, key: str) -> str:
        """Return the string."""
        return reader.string(key)


@dataclass(frozen=True, slots=True, kw_only=True)
class Identifier(FieldSpec):
    """A non-blank JSON string of at most ``max_length`` characters: a UUID."""

    max_length: int = 128

    def parse(self, reader: FieldReader, key: str) -> str:
        """Return the identifier."""
        text = reader.identifier(key)
        if len(text) > self.max_length:
            raise reader.invalid(key, f"at most {self.max_length} characters long")
        return text


@dataclass(frozen=True, slots=True, kw_only=True)
class Timestamp(FieldSpec):
    """An ISO 8601 string with an offset, as an aware UTC datetime."""

    def parse(self, reader: FieldReader, key: str) -> datetime:
        """Return the timestamp."""
        return reader.timestamp(key)


@dataclass(frozen=True, slots=True, kw_only=True)
class Choice(FieldSpec):
    """A JSON string naming a member of ``enum_type``."""

    enum_type: type[StrEnum]

    def parse(self, reader: FieldReader, key: str) -> StrEnum:
        """Return the member."""
        return reader.enum(key, self.enum_type)


@dataclass(frozen=True, slots=True, kw_only=True)
class Nested(FieldSpec):
    """A JSON object parsed as the model ``model``."""

    model: type[ApiModel]

    def parse(self, reader: FieldReader, key: str) -> ApiModel:
        """Return the nested model."""
        return self.model.from_api(reader.value(key))


class ApiModel:
    """Base of the declarative models; subclasses are frozen dataclasses."""

    __slots__ = ()
    # Set by dataclass(); declared so that fields() accepts the class.
    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]

    @classmethod
    def from_api(cls, data: object) -> Self:
        """Parse a decoded JSON value as this model.

        Raises:
            WhoopResponseError: ``data`` is not a well-formed record of this model.
        """
        reader = FieldReader(data, cls.__name__)
        values = {name: spec.read(reader, name) for name, spec in _field_specs(cls)}
        return cast("Callable[..., Self]", cls)(**values)


# Filled on each model's first parse: the annotations are read once per model.
_SPECS_OF_MODEL: dict[type[ApiModel], tuple[tuple[str, FieldSpec], ...]] = {}


def _field_specs(model: type[ApiModel]) -> tuple[tuple[str, FieldSpec], ...]:
    """Return each field of ``model`` with its spec, in declaration order."""
    if (cached := _SPECS_OF_MODEL.get(model)) is not None:
        return cached
    hints = get_type_hints(model, include_extras=True)
    specs: list[tuple[str, FieldSpec]] = []
    for model_field in fields(model):
        metadata = getattr(hints[model_field.name], "__metadata__", ())
        found = [item for item in metadata if isinstance(item, FieldSpec)]
        if len(found) != 1:
            msg = f"{model.__name__}.{model_field.name} needs exactly one FieldSpec"
            raise TypeError(msg)
        specs.append((model_field.name, found[0]))
    _SPECS_OF_MODEL[model] = tuple(specs)
    return _SPECS_OF_MODEL[model]
