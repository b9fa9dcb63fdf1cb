"""Dataclass ↔ row by name: a table's columns are listed once, in `storage.models`.

A domain dataclass and its table share field names, so both directions are derived from the
dataclass's fields; enums are stored by value and come back as the enum. What a table stores
differently (a sealed document, a derived column) is named where it differs, not field by field.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Mapping, Set
from typing import Any, TypeVar

T = TypeVar("T")


_FIELDS: dict[type[Any], tuple[tuple[str, Any], ...]] = {}


def _fields(cls: type[Any]) -> tuple[tuple[str, Any], ...]:
    """Each dataclass's fields and resolved types, worked out once."""
    found = _FIELDS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        found = _FIELDS[cls] = tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))
    return found


def _enum_of(annotation: Any) -> type[enum.Enum] | None:
    """The enum class in `Kind` or `Kind | None`, if the field holds one."""
    candidates = (
        typing.get_args(annotation)
        if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union
        else (annotation,)
    )
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, enum.Enum):
            return candidate
    return None


def columns(obj: Any, *, leave_out: Set[str] = frozenset()) -> dict[str, Any]:
    """The row values of a dataclass instance: every field but those left out."""
    values: dict[str, Any] = {}
    for name, _annotation in _fields(type(obj)):
        if name in leave_out:
            continue
        value = getattr(obj, name)
        values[name] = value.value if isinstance(value, enum.Enum) else value
    return values


def from_row(cls: type[T], row: Any, **given: Any) -> T:
    """The dataclass from a row: fields named in `given` come from there, the rest by name."""
    values: dict[str, Any] = {}
    for name, annotation in _fields(cls):
        if name in given:
            values[name] = given[name]
            continue
        if not hasattr(row, name):
            continue  # a field with a default the table does not store
        value = getattr(row, name)
        kind = _enum_of(annotation)
        values[name] = kind(value) if kind is not None and value is not None else value
    return cls(**values)


def only(values: Mapping[str, Any], keys: Set[str]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k in keys}
