"""Python scripts: main()'s signature and docstring become the job's argument schema."""
import textwrap

import pytest
from jsonschema import Draft202012Validator

from app.introspection import (
    SUPPORTED_LANGUAGES,
    MissingEntrypoint,
    ScriptSyntaxError,
    UnsupportedLanguage,
    parse_parameters,
)


def schema_of(code: str) -> dict:
    """Introspect `code`, asserting on the way that the result is a valid 2020-12 schema."""
    schema = parse_parameters("python", textwrap.dedent(code))
    Draft202012Validator.check_schema(schema)
    return schema


def param(signature: str) -> dict:
    """Schema of the single parameter `x` declared as `signature` (e.g. "x: int = 3")."""
    return schema_of(f"import typing, datetime\ndef main({signature}):\n    pass\n")["properties"]["x"]


def is_required(signature: str) -> bool:
    code = f"import typing\ndef main({signature}):\n    pass\n"
    return "x" in schema_of(code)["required"]


# --- types -------------------------------------------------------------------------------

@pytest.mark.parametrize("annotation, expected", [
    ("str", {"type": "string"}),
    ("int", {"type": "integer"}),
    ("float", {"type": "number"}),
    ("bool", {"type": "boolean"}),
])
def test_scalar_annotations_map_to_json_types(annotation, expected):
    assert param(f"x: {annotation}") == expected


@pytest.mark.parametrize("annotation", ["list", "typing.List"])
def test_bare_list_is_an_unconstrained_array(annotation):
    assert param(f"x: {annotation}") == {"type": "array"}


@pytest.mark.parametrize("annotation", ["list[int]", "typing.List[int]"])
def test_parametrised_list_constrains_its_items(annotation):
    assert param(f"x: {annotation}") == {"type": "array", "items": {"type": "integer"}}


@pytest.mark.parametrize("annotation", ["dict", "typing.Dict"])
def test_bare_dict_is_an_object(annotation):
    assert param(f"x: {annotation}") == {"type": "object"}


@pytest.mark.parametrize("annotation", ["dict[str, float]", "typing.Dict[str, float]"])
def test_dict_values_constrain_additional_properties(annotation):
    assert param(f"x: {annotation}") == {
        "type": "object", "additionalProperties": {"type": "number"},
    }


def test_nested_generics_map_recursively():
    assert param("x: list[dict[str, int]]") == {
        "type": "array",
        "items": {"type": "object", "additionalProperties": {"type": "integer"}},
    }


@pytest.mark.parametrize("annotation", ["datetime.datetime", "datetime"])
def test_datetime_is_a_date_time_string(annotation):
    assert param(f"x: {annotation}") == {"type": "string", "format": "date-time"}


def test_date_is_a_date_string():
    assert param("x: datetime.date") == {"type": "string", "format": "date"}


def test_bytes_is_a_base64_string():
    assert param("x: bytes") == {"type": "string", "contentEncoding": "base64"}


@pytest.mark.parametrize("annotation", ['typing.Literal["a", "b"]', 'Literal["a", "b"]'])
def test_literal_becomes_a_typed_enum(annotation):
    assert param(f"x: {annotation}") == {"type": "string", "enum": ["a", "b"]}


def test_literal_of_mixed_types_lists_each_type():
    assert param("x: typing.Literal[1, 'one']") == {"type": ["integer", "string"], "enum": [1, "one"]}


@pytest.mark.parametrize("annotation", ["typing.Optional[int]", "int | None", "typing.Union[int, None]"])
def test_optional_allows_null_and_defaults_to_none(annotation):
    assert param(f"x: {annotation}") == {"type": ["integer", "null"], "default": None}


@pytest.mark.parametrize("annotation", ["typing.Optional[int]", "int | None", "typing.Union[None, int]"])
def test_optional_parameter_is_not_required(annotation):
    assert not is_required(f"x: {annotation}")


def test_union_of_several_types_is_any_of():
    assert param("x: int | str") == {"anyOf": [{"type": "integer"}, {"type": "string"}]}


def test_string_annotation_is_read_like_the_real_one():
    assert param('x: "list[int]"') == {"type": "array", "items": {"type": "integer"}}


def test_unknown_annotation_is_unconstrained_but_keeps_its_text():
    assert param("x: pandas.DataFrame") == {"x-annotation": "pandas.DataFrame"}


def test_missing_annotation_is_unconstrained():
    assert param("x") == {}


# --- defaults and required ---------------------------------------------------------------

@pytest.mark.parametrize("default, expected", [
    ("3", 3), ("-1.5", -1.5), ("'hi'", "hi"), ("True", True),
    ("[1, 2]", [1, 2]), ("{'a': [1]}", {"a": [1]}), ("(1, 'a')", [1, "a"]),
])
def test_literal_default_is_kept(default, expected):
    assert param(f"x={default}")["default"] == expected


