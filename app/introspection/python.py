"""Python scripts: the parameters of the module-level `main()`, read with `ast` only.

The user's code is parsed, never imported, executed or compiled to bytecode. Annotations are
mapped to JSON Schema by their spelling (`typing.List`, `List` and `list` mean the same);
anything unrecognised is left unconstrained and its source text kept as `x-annotation`.
"""
from __future__ import annotations

import ast
import math
import warnings
from typing import Any

import docstring_parser

from app.introspection.base import Introspector, MissingEntrypoint, Schema, ScriptSyntaxError
from app.introspection.base import object_schema

_PLAIN: dict[str, Schema] = {
    "str": {"type": "string"},
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "bool": {"type": "boolean"},
    "bytes": {"type": "string", "contentEncoding": "base64"},
    "datetime": {"type": "string", "format": "date-time"},
    "date": {"type": "string", "format": "date"},
    "list": {"type": "array"}, "List": {"type": "array"}, "Sequence": {"type": "array"},
    "tuple": {"type": "array"}, "Tuple": {"type": "array"},
    "dict": {"type": "object"}, "Dict": {"type": "object"}, "Mapping": {"type": "object"},
    "Any": {},
}
_ARRAYS = {"list", "List", "Sequence", "tuple", "Tuple"}
_OBJECTS = {"dict", "Dict", "Mapping"}
_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", type(None): "null"}


class PythonIntrospector(Introspector):
    """Schema of `main(...)`: annotations → types, literal defaults, Google-style Args docs."""

    language = "python"

    def parse_parameters(self, code: str) -> Schema:
        main = _find_main(_parse_module(code))
        docs = _parse_docstring(ast.get_docstring(main) or "")
        properties: dict[str, Schema] = {}
        required: list[str] = []
        for arg, default in _parameters(main.args):
            properties[arg.arg] = _property(arg, default, docs.get(arg.arg))
            # required only when neither Python nor the schema supplies a value
            if default is None and "default" not in properties[arg.arg]:
                required.append(arg.arg)
        return object_schema(properties, required, docs.get("", {}).get("description"))


def _parse_module(code: str) -> ast.Module:
    try:
        with warnings.catch_warnings():  # e.g. invalid escapes: the author's concern, not ours
            warnings.simplefilter("ignore")
            return ast.parse(code)
    except SyntaxError as exc:
        raise ScriptSyntaxError(exc.msg, exc.lineno or 1, exc.offset or 1) from None
    except (ValueError, RecursionError) as exc:  # null bytes; absurdly deep nesting
        raise ScriptSyntaxError(str(exc) or type(exc).__name__) from None


def _find_main(module: ast.Module) -> ast.FunctionDef | ast.AsyncFunctionDef:
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    mains = [node for node in module.body if isinstance(node, functions) and node.name == "main"]
    if not mains:
        raise MissingEntrypoint("Python")
    return mains[-1]  # a later definition rebinds the name, as it would at run time


def _parameters(args: ast.arguments) -> list[tuple[ast.arg, ast.expr | None]]:
    """Named parameters in declaration order with their default nodes; *args/**kwargs skipped."""
    positional = args.posonlyargs + args.args
    padding: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    pairs = list(zip(positional, padding + list(args.defaults)))
    return pairs + list(zip(args.kwonlyargs, args.kw_defaults))


def _property(arg: ast.arg, default: ast.expr | None, doc: dict[str, str] | None) -> Schema:
    doc = doc or {}
    annotation = arg.annotation or _parse_annotation_text(doc.get("type", ""))
    schema = annotation_schema(annotation)
    if default is not None:
        try:
            schema["default"] = _json_literal(ast.literal_eval(default))
        except (ValueError, TypeError, SyntaxError, RecursionError):
            pass  # computed default: optional, but main() supplies the value
    elif _is_optional(annotation):
        # the runner calls main(**args): an omitted Optional needs an explicit None
        schema["default"] = None
    if "default" in schema and schema["default"] is None:
        schema = _allow_null(schema)  # `x: str = None` means None is a value main() accepts
    if doc.get("description"):
        schema["description"] = doc["description"]
    return schema


def annotation_schema(node: ast.expr | None) -> Schema:
    """JSON Schema for one annotation node; `{}` (anything goes) when unknown or absent."""
    if node is None:
        return {}
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return annotation_schema(_parse_annotation_text(node.value))  # forward reference
    if _is_none(node):
        return {"type": "null"}
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union_schema([node.left, node.right])
    if isinstance(node, ast.Subscript):
        return _generic_schema(node)
    plain = _PLAIN.get(_type_name(node))
    return dict(plain) if plain is not None else _unknown(node)


