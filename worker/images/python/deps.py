"""Taskmill's dependency tool for Python jobs: resolve requirements into a lock, install a lock.

Runs in a short-lived container from the Python runner image, with the dependency volume
mounted read-write (or, for the local backend, on the host). It never imports job code.

    deps.py resolve                stdin: requirements, one per line (pip syntax)
                                   stdout: the lock, one `name==version --hash=sha256:...` a line
    deps.py install <root> <key>   stdin: a lock
                                   installs it into <root>/python/<key>/site-packages unless
                                   that environment exists; stdout: `installed` or `present`

An install goes into a temporary folder that is renamed into place once complete, so a
half-finished install is never used; temporary folders left by a crashed install are removed
by the next install. Errors: pip's own message on stderr, exit status 1.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
STALE_TEMP_S = 3600
"""A temporary install folder this old belongs to an install that died."""
LOCK_HEADER = "# taskmill lock: pinned by pip for python {0}.{1}; install with --require-hashes\n"


def resolve(requirements):
    """The lock of `requirements`: every distribution pip would install, pinned, with hashes."""
    with tempfile.TemporaryDirectory(prefix="resolve-") as work:
        wanted = os.path.join(work, "requirements.txt")
        report = os.path.join(work, "report.json")
        with open(wanted, "w", encoding="utf-8") as handle:
            handle.write(requirements)
        run_pip(["install", "--dry-run", "--ignore-installed", "--quiet", "--report", report,
                 "-r", wanted])
        with open(report, encoding="utf-8") as handle:
            items = json.load(handle)["install"]
    lines = sorted(lock_line(item) for item in items)
    return LOCK_HEADER.format(*sys.version_info[:2]) + "".join(line + "\n" for line in lines)


def lock_line(item):
    """One pinned requirement: from an index by version, else by its direct URL."""
    name, version = item["metadata"]["name"], item["metadata"]["version"]
    info = item.get("download_info") or {}
    pin = f"{name} @ {info['url']}" if item.get("is_direct") else f"{name}=={version}"
    digest = (info.get("archive_info") or {}).get("hashes", {}).get("sha256")
    return f"{pin} --hash=sha256:{digest}" if digest else pin


def install(root, key, lock):
    """Install `lock` as <root>/python/<key>; `present` when another install got there first."""
    parent = os.path.join(root, "python")
    final = os.path.join(parent, key)
    if os.path.isdir(final):
        return "present"
    os.makedirs(parent, exist_ok=True)
    os.chmod(parent, 0o711)  # jobs may open an environment they know, not list them all
    remove_stale_temps(parent)
    temp = os.path.join(parent, f".tmp-{key}-{uuid.uuid4().hex[:8]}")
    os.makedirs(temp)
    try:
        lock_file = os.path.join(temp, "lock.txt")
        with open(lock_file, "w", encoding="utf-8") as handle:
            handle.write(lock)
        run_pip(["install", "--quiet", "--no-deps", "--require-hashes", "--no-warn-script-location",
                 "--target", os.path.join(temp, "site-packages"), "-r", lock_file])
        os.rename(temp, final)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        if os.path.isdir(final):  # a concurrent install finished first: use it
            return "present"
        raise
    return "installed"


def remove_stale_temps(parent):
    for name in os.listdir(parent):
        path = os.path.join(parent, name)
        if name.startswith(".tmp-") and time.time() - os.path.getmtime(path) > STALE_TEMP_S:
            shutil.rmtree(path, ignore_errors=True)


def run_pip(arguments):
    result = subprocess.run(PIP + arguments, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    if result.returncode != 0:
        raise PipFailed(result.stdout.strip() or f"pip exited with code {result.returncode}")


class PipFailed(Exception):
    """pip refused: its output is the message."""


def main(argv):
    try:
        if argv[:1] == ["resolve"]:
            sys.stdout.write(resolve(sys.stdin.read()))
        elif argv[:1] == ["install"] and len(argv) == 3:
            print(install(argv[1], argv[2], sys.stdin.read()))
        else:
            print("usage: deps.py resolve | deps.py install <root> <key>", file=sys.stderr)
            return 2
    except PipFailed as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.dont_write_bytecode = True
    sys.exit(main(sys.argv[1:]))
