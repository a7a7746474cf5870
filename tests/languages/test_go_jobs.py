"""Go jobs: compiled per run against the standard library, arguments decoded into Go types."""
from __future__ import annotations

import pytest

from worker.sandbox.base import FailureKind


@pytest.fixture
def go_job(run, backend_for, limits_for):
    """`go_job(code, **args)`: the outcome of a Go job (generous limits: it compiles first)."""
    def run_go(code: str, **args):
        return run(backend_for("go"), "go", code, args, limits=limits_for("go")).outcome
    return run_go


def test_arguments_decode_into_declared_types_including_structs(go_job):
    code = ("package main\n\ntype Point struct {\n\tX int `json:\"x\"`\n\tY int `json:\"y\"`\n}\n\n"
            "func main(p Point, scale float64, names []string, opt *int) (interface{}, error) {\n"
            "\treturn map[string]interface{}{\"x\": float64(p.X) * scale, \"y\": p.Y,"
            " \"names\": names, \"opt\": opt}, nil\n}\n")
    outcome = go_job(code, p={"x": 2, "y": 3}, scale=1.5, names=["a"])
    assert outcome.success, outcome
    assert outcome.result == {"x": 3.0, "y": 3, "names": ["a"], "opt": None}


def test_a_compile_error_reports_the_compilers_line(go_job):
    code = "package main\n\nfunc main() (int, error) {\n\treturn undefinedThing, nil\n}\n"
    outcome = go_job(code)
    assert outcome.failure is FailureKind.EXCEPTION
    assert outcome.message.startswith("compile error: main.go:4:9: undefined: undefinedThing")


def test_imports_beyond_the_standard_library_fail_to_compile(go_job):
    code = 'package main\n\nimport "github.com/example/nothing"\n\nfunc main() {\n' \
           "\tnothing.Do()\n}\n"
    outcome = go_job(code)
    assert outcome.failure is FailureKind.EXCEPTION
    assert outcome.message.startswith("compile error: main.go:3:8:")


def test_a_returned_error_fails_the_job(go_job):
    code = 'package main\n\nimport "errors"\n\nfunc main() (int, error) {\n' \
           '\treturn 0, errors.New("no luck")\n}\n'
    assert go_job(code).message == "error: no luck"


def test_an_argument_of_the_wrong_type_fails_clearly(go_job):
    code = "package main\n\nfunc main(n int) int {\n\treturn n\n}\n"
    outcome = go_job(code, n="seven")
    assert outcome.failure is FailureKind.EXCEPTION
    assert outcome.message.startswith("invalid argument: n: json: cannot unmarshal string")


def test_a_result_json_cannot_encode_fails_as_not_json(go_job):
    code = "package main\n\nfunc main() (chan int, error) {\n\treturn make(chan int), nil\n}\n"
    assert go_job(code).failure is FailureKind.RESULT_NOT_JSON


def test_a_package_other_than_main_and_a_recursive_main_still_build(go_job):
    code = "package inner\n\nfunc main(n int) int {\n\tif n == 0 {\n\t\treturn 0\n\t}\n" \
           "\treturn n + main(n-1)\n}\n"
    assert go_job(code, n=4).result == 10
