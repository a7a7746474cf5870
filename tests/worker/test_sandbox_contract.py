"""The sandbox contract: every backend runs every language the same way.

Docker tests (marked `docker`) also check that no job container is left behind, and the
isolation promises of job containers.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from config import Settings
from worker.sandbox import BACKENDS, DockerBackend, LocalBackend, make_backend
from worker.sandbox.base import FailureKind
from worker.languages import get_language
from worker.sandbox.docker import container_config, create_container

LANGUAGES = ["python", "bash"]

ECHO_ARGS = {
    "python": "def main(count, name):\n    return {'count': count, 'name': name}\n",
    "bash": 'printf \'{"count": %s, "name": "%s"}\\n\' "$1" "$2"\n',
}
PRINT_SLEEP_PRINT = {
    "python": "import time\ndef main():\n    print('first')\n    time.sleep(1.5)\n"
              "    print('second')\n",
    "bash": "echo first\nsleep 1.5\necho second\n",
}
BOTH_STREAMS = {
    "python": "import sys\ndef main():\n    print('to stdout')\n"
              "    print('to stderr', file=sys.stderr)\n    return 1\n",
    "bash": "echo 'to stdout'\necho 'to stderr' >&2\necho 1\n",
}
EXIT_3 = {"python": "import sys\ndef main():\n    sys.exit(3)\n", "bash": "exit 3\n"}
TEN_MB_OF_LOGS = {
    "python": "def main():\n    line = 'x' * 1023\n    for _ in range(10 * 1024):\n"
              "        print(line)\n    return 'done'\n",
    "bash": "yes 0123456789abcdef | head -c 10485760\necho\necho '\"done\"'\n",
}
SLEEP_LONG = {"python": "import time\ndef main():\n    time.sleep(60)\n", "bash": "sleep 60\n"}
HUGE_RESULT = {"python": "def main():\n    return 'x' * 5000\n",
               "bash": "head -c 5000 /dev/zero | tr '\\0' x\n"}
ENV_GREETING = {"python": "import os\ndef main():\n    return os.environ['GREETING']\n",
                "bash": 'echo "$GREETING"\n'}
READ_STDIN = {"python": "import sys\ndef main():\n    return sys.stdin.read()\n",
              "bash": "cat\necho read\n"}
READ_STDIN_RESULT = {"python": "", "bash": "read"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_main_gets_args_and_its_result_is_returned(run, backend, language):
    result = run(backend, language, ECHO_ARGS[language], {"count": 2, "name": "two words"})
    assert result.outcome.success, result.outcome
    assert result.outcome.result == {"count": 2, "name": "two words"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_logs_stream_while_the_program_runs(run, backend, language):
    result = run(backend, language, PRINT_SLEEP_PRINT[language])
    assert result.outcome.success, result.outcome
    first_at = next(at for at, text in result.chunks if "first" in text)
    assert result.returned_at - first_at > 1.0
    assert result.logs.splitlines() == ["first", "second"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_stdout_and_stderr_both_become_logs(run, backend, language):
    result = run(backend, language, BOTH_STREAMS[language])
    assert result.outcome.result == 1
    assert "to stdout" in result.logs and "to stderr" in result.logs


def test_raising_fails_with_a_traceback_of_the_user_code(run, backend):
    code = "def helper():\n    raise ValueError('boom')\n\ndef main():\n    helper()\n"
    outcome = run(backend, "python", code).outcome
    assert outcome.failure is FailureKind.EXCEPTION
    assert outcome.message == "ValueError: boom"
    assert 'line 2, in helper' in outcome.traceback and 'line 5, in main' in outcome.traceback
    assert "wrapper.py" not in outcome.traceback


def test_a_syntax_error_is_an_exception(run, backend):
    outcome = run(backend, "python", "def main(:\n    pass\n").outcome
    assert outcome.failure is FailureKind.EXCEPTION
    assert outcome.message.startswith("SyntaxError")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_non_zero_exit_fails_with_its_code(run, backend, language):
    outcome = run(backend, language, EXIT_3[language]).outcome
    assert outcome.failure is FailureKind.EXIT_CODE
    assert outcome.message == "exited with code 3" and outcome.exit_code == 3


@pytest.mark.parametrize("language", LANGUAGES)
def test_ten_megabytes_of_logs_stream_without_deadlock(run, backend, language):
    result = run(backend, language, TEN_MB_OF_LOGS[language])
    assert result.outcome.success, result.outcome
    assert result.outcome.result == "done"
    assert len(result.logs) >= 10 * 1024 * 1024


def test_multibyte_characters_survive_chunking(run, backend):
    code = "def main():\n    print('é€😀' * 100000)\n"
    result = run(backend, "python", code)
    assert result.logs == "é€😀" * 100000 + "\n"


def test_a_result_json_cannot_encode_fails_as_not_json(run, backend):
    outcome = run(backend, "python", "def main():\n    return {1, 2}\n").outcome
    assert outcome.failure is FailureKind.RESULT_NOT_JSON
    assert "set" in outcome.message
    outcome = run(backend, "python", "def main():\n    return [float('nan')]\n").outcome
    assert outcome.failure is FailureKind.RESULT_NOT_JSON
    assert "not JSON compliant" in outcome.message


def test_results_and_args_keep_their_json_values(run, backend):
    value = {"text": "é\u2028\"\\", "numbers": [0, -1, 2.5, 1e300], "nothing": None, "yes": True,
             "nested": {"list": [[], {}]}}
    assert run(backend, "python", "def main(value):\n    return value\n", {"value": value}).outcome.result == value


SCRIPT_MODULE = """import sys
BEFORE = set(sys.modules)
import inspect

