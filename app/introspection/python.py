"""Python scripts: the parameters of the module-level `main()`, read with `ast` only.

The user's code is parsed, never imported, executed or compiled to bytecode. Annotations are
mapped to JSON Schema by their spelling (`typing.List`, `List` and `list` mean the same);
classes declared in the script (TypedDict, dataclasses, pydantic models, Enums) are read by
app.introspection.python_models; `Resource["<type>"]` (from the taskmill SDK) takes a
resource of that type. Anything unrecognised is left unconstrained and its source text kept
as `x-annotation`.
"""
from __future__ import annotations

import ast
import warnings
from typing import Any

from app.introspection.base import Introspector, MissingEntrypoint, Schema, ScriptSyntaxError
from app.introspection.base import object_schema
from app.introspection.python_ast import (NO_VALUE, is_none, literal_value, parse_annotation_text,
                                          parse_docstring, subscript_args, type_name)
from app.introspection.python_models import (ENUM, class_kind, declared_classes, enum_members,
                                             enum_schema, field_constraints, object_class_schema,
                                             resource_type)

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
RESOURCE_MARKER = "Resource"
"""`Resource["postgresql"]` (taskmill.Resource) annotates a resource parameter."""
RESOURCE_FORMAT = "resource-"
"""`"format": "resource-<type>"` marks a parameter that takes a resource of that type."""


class PythonIntrospector(Introspector):
    """Schema of `main(...)`: annotations → types, literal defaults, Google-style Args docs."""

    language = "python"

    def parse_parameters(self, code: str) -> Schema:
        module = _parse_module(code)
        main = _find_main(module)
        mapper = AnnotationMapper(declared_classes(module))
        docs = parse_docstring(ast.get_docstring(main) or "")
        properties: dict[str, Schema] = {}
        required: list[str] = []
        for arg, default in _parameters(main.args):
            properties[arg.arg] = _property(mapper, arg, default, docs.get(arg.arg))
            # required only when neither Python nor the schema supplies a value
            if default is None and "default" not in properties[arg.arg]:
                required.append(arg.arg)
        schema = object_schema(properties, required, docs.get("", {}).get("description"))
        if mapper.defs:
            schema["$defs"] = mapper.defs
        return schema


