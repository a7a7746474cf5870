"""Go jobs are compiled once per script version; later runs reuse the cached binary."""
from __future__ import annotations

import shutil

import pytest

from app.models import JobStatus

COMPILED = "[taskmill] compiled the Go program once"
ADD = "package main\n\nfunc main(a int, b int) (int, error) {\n\treturn a + b, nil\n}\n"


@pytest.fixture(autouse=True)
def _go_toolchain(backend_name):
    if backend_name == "local" and shutil.which("go") is None:
        pytest.skip("the local backend needs `go` on the host")


def test_a_second_run_does_not_compile(run_script):
    first = run_script("u/alice/add", ADD, language="go", a=2, b=3)
    assert first.status == JobStatus.SUCCESS and first.result == 5, (first.error, first.logs)
    assert COMPILED in first.logs
    second = run_script("u/alice/add", ADD, language="go", a=4, b=5)
    assert second.status == JobStatus.SUCCESS and second.result == 9
    assert COMPILED not in second.logs


def test_a_compile_error_fails_with_the_compilers_line(run_script):
    code = "package main\n\nfunc main() (int, error) {\n\treturn undefinedThing, nil\n}\n"
    job = run_script("u/alice/broken", code, language="go")
    assert job.status == JobStatus.FAILURE and job.error["kind"] == "exception"
    assert job.error["message"].startswith("compile error: main.go:4:9: undefined: undefinedThing")


def test_a_third_party_import_fails_clearly_at_build(run_script):
    code = 'package main\n\nimport "github.com/google/uuid"\n\nfunc main() string {\n' \
           "\treturn uuid.NewString()\n}\n"
    job = run_script("u/alice/uuid", code, language="go")
    assert job.status == JobStatus.FAILURE
    assert job.error["message"].startswith('compile error: main.go:3:8: "github.com/google/uuid" '
                                           "is not in the standard library")


def test_a_panic_in_a_cached_binary_names_the_users_line(run_script):
    code = "package main\n\nfunc helper() { panic(\"boom\") }\n\nfunc main() {\n\thelper()\n}\n"
    job = run_script("u/alice/panics", code, language="go")
    assert job.status == JobStatus.FAILURE and job.error["message"] == "panic: boom"
    assert "main.go:3" in job.error["traceback"] and "/tmp/" not in job.error["traceback"]
