"""TypeScript jobs on Bun: positional arguments, undefined for what JSON leaves out, errors."""
from __future__ import annotations

import pytest

from app.introspection import parse_parameters, run_args
from worker.sandbox.base import FailureKind


@pytest.fixture
def ts_job(run, backend_for, limits_for):
    """`ts_job(code, **args)`: the outcome, with args prepared as the executor prepares them."""
    def run_ts(code: str, **args):
        prepared = run_args("typescript", parse_parameters("typescript", code), args)
        return run(backend_for("typescript"), "typescript", code, prepared,
                   limits=limits_for("typescript")).outcome
    return run_ts


def test_arguments_arrive_in_declaration_order_whatever_order_they_are_given(ts_job):
    code = "export async function main(b: string, a: number) {\n  return [a, b];\n}\n"
    assert ts_job(code, a=1, b="two").result == [1, "two"]


def test_left_out_arguments_are_undefined_so_default_values_apply(ts_job):
    code = ("export function main(a?: string, b: number = Date.now()) {\n"
            "  return [a === undefined, typeof b];\n}\n")
    assert ts_job(code).result == [True, "number"]


def test_a_syntax_error_names_its_line_and_column(ts_job, run, backend_for, limits_for):
    code = "export function main() {\n  const x = ;\n}\n"
    outcome = run(backend_for("typescript"), "typescript", code,
                  limits=limits_for("typescript")).outcome
    assert outcome.failure is FailureKind.EXCEPTION
    assert outcome.message == "SyntaxError: Unexpected ; (script.ts:2:13)"


def test_a_module_without_main_fails_clearly(run, backend_for, limits_for):
    outcome = run(backend_for("typescript"), "typescript", "export const x = 1;\n",
                  limits=limits_for("typescript")).outcome
    assert outcome.message == "MissingMain: the script exports no main() function"


def test_a_result_json_cannot_encode_fails_as_not_json(ts_job):
    outcome = ts_job("export function main() {\n  return 10n;\n}\n")
    assert outcome.failure is FailureKind.RESULT_NOT_JSON
