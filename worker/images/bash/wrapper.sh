#!/bin/bash
# Taskmill's Bash job wrapper: runs in the runner image and, unsandboxed, on the host.
#
# Reads the job envelope from stdin: NUL-terminated fields "argument count, script,
# argument 1 .. argument N, variable count, NAME=value 1 .. NAME=value M" (pure bash can parse
# that; no jq, no need for EOF). The variables are exported for the script. Runs the
# script with the arguments as $1..$N. Everything the script prints goes to stderr (the job's
# logs); afterwards the last line it printed on stdout is written to stdout (the result
# channel). The exit status is the script's.
set -u

fail() {
  echo "taskmill wrapper: $1" >&2
  exit 70
}

IFS= read -r -d '' count || fail "no job envelope on stdin"
IFS= read -r -d '' script || fail "the envelope has no script"
args=()
for ((i = 0; i < count; i++)); do
  IFS= read -r -d '' arg || fail "the envelope lacks argument $((i + 1))"
  args+=("$arg")
done
IFS= read -r -d '' env_count || fail "the envelope has no variable count"
for ((i = 0; i < env_count; i++)); do
  IFS= read -r -d '' assignment || fail "the envelope lacks variable $((i + 1))"
  export "${assignment?}"
done
exec </dev/null  # a script reading stdin gets EOF instead of waiting for the timeout

job_dir=$(mktemp -d "${TMPDIR:-/tmp}/job-XXXXXX") || fail "cannot create a job directory"
trap 'rm -rf "$job_dir"' EXIT
printf '%s' "$script" >"$job_dir/script.sh"

# tee streams stdout to the logs as it comes; tail keeps only the last line, in bounded memory.
mkfifo "$job_dir/stdout" || fail "cannot create a fifo"
tail -n 1 <"$job_dir/stdout" >"$job_dir/last" &
tail_pid=$!
bash "$job_dir/script.sh" "${args[@]}" | tee "$job_dir/stdout" >&2
status=${PIPESTATUS[0]}
wait "$tail_pid"
cat "$job_dir/last"
exit "$status"
