"""Arguments of a Python job converted to what its main() annotates: a dataclass, a pydantic
model or an Enum member from their JSON values, at any depth. Imported by wrapper.py only for a
main() with annotated parameters, so a job without any does not pay for `typing` and
`dataclasses` (a fifth of the wrapper's start-up, which every pooled container pays).
"""
import collections.abc
import dataclasses
import enum
import types
import typing


class InvalidArgument(Exception):
    """An argument could not become the class main() annotates it with."""


def typed_args(main, args):
    """`args` (JSON values) as main()'s annotations ask: a JSON object becomes an instance of
    the dataclass or pydantic model it is annotated with, a value a member of its Enum, at any
    depth (lists, dicts, Optional, TypedDict fields); TypedDicts and anything else stay as
    they are. Raises InvalidArgument naming the parameter whose value does not fit."""
    try:
        hints = typing.get_type_hints(main, include_extras=True)
    except Exception:  # an annotation that cannot be evaluated: use the ones that are objects
        hints = {name: hint for name, hint in getattr(main, "__annotations__", {}).items()
                 if not isinstance(hint, str)}
    converted = dict(args)
    for name, value in args.items():
        if name in hints:
            try:
                converted[name] = to_annotation(hints[name], value)
            except Exception as exc:
                raise InvalidArgument(f"argument {name!r}: {type(exc).__name__}: {exc}") from None
    return converted


def to_annotation(hint, value):
    """`value` converted to what `hint` annotates (see typed_args)."""
    origin, params = typing.get_origin(hint), typing.get_args(hint)
    if origin in WRAPPING_FORMS:  # Annotated[T, ...], Required[T], NotRequired[T], ...
        return to_annotation(params[0], value)
    if origin is typing.Union or origin is types.UnionType:
        member = next((m for m in params if accepts(m, value)), None)
        return value if member is None else to_annotation(member, value)
    if origin in (list, tuple, set, frozenset) or origin in ABSTRACT_SEQUENCES:
        return to_sequence(origin, params, value)
    if (origin is dict or origin is collections.abc.Mapping) and isinstance(value, dict) \
            and len(params) == 2:
        return {key: to_annotation(params[1], item) for key, item in value.items()}
    if not isinstance(hint, type) or value is None:
        return value
    if issubclass(hint, enum.Enum):
        return value if isinstance(value, hint) else hint(value)
    if not isinstance(value, dict):
        return value
    if dataclasses.is_dataclass(hint):
        fields = typing.get_type_hints(hint, include_extras=True)
        return hint(**{key: to_annotation(fields[key], item) if key in fields else item
                       for key, item in value.items()})
    if callable(getattr(hint, "model_validate", None)):  # pydantic 2
        return hint.model_validate(value)
    if callable(getattr(hint, "parse_obj", None)) and hasattr(hint, "__fields__"):  # pydantic 1
        return hint.parse_obj(value)
    if typing.is_typeddict(hint):
        fields = typing.get_type_hints(hint, include_extras=True)
        return {key: to_annotation(fields[key], item) if key in fields else item
                for key, item in value.items()}
    return value


def to_sequence(origin, params, value):
    if not isinstance(value, list):
        return value
    if origin is tuple and params and not (len(params) == 2 and params[1] is Ellipsis):
        return tuple(to_annotation(hint, item) for hint, item in zip(params, value))
    items = [to_annotation(params[0], item) for item in value] if params else value
    return origin(items) if origin in (tuple, set, frozenset) else items


def accepts(hint, value):
    """Whether a Union member is the one a JSON value is meant for."""
    origin = typing.get_origin(hint)
    if origin in WRAPPING_FORMS:
        return accepts(typing.get_args(hint)[0], value)
    if value is None:
        return hint is type(None)
    if origin is not None:
        if origin in (list, tuple, set, frozenset) or origin in ABSTRACT_SEQUENCES:
            return isinstance(value, list)
        return isinstance(value, dict) and origin in (dict, collections.abc.Mapping)
    if not isinstance(hint, type):
        return False
    if issubclass(hint, enum.Enum):
        return any(member.value == value for member in hint)
    return isinstance(value, dict) and (
        dataclasses.is_dataclass(hint) or typing.is_typeddict(hint)
        or callable(getattr(hint, "model_validate", None)) or hasattr(hint, "__fields__"))


WRAPPING_FORMS = tuple(form for form in (
    typing.Annotated, getattr(typing, "Required", None), getattr(typing, "NotRequired", None),
    getattr(typing, "ReadOnly", None), typing.Final) if form is not None)
ABSTRACT_SEQUENCES = (collections.abc.Sequence, collections.abc.MutableSequence,
                      collections.abc.Iterable, collections.abc.Collection)
