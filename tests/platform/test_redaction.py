"""A job's secrets never reach its logs, its stored error or the worker's own log lines."""
import logging
import sys

import pytest

from worker.logsink import LogSink
from worker.redaction import MASK, RedactingFilter, Redactor, redacted_logging


def stream(redactor: Redactor, chunks: list[str]) -> str:
    return "".join(redactor.feed(chunk) for chunk in chunks) + redactor.end()


def test_every_occurrence_is_masked():
    assert Redactor(["hunter2"]).redact("pw=hunter2, again hunter2") == f"pw={MASK}, again {MASK}"


def test_without_secrets_text_passes_untouched_and_nothing_is_held():
    redactor = Redactor([])
    assert redactor.feed("hello hunt") == "hello hunt" and redactor.end() == ""


@pytest.mark.parametrize("cut", range(1, 7))
def test_a_secret_split_across_two_chunks_is_masked(cut):
    text = "token: hunter2\n"
    start = text.index("hunter2")
    chunks = [text[:start + cut], text[start + cut:]]
    assert stream(Redactor(["hunter2"]), chunks) == f"token: {MASK}\n"


def test_a_secret_fed_one_character_at_a_time_is_masked():
    assert stream(Redactor(["s3cr3t-value"]), list("a s3cr3t-value b")) == f"a {MASK} b"


def test_only_a_possible_start_of_a_secret_is_held_back():
    redactor = Redactor(["hunter2"])
    assert redactor.feed("line one\n") == "line one\n"
    assert redactor.feed("then hun") == "then "
    assert redactor.end() == "hun"


def test_a_longer_secret_wins_over_one_it_contains():
    assert Redactor(["abc", "abcdef"]).redact("xabcdefx abc") == f"x{MASK}x {MASK}"


def test_the_json_escaped_form_is_masked_too():
    assert Redactor(['pa"ss\\word']).redact('{"pw": "pa\\"ss\\\\word"}') == f'{{"pw": "{MASK}"}}'


def test_the_log_sink_masks_before_keeping_and_flushes_the_held_tail_at_the_end():
    sink = LogSink(10_000, Redactor(["hunter2"]))
    sink.write("pw=hun")
    assert sink.drain() == "pw="
    sink.write("ter2 ok\nhun")
    sink.finish()
    assert sink.drain() == f"{MASK} ok\nhun"


def test_the_log_sink_cap_counts_masked_text():
    sink = LogSink(10, Redactor(["x" * 50]))
    sink.write("x" * 50 + "y" * 20)
    sink.finish()
    kept = sink.drain()
    assert kept.startswith(MASK) and sink.truncated and "xxx" not in kept


def test_the_logging_filter_masks_messages_arguments_and_tracebacks():
    record = logging.LogRecord("worker", logging.ERROR, __file__, 1, "failed with %s", ("hunter2",), None)
    try:
        raise RuntimeError("boom hunter2")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    assert RedactingFilter(Redactor(["hunter2"])).filter(record)
    message = logging.Formatter().format(record)
    assert "hunter2" not in message and "boom *****" in message and "failed with *****" in message


def test_while_a_job_runs_the_worker_log_masks_its_secrets(caplog):
    log = logging.getLogger("worker.test")
    with redacted_logging(Redactor(["hunter2"])):
        log.error("backend said %s", "hunter2")
    log.error("later: %s", "hunter2")  # the job is over: the filter is gone
    assert [r.getMessage() for r in caplog.records] == ["backend said *****", "later: hunter2"]


def test_the_log_sink_learns_secrets_before_masking_each_flush():
    learned: list[str] = []
    sink = LogSink(10_000, Redactor(["hunter2"], learn=lambda: learned))
    sink.write("fetched: fresh-sec")  # printed after the job fetched it, before the flush
    learned.append("fresh-secret")
    assert sink.drain() == "fetched: "  # its start is held back: it may be the secret
    sink.write("ret, hunter2 and fresh-secret\n")
    sink.finish()
    assert sink.drain() == f"{MASK}, {MASK} and {MASK}\n"


def test_a_failed_refresh_keeps_the_text_for_the_next_flush():
    calls = []

    def flaky() -> list[str]:
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("redis is away")
        return ["later-secret"]
    sink = LogSink(10_000, Redactor(learn=flaky))
    sink.write("a later-secret b")
    sink.finish()
    with pytest.raises(ConnectionError):
        sink.drain()
    assert sink.drain() == f"a {MASK} b"


def test_added_secrets_are_masked_from_then_on():
    redactor = Redactor(["one"])
    redactor.add(["two"])
    assert redactor.redact("one two three") == f"{MASK} {MASK} three"