def _generic_schema(node: ast.Subscript) -> Schema:
    name = _type_name(node.value)
    args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    if name in _ARRAYS:
        return _array_schema(name, args)
    if name in _OBJECTS:
        values = annotation_schema(args[-1]) if len(args) == 2 else {}
        return {"type": "object", "additionalProperties": values} if values else {"type": "object"}
    if name in ("Optional", "Union"):
        return _union_schema(args + [ast.Constant(None)] if name == "Optional" else args)
    if name == "Literal":
        return _literal_schema(args)
    if name == "Annotated":
        return annotation_schema(args[0])
    return _unknown(node)


def _array_schema(name: str, args: list[ast.expr]) -> Schema:
    homogeneous = name not in ("tuple", "Tuple") or (
        len(args) == 2 and isinstance(args[1], ast.Constant) and args[1].value is Ellipsis
    )
    if homogeneous:
        items = annotation_schema(args[0])
        return {"type": "array", "items": items} if items else {"type": "array"}
    fixed = [annotation_schema(arg) for arg in args]
    return {"type": "array", "prefixItems": fixed, "minItems": len(fixed), "maxItems": len(fixed)}


def _union_schema(members: list[ast.expr]) -> Schema:
    flat = [leaf for member in members for leaf in _union_members(member)]
    schemas = [annotation_schema(member) for member in flat if not _is_none(member)]
    if not schemas:
        return {"type": "null"}
    if len(schemas) == 1:
        schema = schemas[0]
    else:  # one unconstrained member makes the whole union unconstrained
        schema = {"anyOf": schemas} if all(schemas) else {}
    return _allow_null(schema) if len(schemas) < len(flat) else schema


def _literal_schema(args: list[ast.expr]) -> Schema:
    try:
        values = [_json_literal(ast.literal_eval(arg)) for arg in args]
    except (ValueError, TypeError, SyntaxError):
        return {}
    types = list(dict.fromkeys(_JSON_TYPES.get(type(value)) for value in values))
    if None in types:  # a list or dict value: not a valid Literal, so claim nothing
        return {}
    return {"type": types[0] if len(types) == 1 else types, "enum": values}


def _allow_null(schema: Schema) -> Schema:
    """The same schema, also accepting null (`{}` already accepts everything)."""
    schema = dict(schema)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        schema["type"] = types if "null" in types else types + ["null"]
    if "enum" in schema and None not in schema["enum"]:
        schema["enum"] = schema["enum"] + [None]
    if "anyOf" in schema and {"type": "null"} not in schema["anyOf"]:
        schema["anyOf"] = schema["anyOf"] + [{"type": "null"}]
    return schema


def _is_optional(node: ast.expr | None) -> bool:
    """Whether the annotation admits None (Optional[T], T | None, Union[..., None], None)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _is_optional(_parse_annotation_text(node.value))
    if isinstance(node, ast.Subscript):
        name = _type_name(node.value)
        args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if name == "Optional":
            return True
        if name in ("Union", "Annotated"):
            return any(_is_optional(arg) for arg in (args if name == "Union" else args[:1]))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _is_optional(node.left) or _is_optional(node.right)
    return node is not None and _is_none(node)


def _union_members(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union_members(node.left) + _union_members(node.right)
    return [node]


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _type_name(node: ast.expr) -> str:
    """`x` for `x`, `typing.x` or `mod.x`: the spelling carries the meaning, not the import."""
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def _unknown(node: ast.expr) -> Schema:
    return {"x-annotation": ast.unparse(node)}


def _parse_annotation_text(text: str) -> ast.expr | None:
    """Parse a string annotation or docstring type ("int, optional" → `int`)."""
    text = text.removesuffix(", optional").strip()
    if not text:
        return None
    try:
        return ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return None


def _json_literal(value: Any) -> Any:
    """`value` as JSON data (tuples become lists); ValueError if JSON cannot carry it."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    if isinstance(value, (list, tuple)):
        return [_json_literal(item) for item in value]
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {key: _json_literal(item) for key, item in value.items()}
    raise ValueError(f"not representable in JSON: {value!r}")


def _parse_docstring(text: str) -> dict[str, dict[str, str]]:
    """Per-parameter {"type", "description"}; the summary line sits under the key ""."""
    try:
        parsed = docstring_parser.parse(text)
    except docstring_parser.ParseError:
        return {}
    docs = {"": {"description": _one_line(parsed.short_description)}}
    for param in parsed.params:
        docs[param.arg_name] = {
            "type": param.type_name or "",
            "description": _one_line(param.description),
        }
    return docs


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())
