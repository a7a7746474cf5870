"""Expressions are evaluated by Jinja's sandbox: data access works, Python internals do not."""
import pytest

from flows.errors import ExpressionError
from flows.expressions import evaluate, parse


def test_dotted_access_reads_keys_before_methods():
    assert evaluate("results.fetch.items[0]", {"results": {"fetch": {"items": [7, 8]}}}) == 7


def test_native_values_come_back_unchanged():
    assert evaluate("flow_input.xs | map('string') | list", {"flow_input": {"xs": [1, 2]}}) == ["1", "2"]
    assert evaluate("{'a': iter.index * 2}", {"iter": {"index": 3}}) == {"a": 6}


def test_python_internals_are_out_of_reach():
    with pytest.raises(ExpressionError, match="not allowed|unsafe|has no attribute"):
        evaluate("flow_input.__class__.__mro__", {"flow_input": {}})


def test_a_missing_key_is_a_clear_error():
    with pytest.raises(ExpressionError, match="missing"):
        evaluate("flow_input.missing", {"flow_input": {}})


def test_references_to_steps_are_found_statically():
    parsed = parse("results.a.x + results['b'] + flow_input.n")
    assert parsed.step_refs == ("a", "b")
    assert parsed.names == {"results", "flow_input"}