def main():
    module = sys.modules[__name__]
    return {"name": __name__, "file_is_origin": __spec__.origin == __file__ == module.__file__,
            "source": inspect.getsource(main).splitlines()[0],
            "wrapper_imported": [m for m in ("json", "re", "importlib.util") if m in BEFORE]}
"""


def test_the_script_is_imported_as_a_module(run, backend):
    """Module `script`, with a spec and a source that introspection finds."""
    result = run(backend, "python", SCRIPT_MODULE).outcome.result
    assert {key: result[key] for key in ("name", "file_is_origin", "source")} == {
        "name": "script", "file_is_origin": True, "source": "def main():"}


@pytest.mark.docker
def test_the_wrapper_imports_nothing_a_container_pays_for(run, docker_backend):
    """json, re and importlib.util cost a container ~9 ms of CPU to import: the wrapper does
    without them (on the host, the interpreter's own site packages may import them)."""
    assert run(docker_backend, "python", SCRIPT_MODULE).outcome.result["wrapper_imported"] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_result_past_the_cap_fails_as_too_large(run, sandbox_settings, backend, language):
    small = BACKENDS[backend.name](sandbox_settings.replace(max_result_bytes=1000))
    outcome = run(small, language, HUGE_RESULT[language]).outcome
    assert outcome.failure is FailureKind.RESULT_TOO_LARGE


def test_bash_results_are_json_or_text_or_null(run, backend):
    assert run(backend, "bash", "echo '[1, 2]'\n").outcome.result == [1, 2]
    assert run(backend, "bash", "echo hello world\n").outcome.result == "hello world"
    assert run(backend, "bash", "true\n").outcome.result is None


def test_memory_past_the_limit_fails_as_memory(run, backend, limits):
    limited = limits(memory_mb=64)
    code = "def main():\n    hog = ' ' * (200 * 1024 * 1024)\n    return len(hog)\n"
    outcome = run(backend, "python", code, limits=limited).outcome
    assert outcome.failure is FailureKind.MEMORY
    assert outcome.message == "exceeded the memory limit of 64 MB"


@pytest.mark.parametrize("language", LANGUAGES)
def test_sleeping_past_the_timeout_fails_as_timeout(run, backend, language, limits):
    limited = limits(timeout_s=2)
    result = run(backend, language, SLEEP_LONG[language], limits=limited)
    assert result.outcome.failure is FailureKind.TIMEOUT
    assert result.outcome.message == "timed out after 2s"
    assert result.elapsed_s < 10


@pytest.mark.parametrize("language", LANGUAGES)
def test_cancel_kills_the_program(run, backend, language):
    cancel = threading.Event()
    threading.Timer(1.0, cancel.set).start()
    result = run(backend, language, SLEEP_LONG[language], cancel=cancel)
    assert result.outcome.failure is FailureKind.CANCELED
    assert result.elapsed_s < 10


@pytest.mark.parametrize("language", LANGUAGES)
def test_env_reaches_the_program(run, backend, language):
    outcome = run(backend, language, ENV_GREETING[language], env={"GREETING": "hello"}).outcome
    assert outcome.result == "hello"


@pytest.mark.parametrize("language", LANGUAGES)
def test_reading_stdin_gets_eof_instead_of_hanging(run, backend, language, limits):
    limited = limits(timeout_s=10)
    outcome = run(backend, language, READ_STDIN[language], limits=limited).outcome
    assert outcome.success, outcome
    assert outcome.result == READ_STDIN_RESULT[language]


def test_an_unknown_language_is_a_sandbox_failure(run, backend):
    outcome = run(backend, "cobol", "DISPLAY 'HI'.").outcome
    assert outcome.failure is FailureKind.SANDBOX
    assert "cobol" in outcome.message


# Docker only: isolation and cleanup.

def bash_says(run, backend, script: str, **kwargs) -> str:
    outcome = run(backend, "bash", script, **kwargs).outcome
    assert outcome.success, outcome
    return outcome.result


@pytest.mark.docker
def test_jobs_run_as_uid_10001(run, docker_backend):
    assert bash_says(run, docker_backend, "echo \\\"$(id -u):$(id -g)\\\"") == "10001:10001"


@pytest.mark.docker
def test_the_root_filesystem_is_read_only_and_tmp_writable(run, docker_backend):
    script = "touch /root-file 2>/dev/null && echo root || echo no-root\n" \
             "touch /tmp/tmp-file && echo tmp\n"
    result = run(docker_backend, "bash", script)
    assert "no-root" in result.logs and result.outcome.result == "tmp"


@pytest.mark.docker
def test_the_docker_socket_is_absent(run, docker_backend):
    script = "[ -e /var/run/docker.sock ] || [ -e /run/docker.sock ] && echo yes || echo no\n"
    assert bash_says(run, docker_backend, script) == "no"


@pytest.mark.docker
def test_network_none_has_only_loopback(run, docker_backend):
    assert bash_says(run, docker_backend, "ls /sys/class/net | paste -sd,\n") == "lo"


@pytest.mark.docker
def test_containers_drop_privileges_and_carry_labels(limits):
    config = container_config(get_language("python"), "image", limits(memory_mb=64), {"taskmill.job": "job-1"})
    assert config["cap_drop"] == ["ALL"] and config["security_opt"] == ["no-new-privileges"]
    assert config["mem_limit"] == config["memswap_limit"] == "64m"
    assert config["labels"] == {"taskmill.job": "job-1", "taskmill.managed": "1"}
    assert "volumes" not in config and config["read_only"] is True
    assert config["log_config"] == {"type": "none"}


@pytest.mark.docker
def test_the_engine_keeps_no_copy_of_a_jobs_output(docker_backend, sandbox_settings, limits):
    """Output reaches the worker over the attach stream only: no engine log file holds it."""
    client = docker_backend.client
    config = container_config(get_language("bash"), sandbox_settings.image_for("bash"), limits(),
                              {"taskmill.test": "logs"}, ["bash", "-c", "echo secret-value >&2"])
    container = create_container(client, config)
    try:
        container.start()
        assert container.wait()["StatusCode"] == 0
        container.reload()
        assert container.attrs["HostConfig"]["LogConfig"]["Type"] == "none"
        assert container.attrs["LogPath"] == ""
    finally:
        container.remove(force=True)


@pytest.mark.docker
def test_a_missing_image_is_a_sandbox_failure_not_an_exception(run, sandbox_settings):
    backend = DockerBackend(sandbox_settings.replace(image_prefix="taskmill-missing"))
    outcome = run(backend, "python", "def main():\n    return 1\n").outcome
    assert outcome.failure is FailureKind.SANDBOX


# Choosing a backend.

def test_local_backend_says_it_is_not_sandboxed(sandbox_settings: Settings):
    backend = make_backend(sandbox_settings.replace(sandbox="local"))
    assert isinstance(backend, LocalBackend) and backend.sandboxed is False


def test_auto_falls_back_to_local_without_an_engine(sandbox_settings: Settings):
    nowhere = sandbox_settings.replace(sandbox="auto", docker_url="unix:///nowhere.sock")
    backend = make_backend(nowhere)
    assert isinstance(backend, LocalBackend)


@pytest.mark.docker
def test_auto_picks_docker_when_the_engine_and_images_are_there(docker_backend, sandbox_settings):
    backend = make_backend(sandbox_settings.replace(sandbox="auto"))
    assert isinstance(backend, DockerBackend) and backend.sandboxed is True


def test_concurrent_runs_on_one_backend_stay_apart(run, backend):
    code = "def main(n):\n    print('job', n)\n    return n\n"
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = list(pool.map(lambda n: run(backend, "python", code, {"n": n}), range(4)))
    assert [r.outcome.result for r in runs] == [0, 1, 2, 3]
    assert [r.logs for r in runs] == [f"job {n}\n" for n in range(4)]
