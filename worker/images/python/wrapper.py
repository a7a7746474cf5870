"""Taskmill's Python job wrapper: runs in the runner image and, unsandboxed, on the host.

Reads one JSON line `{"code": ..., "args": {...}, "env": {...}}` from stdin, sets the job's
environment variables (they come with the job, so a container started before the job was
known can still serve it), imports the code as a module
from a fresh directory under $TMPDIR (default /tmp), calls `main(**args)` (arguments annotated
with a dataclass, pydantic model or Enum converted first, see taskmill_args.py) and writes exactly
one JSON frame to the original stdout:
    {"ok": true, "result": ...}
    {"ok": false, "error": {"name": ..., "message": ..., "traceback": ...}}
Everything the job prints, on stdout or stderr, goes to stderr: the worker streams stderr as
the job's logs and keeps stdout for the frame. `sys.exit(n)` ends the job with status n.

A container runs one job, so what this file imports every job pays for, in CPU, before its
code starts: it imports only what the interpreter has already loaded, or nearly. Importing
`json` (its regular expressions compiled) and `importlib.util` cost a Python container ~6
and ~3 ms of CPU, against ~11 ms for the interpreter's own start; the envelope and the
frame go through json's C half (`_json`) instead, with the json module's own settings, and
the script is loaded with `importlib.machinery`. A job that imports json pays for it itself.
"""
import os
import site
import sys
import time
from importlib.machinery import ModuleSpec, SourceFileLoader

try:
    import _json
except ImportError:  # not CPython: the json module is the same codec, only slower to import
    _json = None

MODULE_NAME = "script"
WRAPPER_FILE = os.path.abspath(__file__)
REHEARSAL = {"code": "def main():\n    return 1\n", "args": {}}


class _DecoderSettings:
    """What json's C scanner reads off a decoder: json.loads' defaults."""

    strict = True
    object_hook = object_pairs_hook = None
    parse_float, parse_int = float, int
    parse_constant = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}.__getitem__


def json_loads(text):
    """json.loads of one JSON document (surrounding whitespace allowed)."""
    if _json is None:
        import json
        return json.loads(text)
    document = text.strip()
    try:
        value, end = _json.make_scanner(_DecoderSettings)(document, 0)
    except StopIteration:
        end = -1
    if end != len(document):
        import json
        return json.loads(text)  # raises the json module's own error, with its position
    return value


def _not_json(value):
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def json_dumps(value, allow_nan=True):
    """json.dumps(value, allow_nan=allow_nan), through the same C encoder."""
    if _json is None:
        import json
        return json.dumps(value, allow_nan=allow_nan)
    # Arguments as json.JSONEncoder passes them: circular-reference markers, default,
    # ASCII string encoder, no indent, separators, no key sorting, no skipped keys.
    encode = _json.make_encoder({}, _not_json, _json.encode_basestring_ascii, None, ": ", ", ",
                                False, False, allow_nan)
    return "".join(encode(value, 0))


def open_result_channel():
    """Keep the real stdout for the frame only; send fd 1 (so print) to stderr."""
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    sys.stdout.flush()
    os.dup2(2, 1)
    sys.stdout.reconfigure(line_buffering=True)
    return channel


def read_envelope():
    """One JSON line; then stdin is /dev/null so a job calling input() gets EOF, not a hang."""
    envelope = json_loads(sys.stdin.buffer.readline().decode("utf-8"))
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    return envelope


def use_dependencies(deps):
    """Put the job's cached environment (read-only, see worker/deps) ahead of the system's."""
    if deps:
        packages = os.path.join(deps, "site-packages")
        sys.path.insert(0, packages)
        site.addsitedir(packages)  # already on the path: only runs its .pth files


def load_script(code):
    # A private directory of its own (what tempfile.mkdtemp makes, without its imports).
    workdir = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"job-{os.urandom(8).hex()}")
    os.mkdir(workdir, 0o700)
    path = os.path.join(workdir, MODULE_NAME + ".py")
    with open(path, "w", encoding="utf-8") as script:
        script.write(code)
    sys.path.insert(0, workdir)
    sys.argv = [path]
    # What importlib.util.spec_from_file_location and module_from_spec do for a source file.
    loader = SourceFileLoader(MODULE_NAME, path)
    module = type(sys)(MODULE_NAME)
    module.__spec__ = ModuleSpec(MODULE_NAME, loader, origin=path)
    module.__spec__.has_location = True
    module.__loader__, module.__file__, module.__package__ = loader, path, ""
    sys.modules[MODULE_NAME] = module
    loader.exec_module(module)
    return module