class AnnotationMapper:
    """Annotation nodes → JSON Schema, knowing the classes the script declares.

    A declared class is inlined where it is used, except when it refers to itself (directly
    or through other classes): then it is written once under the root's `$defs` and used by
    `{"$ref": "#/$defs/<Name>"}`, so a recursive model is a finite schema.
    """

    def __init__(self, classes: dict[str, ast.ClassDef]) -> None:
        self.classes = classes
        self.defs: dict[str, Schema] = {}
        """Schemas of the recursive classes, by class name (the root schema's `$defs`)."""
        self._expanding: list[str] = []
        self._recursive: set[str] = set()

    def schema(self, node: ast.expr | None) -> Schema:
        """JSON Schema for one annotation node; `{}` (anything goes) when unknown or absent."""
        if node is None:
            return {}
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return self.schema(parse_annotation_text(node.value))  # forward reference
        if is_none(node):
            return {"type": "null"}
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return self._union([node.left, node.right])
        if isinstance(node, ast.Subscript):
            return self._generic(node)
        declared = self._declared(node)
        if declared is not None:
            return declared
        plain = _PLAIN.get(type_name(node))
        return dict(plain) if plain is not None else _unknown(node)

    def default_value(self, node: ast.expr) -> Any:
        """The JSON value of a default expression (literals, members of declared Enums), or
        NO_VALUE when it is computed."""
        value = literal_value(node)
        if value is NO_VALUE and isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            cls = self.classes.get(node.value.id)
            if cls is not None and class_kind(cls, self.classes) == ENUM:
                value = (enum_members(cls) or {}).get(node.attr, NO_VALUE)
        return value

    def nullable(self, schema: Schema) -> Schema:
        return _allow_null(schema)

    def _declared(self, node: ast.expr) -> Schema | None:
        """The schema of a class the script declares, or None if `node` names none."""
        cls = self.classes.get(node.id) if isinstance(node, ast.Name) else None
        kind = cls and class_kind(cls, self.classes)
        if not kind:
            return None
        if kind == ENUM:
            return enum_schema(cls)
        resource = resource_type(cls, kind)
        if resource:
            return {"type": "object", "format": RESOURCE_FORMAT + resource}
        ref = {"$ref": f"#/$defs/{cls.name}"}
        if cls.name in self.defs:
            return ref
        if cls.name in self._expanding:
            self._recursive.add(cls.name)
            return ref
        self._expanding.append(cls.name)
        try:
            built = object_class_schema(self, cls, kind, self.classes)
        finally:
            self._expanding.pop()
        if cls.name not in self._recursive:
            return built
        self.defs[cls.name] = built
        return ref

    def _generic(self, node: ast.Subscript) -> Schema:
        name = type_name(node.value)
        args = subscript_args(node)
        if name in _ARRAYS:
            return self._array(name, args)
        if name in _OBJECTS:
            values = self.schema(args[-1]) if len(args) == 2 else {}
            return {"type": "object", "additionalProperties": values} if values else {"type": "object"}
        if name in ("Optional", "Union"):
            return self._union(args + [ast.Constant(None)] if name == "Optional" else args)
        if name == "Literal":
            return _literal_schema(args)
        if name == "Annotated":
            return self._annotated(args)
        if name == RESOURCE_MARKER and len(args) == 1 and isinstance(args[0], ast.Constant) \
                and isinstance(args[0].value, str):
            return {"type": "object", "format": RESOURCE_FORMAT + args[0].value}
        return _unknown(node)

    def _annotated(self, args: list[ast.expr]) -> Schema:
        """`Annotated[T, Field(ge=0, description=...)]`: T with pydantic's constraints."""
        schema = self.schema(args[0])
        for meta in args[1:]:
            if isinstance(meta, ast.Call) and type_name(meta.func) == "Field":
                schema = field_constraints(meta, schema)
        return schema

    def _array(self, name: str, args: list[ast.expr]) -> Schema:
        homogeneous = name not in ("tuple", "Tuple") or (
            len(args) == 2 and isinstance(args[1], ast.Constant) and args[1].value is Ellipsis
        )
        if homogeneous:
            items = self.schema(args[0])
            return {"type": "array", "items": items} if items else {"type": "array"}
        fixed = [self.schema(arg) for arg in args]
        return {"type": "array", "prefixItems": fixed, "minItems": len(fixed), "maxItems": len(fixed)}

    def _union(self, members: list[ast.expr]) -> Schema:
        flat = [leaf for member in members for leaf in _union_members(member)]
        schemas = [self.schema(member) for member in flat if not is_none(member)]
        if not schemas:
            return {"type": "null"}
        if len(schemas) == 1:
            schema = schemas[0]
        else:  # one unconstrained member makes the whole union unconstrained
            schema = {"anyOf": schemas} if all(schemas) else {}
        return _allow_null(schema) if len(schemas) < len(flat) else schema


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


def _property(mapper: AnnotationMapper, arg: ast.arg, default: ast.expr | None,
              doc: dict[str, str] | None) -> Schema:
    doc = doc or {}
    annotation = arg.annotation or parse_annotation_text(doc.get("type", ""))
    schema = mapper.schema(annotation)
    if default is not None:
        value = mapper.default_value(default)
        if value is not NO_VALUE:  # else computed: optional, but main() supplies the value
            schema["default"] = value
    elif _is_optional(annotation):
        # the runner calls main(**args): an omitted Optional needs an explicit None
        schema["default"] = None
    if "default" in schema and schema["default"] is None:
        schema = _allow_null(schema)  # `x: str = None` means None is a value main() accepts
    if doc.get("description"):
        schema["description"] = doc["description"]
    return schema


def _literal_schema(args: list[ast.expr]) -> Schema:
    values = [literal_value(arg) for arg in args]
    if NO_VALUE in values:
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
    if "$ref" in schema:  # a recursive class: its own schema stays as it is
        rest = {key: value for key, value in schema.items() if key != "$ref"}
        return {"anyOf": [{"$ref": schema["$ref"]}, {"type": "null"}], **rest}
    return schema


def _is_optional(node: ast.expr | None) -> bool:
    """Whether the annotation admits None (Optional[T], T | None, Union[..., None], None)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _is_optional(parse_annotation_text(node.value))
    if isinstance(node, ast.Subscript):
        name = type_name(node.value)
        args = subscript_args(node)
        if name == "Optional":
            return True
        if name in ("Union", "Annotated"):
            return any(_is_optional(arg) for arg in (args if name == "Union" else args[:1]))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _is_optional(node.left) or _is_optional(node.right)
    return node is not None and is_none(node)


def _union_members(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union_members(node.left) + _union_members(node.right)
    return [node]


def _unknown(node: ast.expr) -> Schema:
    return {"x-annotation": ast.unparse(node)}
