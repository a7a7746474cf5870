"""Taskmill's warm-mode server for Python: one container, a bounded series of jobs.

Reads job envelopes (one JSON line each, as for wrapper.py) from stdin. Each job runs in a
fresh process forked from this server, which never imports user code itself, with a fresh
working directory and only the job's environment. The process is forked *before* its
envelope arrives (forking and setting up a process is most of a trivial job's time), runs a
rehearsal (see wrapper.rehearse) and waits for the envelope on a pipe of its own. After each job the server kills every other
process in the container (a job's background processes included) and empties /tmp (the
only writable place: the root is read-only), and only then forks the next job's process. So
nothing a job leaves behind reaches the next one; the worker still only sends jobs of one
trust domain (workspace and run-as user) to one warm container, and recycles it after a
number of jobs, an age, or any failure.

Per job, on the original stdout: one frame line, as wrapper.py writes it, or
`{"ok": false, "exit_code": n}` when the job exited without one; then the end marker on
stderr (written by the job's process right after its frame, else by the server).
"""
import gc
import json
import os
import shutil
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wrapper  # noqa: E402  (the one-shot wrapper's job logic, reused as it is)
# What the wrapper imports only when a job needs it, imported once here so that each job's
# forked process finds it loaded.
import taskmill_args  # noqa: E402,F401
import traceback  # noqa: E402,F401

BASE_ENV = dict(os.environ)
SCRATCH = os.environ.get("TMPDIR", "/tmp")


class Child:
    """The next job's process, forked and set up ahead of its envelope."""

    def __init__(self, channel):
        envelope_r, self.envelope_w = os.pipe()
        self.done_r, done_w = os.pipe()  # one byte once the frame and end marker are out
        self.pid = os.fork()
        if self.pid == 0:
            os.close(self.envelope_w)
            os.close(self.done_r)
            run_child(envelope_r, channel, done_w)
        os.close(envelope_r)
        os.close(done_w)

    def run(self, line):
        """Hand over the envelope; (whether the job wrote its frame, its exit status)."""
        view = memoryview(line)
        while view:
            view = view[os.write(self.envelope_w, view):]
        os.close(self.envelope_w)
        _, raw_status = os.waitpid(self.pid, 0)
        wrote_frame = os.read(self.done_r, 1) == b"1"
        os.close(self.done_r)
        return wrote_frame, os.waitstatus_to_exitcode(raw_status)

    def abandon(self):
        os.close(self.envelope_w)  # EOF: it exits without running anything
        os.waitpid(self.pid, 0)
        os.close(self.done_r)


def read_all(fd):
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


def run_child(envelope_r, channel, wrote_frame):
    """In the forked child: wait for the envelope, then the job exactly as the one-shot
    wrapper runs it."""
    os.setsid()
    os.environ.clear()
    os.environ.update(BASE_ENV)
    os.chdir(SCRATCH)
    wrapper.rehearse()
    line = read_all(envelope_r)
    if not line:
        os._exit(0)
    envelope = json.loads(line)
    status, frame = 1, None
    try:
        status, frame = wrapper.run_job(envelope)
    except SystemExit as exc:
        status = wrapper.exit_status(exc.code)
    sys.stdout.flush()
    sys.stderr.flush()
    if frame is not None:
        channel.write(frame + "\n")
        channel.flush()
        # The output is complete: tell the worker now, not after this process has exited.
        os.write(2, envelope.get("end_marker", "").encode())
        os.write(wrote_frame, b"1")
    os._exit(status)


def others():
    me = os.getpid()
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != me:
            yield int(entry)


def clean_up():
    """Kill whatever the job left running and remove what it wrote."""
    for pid in others():
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    while True:  # reap, so killed children do not linger as zombies
        try:
            if os.waitpid(-1, os.WNOHANG) == (0, 0):
                break
        except ChildProcessError:
            break
    for name in os.listdir(SCRATCH):
        path = os.path.join(SCRATCH, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                os.unlink(path)
            except OSError:
                pass


def serve():
    # Everything loaded so far lives as long as the server: out of the collector's sight, a
    # forked job's collections neither walk it nor copy the pages it sits on (measured:
    # ~0.3 ms of a trivial job's ~5 ms of CPU in the container).
    gc.freeze()
    channel = wrapper.open_result_channel()
    stdin = sys.stdin.buffer
    while True:
        child = Child(channel)
        line = stdin.readline()
        if not line:
            child.abandon()
            return
        wrote_frame, status = child.run(line)
        if not wrote_frame:  # sys.exit, os._exit or a signal: say how it ended
            channel.write(json.dumps({"ok": False, "exit_code": status & 0xFF}) + "\n")
            channel.flush()
            os.write(2, json.loads(line).get("end_marker", "").encode())
        # After the answer, off the job's time; the next job's process is forked only once
        # it is done, so no job ever starts beside what the previous one left.
        clean_up()


if __name__ == "__main__":
    sys.dont_write_bytecode = True
    serve()