def test_parameter_without_default_is_required():
    assert is_required("x: int")


def test_parameter_with_default_is_not_required():
    assert not is_required("x: int = 3")


def test_computed_default_is_optional_without_a_default_value():
    assert param("x: int = len('abc')") == {"type": "integer"}
    assert not is_required("x: int = len('abc')")


def test_none_default_allows_null():
    assert param("x: str = None") == {"type": ["string", "null"], "default": None}


def test_default_json_cannot_carry_is_dropped():
    assert param("x: bytes = b'raw'") == {"type": "string", "contentEncoding": "base64"}


# --- parameter kinds and order -----------------------------------------------------------

def test_star_args_and_kwargs_are_not_parameters():
    schema = schema_of("def main(a, *args, **kwargs): pass")
    assert list(schema["properties"]) == ["a"]


def test_keyword_only_and_positional_only_are_parameters():
    schema = schema_of("def main(a, /, b, *, c=1): pass")
    assert list(schema["properties"]) == ["a", "b", "c"]
    assert schema["required"] == ["a", "b"]


def test_properties_keep_declaration_order_in_x_order():
    schema = schema_of("def main(zeta, alpha, mid=1, *, beta): pass")
    assert list(schema["properties"]) == ["zeta", "alpha", "mid", "beta"]
    assert schema["x-order"] == ["zeta", "alpha", "mid", "beta"]


def test_schema_is_a_closed_draft_2020_12_object():
    schema = schema_of("def main(a: int): pass")
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False


def test_schema_validates_the_arguments_main_accepts():
    schema = schema_of("def main(n: int, tag: str | None = None): pass")
    validator = Draft202012Validator(schema)
    assert validator.is_valid({"n": 1, "tag": None})
    assert not validator.is_valid({"n": "one"})
    assert not validator.is_valid({"n": 1, "extra": 2})


# --- docstrings --------------------------------------------------------------------------

DOCUMENTED = '''
def main(name: str, times, verbose: bool = False):
    """Greet someone politely.

    More detail that is not the summary.

    Args:
        name (str): Who to greet,
            on two lines.
        times (int): How often.
        verbose: Say more.
    """
'''


def test_docstring_summary_becomes_schema_description():
    assert schema_of(DOCUMENTED)["description"] == "Greet someone politely."


def test_docstring_args_become_property_descriptions():
    properties = schema_of(DOCUMENTED)["properties"]
    assert properties["name"]["description"] == "Who to greet, on two lines."
    assert properties["verbose"]["description"] == "Say more."


def test_docstring_type_applies_when_annotation_is_missing():
    assert schema_of(DOCUMENTED)["properties"]["times"] == {
        "type": "integer", "description": "How often.",
    }


def test_main_without_docstring_has_no_description():
    assert "description" not in schema_of("def main(): pass")


# --- entry point and errors --------------------------------------------------------------

def test_async_main_is_the_entry_point():
    assert list(schema_of("async def main(a: int): pass")["properties"]) == ["a"]


def test_last_module_level_main_wins():
    schema = schema_of("def main(a): pass\ndef main(b): pass\n")
    assert list(schema["properties"]) == ["b"]


def test_script_without_main_is_rejected():
    with pytest.raises(MissingEntrypoint, match=r"must define main\(\)"):
        schema_of("def helper(): pass\nclass X:\n    def main(self): pass\n")


def test_missing_main_is_a_script_syntax_error_at_line_one():
    with pytest.raises(ScriptSyntaxError) as caught:
        schema_of("x = 1\n")
    assert (caught.value.line, caught.value.column) == (1, 1)


def test_syntax_error_reports_line_and_column():
    with pytest.raises(ScriptSyntaxError) as caught:
        schema_of("import os\n\ndef main(a:\n    pass\n")
    assert (caught.value.line, caught.value.column) == (3, 9)


def test_syntax_error_message_names_the_position():
    with pytest.raises(ScriptSyntaxError, match=r"^invalid syntax at line 1, column 5: "):
        schema_of("x = = 1\n")


def test_parsing_does_not_surface_the_scripts_warnings(recwarn):
    schema_of('PATTERN = "\\d+"\ndef main(): pass\n')
    assert len(recwarn) == 0


def test_script_is_parsed_not_executed(tmp_path):
    marker = tmp_path / "ran"
    schema_of(f"open({str(marker)!r}, 'w').close()\nraise SystemExit(1)\ndef main(a): pass\n")
    assert not marker.exists()


# --- registry ----------------------------------------------------------------------------

def test_python_and_bash_are_supported():
    assert {"python", "bash"} <= set(SUPPORTED_LANGUAGES)


def test_unknown_language_is_rejected():
    with pytest.raises(UnsupportedLanguage) as caught:
        parse_parameters("cobol", "")
    assert caught.value.language == "cobol"
