#!/bin/bash
# Taskmill's TypeScript job wrapper: runs in the runner image and, unsandboxed, on the host.
#
# Reads the job envelope, one JSON line {"code", "args": [...], "env": {...}}, from stdin into a fresh
# job directory, then runs runner.ts with Bun there. Bun cannot re-point its own stdin, so this
# shell gives it /dev/null (a job reading stdin gets EOF, not a hang) and fd 3 for the result
# frame, with fd 1 sent to stderr: everything the job prints becomes logs.
set -u

job_dir=$(mktemp -d "${TMPDIR:-/tmp}/job-XXXXXX") || { echo "taskmill wrapper: no job dir" >&2; exit 70; }
trap 'rm -rf "$job_dir"' EXIT

# head stops after the first line: the worker keeps stdin open after the envelope.
head -n 1 >"$job_dir/envelope.json"
[ -s "$job_dir/envelope.json" ] || { echo "taskmill wrapper: no job envelope on stdin" >&2; exit 70; }

bun "$(dirname "${BASH_SOURCE[0]}")/runner.ts" "$job_dir" 3>&1 1>&2 </dev/null
