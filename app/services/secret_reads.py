"""Which secrets a running job fetched through the API, so its worker can mask them too.

A job's token (TokenScope.JOB) may read secrets with the SDK while the job runs; the
worker only knew the secrets among the job's `$var:` arguments. Each such read is noted
here, before the value is returned, as the secret's path in a Redis set keyed by the job
(never the value). The worker's redactor asks for the paths it has not seen yet before
masking each log flush and the result (`LearnedSecrets`), decrypts those secrets itself,
and masks them from then on.
"""
from __future__ import annotations

from typing import Callable

import redis
from sqlalchemy import select

from app.authz import Actor
from app.crypto import SecretBox
from app.db import Database
from app.models import TokenScope, Variable

KEY_PREFIX = "taskmill:job-secret-reads:"
READS_TTL_S = 7 * 24 * 3600
"""How long a job's noted reads are kept: longer than any job may run (each read renews it)."""


def _key(job_id: str) -> str:
    return f"{KEY_PREFIX}{job_id}"


class SecretReads:
    """The Redis sets of the secret paths each job read."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def note(self, actor: Actor, variable: Variable) -> None:
        """Remember that the actor's job read this secret; nothing for other callers or plain
        variables. Raises if Redis is unavailable: a read that cannot be noted must fail
        rather than hand out a value the worker would not mask."""
        token = actor.token
        if not variable.is_secret or token is None or token.scope != TokenScope.JOB or not token.job_id:
            return
        with self.client.pipeline() as pipe:
            pipe.sadd(_key(token.job_id), variable.path)
            pipe.expire(_key(token.job_id), READS_TTL_S)
            pipe.execute()

    def paths(self, job_id: str) -> set[str]:
        """Every secret path the job read so far."""
        return {p.decode() if isinstance(p, bytes) else p for p in self.client.smembers(_key(job_id))}


class LearnedSecrets:
    """For one job: the clear values of the secrets it read that were not reported before.

    A callable, given to the worker's Redactor as its `learn` source.
    """

    def __init__(self, reads: SecretReads, db: Database, box: Callable[[], SecretBox],
                 job_id: str, ws_id: str) -> None:
        self.reads, self.db, self.box = reads, db, box
        self.job_id, self.ws_id = job_id, ws_id
        self.known: set[str] = set()

    def __call__(self) -> list[str]:
        new = self.reads.paths(self.job_id) - self.known
        if not new:
            return []
        with self.db.session() as session:
            tokens = session.scalars(select(Variable.value_encrypted).where(
                Variable.workspace_id == self.ws_id, Variable.path.in_(new),
                Variable.is_secret.is_(True))).all()
        values = [self.box().decrypt(token) for token in tokens if token]
        self.known |= new
        return values