class InvalidArgument(Exception):
    """An argument could not become the class main() annotates it with."""


def typed_args(main, args):
    """`args` as main()'s annotations ask (see taskmill_args.py, loaded only when one of them
    is annotated). Raises InvalidArgument naming the parameter whose value does not fit."""
    annotations = getattr(main, "__annotations__", None) or {}
    if not any(name in annotations for name in args):
        return dict(args)
    import taskmill_args as typed
    try:
        return typed.typed_args(main, args)
    except typed.InvalidArgument as exc:
        raise InvalidArgument(str(exc)) from None


def is_wrapper_frame(filename):
    return filename == WRAPPER_FILE or filename.startswith("<frozen ")


def describe(exc):
    """The error part of a frame, with the wrapper's and importlib's frames left out."""
    import traceback  # only a failed job needs it

    report = traceback.TracebackException.from_exception(exc)
    link = report
    while link is not None:
        frames = [frame for frame in link.stack if not is_wrapper_frame(frame.filename)]
        link.stack = traceback.StackSummary.from_list(frames)
        link = link.__cause__ or link.__context__
    return {"name": type(exc).__name__, "message": str(exc), "traceback": "".join(report.format())}


def error_frame(error):
    return json_dumps({"ok": False, "error": error})


def run_job(envelope):
    """(exit status, frame as JSON text): main's result, or the error that stopped it."""
    os.environ.update(envelope.get("env") or {})
    use_dependencies(envelope.get("deps"))
    try:
        module = load_script(envelope["code"])
        main = getattr(module, "main", None)
        if not callable(main):
            return 1, error_frame({"name": "MissingMain", "traceback": None,
                                   "message": "the script defines no main() function"})
        try:
            args = typed_args(main, envelope["args"])
        except InvalidArgument as exc:
            return 1, error_frame({"name": "InvalidArgument", "message": str(exc), "traceback": None})
        result = main(**args)
    except SystemExit:
        raise
    except BaseException as exc:  # the user's KeyboardInterrupt etc. are job errors too
        return 1, error_frame(describe(exc))
    try:
        return 0, json_dumps({"ok": True, "result": result}, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        message = f"main() returned a {type(result).__name__}, which is not JSON: {exc}"
        return 1, error_frame({"name": "ResultNotJSON", "message": message, "traceback": None})


def rehearse():
    """Run a trivial job and undo its traces, before the real envelope comes: a process's
    first job pays for cold caches and, in a process just forked (warm mode), for copying each
    memory page it touches, about 1 ms of a trivial job. Here that is off the job's time."""
    path, argv = list(sys.path), list(sys.argv)
    run_job(REHEARSAL)
    module = sys.modules.pop(MODULE_NAME, None)
    sys.path[:], sys.argv[:] = path, argv
    if module is not None:
        os.remove(module.__file__)
        os.rmdir(os.path.dirname(module.__file__))


def exit_status(code):
    """What `sys.exit(code)` means as a process exit status."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def main():
    # Read before the job's environment is applied: the job does not choose it.
    linger = float(os.environ.get("TASKMILL_LINGER_S") or 0)
    channel = open_result_channel()
    rehearse()
    envelope = read_envelope()
    try:
        status, frame = run_job(envelope)
        sys.stdout.flush()
        sys.stderr.flush()
        channel.write(frame + "\n")
        channel.flush()
        # After every log line and the frame: tells the worker the output is complete.
        os.write(2, envelope.get("end_marker", "").encode())
    except SystemExit as exc:
        status = exit_status(exc.code)
        linger = 0  # no end marker: the worker waits for this process to exit
    channel.flush()
    sys.stdout.flush()
    sys.stderr.flush()
    if linger > 0 and envelope.get("end_marker") and envelope.get("linger", True):
        # The worker has its answer; it removes the container (stopping it is the costly
        # part) when the load allows.
        time.sleep(linger)
    # _exit: a job's leftover non-daemon threads must not keep the run alive after main().
    os._exit(status)


if __name__ == "__main__":
    sys.dont_write_bytecode = True
    main()
