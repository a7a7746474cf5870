"""The flow format: every module type and option round-trips; bad flows are refused at
save with the module and the JSON path (and line) of each problem."""
import pytest

from flows.definition import FlowDefinition
from flows.errors import FlowInvalid
from flows.source import definition_from_text
from tests.flows.helpers import as_yaml, expr, py, static

EVERY_TYPE = {
    "summary": "every module type",
    "description": "and every option",
    "schema": {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]},
    "modules": [
        {"id": "raw", "summary": "inline code", "value": py("return n", "n: int"),
         "input_transforms": {"n": expr("flow_input.n")},
         "retry": {"constant": {"attempts": 2, "seconds": 1.0},
                   "exponential": {"attempts": 3, "multiplier": 2.0, "seconds": 3.0}},
         "timeout": 30.0, "sleep": 0.5},
        {"id": "stored", "value": {"type": "script", "path": "u/alice/s", "hash": "abc"},
         "skip_if": {"expr": "flow_input.n > 10"},
         "stop_after_if": {"expr": "result == 0", "skip_if_stopped": True}},
        {"id": "sub", "value": {"type": "flow", "path": "u/alice/other"},
         "input_transforms": {"x": static([1, 2])}},
        {"id": "loop", "value": {"type": "forloopflow", "iterator": expr("results.raw | list"),
                                 "parallel": True, "parallelism": 4, "skip_failures": True,
                                 "modules": [{"id": "each", "value": {"type": "identity"}}]}},
        {"id": "one", "value": {"type": "branchone",
                                "branches": [{"summary": "big", "expr": "flow_input.n > 3",
                                              "modules": [{"id": "big", "value": {"type": "identity"}}]}],
                                "default": [{"id": "small", "value": {"type": "identity"}}]}},
        {"id": "all", "value": {"type": "branchall", "parallel": True,
                                "branches": [{"skip_failure": True, "modules": [{"id": "left", "value": {"type": "identity"}}]},
                                             {"modules": [{"id": "right", "value": {"type": "identity"}}]}]},
         "suspend": {"required_events": 2, "timeout": 60.0, "schema": {"type": "object"},
                     "user_auth_required": True}},
        {"id": "same", "value": {"type": "identity"}},
    ],
    "failure_module": {"id": "on_failure", "value": py("return error", "error: dict")},
    "tag": "heavy",
}


def test_every_module_type_and_option_round_trips():
    definition = FlowDefinition.from_dict(EVERY_TYPE)
    assert definition.to_dict() == EVERY_TYPE
    assert FlowDefinition.from_dict(definition.to_dict()) == definition


def test_yaml_text_reads_as_the_same_definition():
    assert definition_from_text(as_yaml(EVERY_TYPE)) == FlowDefinition.from_dict(EVERY_TYPE)


def test_defaults_are_left_out_when_written_back():
    minimal = {"modules": [{"id": "a", "value": {"type": "identity"}}]}
    assert FlowDefinition.from_dict(minimal).to_dict() == {"schema": {"type": "object", "properties": {}}, **minimal}


def problems(definition) -> list[dict]:
    text = definition if isinstance(definition, str) else as_yaml(definition)
    with pytest.raises(FlowInvalid) as caught:
        definition_from_text(text)
    return caught.value.details


def flow(*modules, **extra) -> dict:
    return {"modules": list(modules), **extra}


def identity(module_id: str, **extra) -> dict:
    return {"id": module_id, "value": {"type": "identity"}, **extra}


def test_duplicate_module_ids_are_refused_even_when_nested():
    found = problems(flow(identity("a"), {"id": "loop", "value": {
        "type": "forloopflow", "iterator": static([1]), "modules": [identity("a")]}}))
    assert found == [{"field": "modules[1].value.modules[0].id", "message": "duplicate module id 'a'",
                      "module": "a", "line": 13, "column": 11}]


def test_unknown_step_id_in_an_expression_names_module_and_position():
    found = problems(flow(identity("a"), {"id": "b", "value": py("return x", "x"),
                                          "input_transforms": {"x": expr("results.fetch.items[0]")}}))
    assert found[0]["module"] == "b"
    assert found[0]["field"] == "modules[1].input_transforms.x.expr"
    assert "unknown step id 'fetch'" in found[0]["message"]
    assert found[0]["line"] == 13


def test_a_result_read_before_its_step_runs_is_refused():
    found = problems(flow({"id": "b", "value": py("return x", "x"),
                           "input_transforms": {"x": expr("results.a")}}, identity("a")))
    assert "has not run yet" in found[0]["message"]


def test_expression_syntax_errors_point_at_the_expression():
    found = problems(flow({"id": "b", "value": py("return x", "x"),
                           "input_transforms": {"x": expr("flow_input.x +")}}))
    assert found[0]["field"] == "modules[0].input_transforms.x.expr"
    assert "invalid expression" in found[0]["message"]


def test_unknown_names_and_iter_outside_a_loop_are_refused():
    found = problems(flow({"id": "b", "value": py("return x", "x"),
                           "input_transforms": {"x": expr("flwo_input.x"), "y": expr("iter.value")}}))
    assert [p["message"] for p in found] == ["unknown name 'flwo_input' in 'flwo_input.x'",
                                             "unknown name 'iter' here in 'iter.value'"]


def test_structural_errors_name_the_field():
    found = problems(flow({"id": "loop", "value": {"type": "forloopflow", "parallelism": 0,
                                                   "modules": []}}))
    fields = {p["field"] for p in found}
    assert fields == {"modules[0].value.iterator", "modules[0].value.parallelism"}
    assert all(p["module"] == "loop" for p in found)


def test_unknown_module_type_and_bad_ids_are_refused():
    found = problems(flow({"id": "1bad", "value": {"type": "nope"}}))
    assert {p["field"] for p in found} == {"modules[0].id", "modules[0].value.type"}


def test_retry_applies_to_code_modules_only():
    found = problems(flow(identity("a", retry={"constant": {"attempts": 1, "seconds": 1}})))
    assert found[0]["message"] == "retry applies to rawscript and script modules, not identity"


def test_inline_code_that_does_not_parse_is_refused():
    found = problems(flow({"id": "a", "value": py("return (", "")}))
    assert found[0]["field"] == "modules[0].value.content" and "syntax" in found[0]["message"]


def test_invalid_yaml_reports_its_line():
    found = problems("modules:\n  - id: a\n    value: {type: identity\n")
    assert found[0]["line"] == 4 and "invalid YAML" in found[0]["message"]


def test_an_error_inside_a_multi_line_expression_points_at_its_own_line():
    text = ("modules:\n  - id: a\n    value: {type: identity}\n    skip_if:\n      expr: |\n"
            "        flow_input.x\n        and ]\n")
    found = problems(text)
    assert "invalid expression" in found[0]["message"]
    assert (found[0]["line"], found[0]["column"]) == (7, 9)


def test_retry_delays_follow_constant_then_exponential_backoff():
    definition = FlowDefinition.from_dict(EVERY_TYPE)
    retry = definition.find("raw").retry
    assert [retry.delay_before(n) for n in range(1, 7)] == [1.0, 1.0, 6.0, 18.0, 54.0, None]
