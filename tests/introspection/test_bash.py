"""Bash scripts: positional arguments become string parameters, named by their assignments."""
import textwrap

import pytest
from jsonschema import Draft202012Validator

from app.introspection import ScriptSyntaxError, parse_parameters
from app.introspection.bash import positional_args


def schema_of(code: str) -> dict:
    """Introspect `code`, asserting on the way that the result is a valid 2020-12 schema."""
    schema = parse_parameters("bash", textwrap.dedent(code))
    Draft202012Validator.check_schema(schema)
    return schema


def names(code: str) -> list[str]:
    return schema_of(code)["x-order"]


def properties(code: str) -> dict:
    return schema_of(code)["properties"]


# --- discovery and naming ----------------------------------------------------------------

def test_positional_references_become_string_parameters():
    schema = schema_of('echo $1 ${2} "$3"\n')
    assert schema["properties"] == {name: {"type": "string"} for name in ("arg1", "arg2", "arg3")}
    assert schema["required"] == ["arg1", "arg2", "arg3"]


@pytest.mark.parametrize("line", [
    'name="$1"', "name=$1", "name=${1}", "local name=$1", 'declare name="$1"',
    "readonly -a name=$1", "if true; then name=$1; fi",
])
def test_assignment_names_the_parameter(line):
    assert names(line + "\n") == ["name"]


def test_assignment_of_more_than_the_positional_does_not_name_it():
    assert names('greeting="hello $1"\n') == ["arg1"]


@pytest.mark.parametrize("line", ["x=${1/a/b}", "x=${#1}", "x=${1:0:2}", "x=${1:+set}"])
def test_assignment_of_a_transformed_positional_does_not_name_it(line):
    assert names(line + "\n") == ["arg1"]


def test_several_assignments_on_one_line_name_each_parameter():
    assert names("local a=$1 b=$2\n") == ["a", "b"]


def test_variable_assigned_twice_names_only_the_first_position():
    assert names("x=$1\nx=$2\n") == ["x", "arg2"]


def test_parameters_are_ordered_by_position_not_by_appearance():
    assert names('second="$2"\nfirst="$1"\n') == ["first", "second"]


def test_unused_positions_below_the_highest_are_optional_placeholders():
    schema = schema_of('a="$1"\nc="$3"\n')
    assert schema["x-order"] == ["a", "arg2", "c"]
    assert schema["properties"]["arg2"]["default"] == ""
    assert schema["required"] == ["a", "c"]


def test_braced_positions_may_have_two_digits():
    assert names("echo ${10}\n")[-1] == "arg10"


def test_bare_dollar_followed_by_two_digits_is_position_one():
    assert names("echo $10\n") == ["arg1"]


def test_special_parameters_are_not_parameters():
    assert names('echo "$0 $@ $* $# ${#} $$"\n') == []


def test_references_in_comments_are_ignored():
    assert names("# usage: $1\necho hi  # then $2\n") == []


def test_references_in_single_quotes_are_ignored():
    assert names("echo 'costs $1'\n") == []


def test_apostrophe_inside_double_quotes_does_not_hide_references():
    assert names("echo \"it's $1\"\n") == ["arg1"]


@pytest.mark.parametrize("function", [
    'log() { local msg=$1; echo "$msg $2"; }',
    'function log {\n  local msg="$1"\n  echo "$2"\n}',
    'function log() {\n  echo "${3:-x}"\n}',
])
def test_positionals_inside_functions_belong_to_the_function(function):
    assert names(function + '\nname="$1"\nlog hi\n') == ["name"]


def test_escaped_dollar_is_not_a_reference():
    assert names('echo "\\$1" \\$2\n') == []


def test_script_without_positionals_has_no_parameters():
    schema = schema_of("echo hello\n")
    assert schema["properties"] == {} and schema["required"] == []


# --- defaults ----------------------------------------------------------------------------

@pytest.mark.parametrize("line, default", [
    ('count="${2:-10}"', "10"),
    ("count=${2-10}", "10"),
    ("count=${2:=10}", "10"),
    ('count="${2:-a b}"', "a b"),
    ("count=${2:-'a b'}", "a b"),
    ('count=${2:-"a b"}', "a b"),
    ("count=${2-}", ""),
])
def test_default_operator_gives_default(line, default):
    assert properties(line + "\n")["count"] == {"type": "string", "default": default}


def test_parameter_with_default_is_not_required():
    assert schema_of('a=$1\nb="${2:-x}"\n')["required"] == ["a"]


def test_expanding_default_is_optional_without_a_value():
    schema = schema_of('dir="${1:-$HOME}"\n')
    assert schema["properties"]["dir"] == {"type": "string"}
    assert schema["required"] == []


def test_error_if_unset_operator_keeps_parameter_required():
    assert schema_of('name="${1:?name is required}"\n')["required"] == ["name"]


def test_default_given_by_any_reference_counts():
    schema = schema_of('echo "$1"\nname="${1:-world}"\n')
    assert schema["properties"]["name"]["default"] == "world"
    assert schema["required"] == []


# --- descriptions ------------------------------------------------------------------------

def test_comment_directly_above_assignment_is_the_description():
    code = "#!/bin/bash\n# the name to greet\nname=\"$1\"\n"
    assert properties(code)["name"]["description"] == "the name to greet"


def test_comment_separated_by_a_blank_line_is_not_a_description():
    assert "description" not in properties("# a script\n\nname=$1\n")["name"]


def test_shebang_is_not_a_description():
    assert "description" not in properties("#!/bin/bash\nname=$1\n")["name"]


# --- syntax ------------------------------------------------------------------------------

def test_syntax_error_reports_its_line():
    with pytest.raises(ScriptSyntaxError) as caught:
        schema_of("name=$1\nif true; then\n  echo hi\nfi\nfi\n")
    assert (caught.value.line, caught.value.column) == (5, 1)
    assert "unexpected token" in caught.value.message


def test_unterminated_quote_is_a_syntax_error():
    with pytest.raises(ScriptSyntaxError):
        schema_of('echo "never closed\n')


def test_syntax_check_does_not_run_the_script(tmp_path):
    marker = tmp_path / "ran"
    schema_of(f"touch {marker}\n")
    assert not marker.exists()


# --- positional_args ---------------------------------------------------------------------

SCRIPT = 'name="$1"\ncount="${2:-10}"\necho "$3"\n'


def test_positional_args_follow_schema_order():
    schema = schema_of(SCRIPT)
    assert positional_args(schema, {"arg3": "c", "name": "a", "count": "b"}) == ["a", "b", "c"]


def test_positional_args_fill_missing_values_with_defaults():
    assert positional_args(schema_of(SCRIPT), {"name": "a", "arg3": "c"}) == ["a", "10", "c"]


def test_positional_args_convert_values_with_str_and_none_to_empty():
    schema = schema_of(SCRIPT)
    assert positional_args(schema, {"name": 7, "count": None, "arg3": True}) == ["7", "", "True"]
