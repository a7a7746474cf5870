"""The sandbox contract for TypeScript, Go and SQL jobs, on every backend that can run them.

Local runs need the language's toolchain on the host (bun, go) and skip without it; Docker
runs (marked `docker`) need the runner images, and in CI a missing engine is a failure.
"""
from __future__ import annotations

import pytest

from worker.sandbox.base import FailureKind

LANGUAGES = ["typescript", "go", "sql"]
COMPILED_OR_INTERPRETED = ["typescript", "go"]

ECHO_ARGS = {
    "typescript": "export async function main(count: number, name: string) {\n"
                  "  return { count, name };\n}\n",
    "go": "package main\n\nfunc main(count int, name string) (map[string]interface{}, error) {\n"
          "\treturn map[string]interface{}{\"count\": count, \"name\": name}, nil\n}\n",
    "sql": "-- $1 count (int)\n-- $2 name (text)\nSELECT $1 AS count, $2 AS name;\n",
}
PRINT_SLEEP_PRINT = {
    "typescript": "export async function main() {\n  console.log('first');\n"
                  "  await Bun.sleep(1500);\n  console.log('second');\n}\n",
    "go": "package main\n\nimport (\n\t\"fmt\"\n\t\"time\"\n)\n\nfunc main() {\n"
          "\tfmt.Println(\"first\")\n\ttime.Sleep(1500 * time.Millisecond)\n"
          "\tfmt.Println(\"second\")\n}\n",
}
BOTH_STREAMS = {
    "typescript": "export function main() {\n  console.log('to stdout');\n"
                  "  console.error('to stderr');\n  return 1;\n}\n",
    "go": "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nfunc main() int {\n"
          "\tfmt.Println(\"to stdout\")\n\tfmt.Fprintln(os.Stderr, \"to stderr\")\n\treturn 1\n}\n",
}
RAISE_IN_HELPER = {  # the error comes from line 2
    "typescript": "function helper() {\n  throw new TypeError('boom');\n}\n"
                  "export function main() {\n  helper();\n}\n",
    "go": "package main\nfunc helper() { panic(\"boom\") }\n\nfunc main() {\n\thelper()\n}\n",
}
EXIT_3 = {
    "typescript": "export function main() {\n  process.exit(3);\n}\n",
    "go": "package main\n\nimport \"os\"\n\nfunc main() {\n\tos.Exit(3)\n}\n",
}
SLEEP_LONG = {
    "typescript": "export async function main() {\n  await Bun.sleep(60000);\n}\n",
    "go": "package main\n\nimport \"time\"\n\nfunc main() {\n\ttime.Sleep(time.Minute)\n}\n",
    "sql": "SELECT pg_sleep(20);\n",
}
ENV_GREETING = {
    "typescript": "export function main() {\n  return process.env.GREETING;\n}\n",
    "go": "package main\n\nimport \"os\"\n\nfunc main() string {\n"
          "\treturn os.Getenv(\"GREETING\")\n}\n",
}
READ_STDIN = {
    "typescript": "export async function main() {\n  return await Bun.stdin.text();\n}\n",
    "go": "package main\n\nimport (\n\t\"io\"\n\t\"os\"\n)\n\nfunc main() (string, error) {\n"
          "\tdata, err := io.ReadAll(os.Stdin)\n\treturn string(data), err\n}\n",
}


@pytest.fixture
def args_for(scratch_database):
    """Job args plus, for SQL, the `database` connection argument."""
    return lambda language, **args: ({"database": scratch_database, **args}
                                     if language == "sql" else args)


@pytest.mark.parametrize("language", LANGUAGES)
def test_main_gets_args_and_its_result_is_returned(run, backend_for, limits_for, args_for,
                                                   language):
    result = run(backend_for(language), language, ECHO_ARGS[language],
                 args_for(language, count=2, name="two words"), limits=limits_for(language))
    assert result.outcome.success, result.outcome
    expected = {"count": 2, "name": "two words"}
    assert result.outcome.result == ([expected] if language == "sql" else expected)


@pytest.mark.parametrize("language", COMPILED_OR_INTERPRETED)
def test_logs_stream_while_the_program_runs(run, backend_for, limits_for, language):
    result = run(backend_for(language), language, PRINT_SLEEP_PRINT[language],
                 limits=limits_for(language))
    assert result.outcome.success, result.outcome
    first_at = next(at for at, text in result.chunks if "first" in text)
    assert result.returned_at - first_at > 1.0
    assert result.logs.splitlines() == ["first", "second"]


@pytest.mark.parametrize("language", COMPILED_OR_INTERPRETED)
def test_stdout_and_stderr_both_become_logs(run, backend_for, limits_for, language):
    result = run(backend_for(language), language, BOTH_STREAMS[language],
                 limits=limits_for(language))
    assert result.outcome.result == 1
    assert "to stdout" in result.logs and "to stderr" in result.logs


@pytest.mark.parametrize("language", COMPILED_OR_INTERPRETED)
def test_an_error_fails_with_a_traceback_pointing_at_the_line(run, backend_for, limits_for,
                                                              language):
    outcome = run(backend_for(language), language, RAISE_IN_HELPER[language],
                  limits=limits_for(language)).outcome
    assert outcome.failure is FailureKind.EXCEPTION
    if language == "typescript":
        assert outcome.message == "TypeError: boom"
        assert "script.ts:2:" in outcome.traceback and "runner.ts" not in outcome.traceback
    else:
        assert outcome.message == "panic: boom"
        assert outcome.traceback.splitlines()[1:] == [
            "main.helper(...)", "\tmain.go:2", "main.main(...)", "\tmain.go:5"]


@pytest.mark.parametrize("language", COMPILED_OR_INTERPRETED)
def test_a_non_zero_exit_fails_with_its_code(run, backend_for, limits_for, language):
    outcome = run(backend_for(language), language, EXIT_3[language],
                  limits=limits_for(language)).outcome
    assert outcome.failure is FailureKind.EXIT_CODE
    assert outcome.message == "exited with code 3" and outcome.exit_code == 3


@pytest.mark.parametrize("language", LANGUAGES)
def test_running_past_the_timeout_fails_as_timeout(run, backend_for, limits_for, args_for,
                                                   language):
    limited = limits_for(language, timeout_s=15 if language == "go" else 2)
    result = run(backend_for(language), language, SLEEP_LONG[language], args_for(language),
                 limits=limited)
    assert result.outcome.failure is FailureKind.TIMEOUT
    assert result.elapsed_s < limited.timeout_s + 8


@pytest.mark.parametrize("language", COMPILED_OR_INTERPRETED)
def test_env_reaches_the_program(run, backend_for, limits_for, language):
    outcome = run(backend_for(language), language, ENV_GREETING[language],
                  env={"GREETING": "hello"}, limits=limits_for(language)).outcome
    assert outcome.result == "hello", outcome


@pytest.mark.parametrize("language", COMPILED_OR_INTERPRETED)
def test_reading_stdin_gets_eof_instead_of_hanging(run, backend_for, limits_for, language):
    outcome = run(backend_for(language), language, READ_STDIN[language],
                  limits=limits_for(language, timeout_s=30)).outcome
    assert outcome.success, outcome
    assert outcome.result == ""
