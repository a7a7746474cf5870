"""Replacing `$var:` / `$res:` references with what they name, with the rights of one actor.

The worker resolves a job's arguments just before its run, with the rights of the job's
runner; `GET /resources/p/<path>?resolve=true` resolves a resource with the caller's. A
reference the actor may not read, or that names nothing, is an UnresolvableReference (404)
naming it; a resolved value that no longer fits its schema is a MismatchedValue (409). A run
never starts with some references left in place.
"""
from __future__ import annotations

from typing import Any, Callable

from sqlalchemy.orm import Session

from app.authz import Actor, load_actor
from app.crypto import SecretBox
from app.errors import Forbidden, InvalidState, NotFound, ValidationFailed
from app.models import Job, User
from app.services import references, resource_types, resources, variables
from app.services.args import validate_args
from app.services.references import VAR_PREFIX
from app.services.secret_reads import SecretReads


class UnresolvableReference(NotFound):
    """A reference names nothing the actor may read."""

    def __init__(self, reference: str, reason: str) -> None:
        super().__init__(f"cannot resolve {reference}: {reason}", {"reference": reference})


class MismatchedValue(InvalidState):
    """Once resolved, a value does not fit its schema (a resource's type, a script's arguments)."""

    def __init__(self, reference: str, reason: str) -> None:
        super().__init__(f"cannot use {reference}: {reason}", {"reference": reference})


class Resolver:
    """Resolves references for one actor and remembers the clear secrets it handed out."""

    def __init__(self, session: Session, actor: Actor, box: SecretBox,
                 reads: SecretReads | None = None) -> None:
        self.session, self.actor, self.box, self.reads = session, actor, box, reads
        self.secrets: set[str] = set()
        """Clear values of the secrets resolved so far (the job's logs must not show them)."""

    def args(self, args: dict[str, Any]) -> dict[str, Any]:
        """`args` with every `$var:` and `$res:` reference replaced, at any depth."""
        return references.replace(args, self._any)

    def variable(self, path: str) -> str:
        """The clear value of the variable at `path`."""
        try:
            variable, value = variables.read_value(self.session, self.actor, self.box, path, self.reads)
        except (NotFound, Forbidden):
            raise self._unreadable(VAR_PREFIX, path) from None
        if variable.is_secret:
            self.secrets.add(value)
        return value

    def resource(self, path: str) -> Any:
        """The value of the resource at `path` with its `$var:` references resolved, checked
        against its type."""
        try:
            resource = resources.get(self.session, self.actor, path)
        except (NotFound, Forbidden):
            raise self._unreadable(references.RES_PREFIX, path) from None
        value = references.replace(resource.value, self._variables_only)
        self._check_type(path, resource.resource_type, value)
        return value

    def _check_type(self, path: str, type_name: str, value: Any) -> None:
        kind = resource_types.find(self.session, self.actor.ws_id, type_name)
        if kind is None:
            raise UnresolvableReference(f"$res:{path}", f"its type {type_name!r} no longer exists")
        try:
            resource_types.validate_value(kind.schema, value, allow_var=False)
        except ValidationFailed as error:
            fields = ", ".join(sorted({d["field"] for d in error.details}))
            raise MismatchedValue(f"$res:{path}",
                                  f"its resolved value does not match type {type_name!r}: {fields}") from None

    def _any(self, prefix: str, path: str) -> Any:
        return self.variable(path) if prefix == VAR_PREFIX else self.resource(path)

    def _variables_only(self, prefix: str, path: str) -> Any:
        # Resources hold `$var:` only; anything else is a literal string.
        return self.variable(path) if prefix == VAR_PREFIX else f"{prefix}{path}"

    def _unreadable(self, prefix: str, path: str) -> UnresolvableReference:
        return UnresolvableReference(f"{prefix}{path}", f"not found, or {self.actor.name} may not read it")


def _runner(session: Session, job: Job, first: str) -> Actor:
    user = session.get(User, job.run_as_user_id) if job.run_as_user_id is not None else None
    if user is None:
        raise UnresolvableReference(first, "the job has no runner whose rights could read it")
    try:
        return load_actor(session, job.workspace_id, user)
    except NotFound:
        raise UnresolvableReference(first, f"{user.username} is not a member of the workspace") from None


def job_args(session: Session, job: Job, schema: dict[str, Any],
             box: Callable[[], SecretBox]) -> tuple[dict[str, Any], set[str]]:
    """The job's arguments with references resolved with its runner's rights, validated again
    against the script's `schema`, and the clear secrets among them.

    `box` is called only when there are references (a job without any needs no keys).
    """
    found = next(references.walk(job.args), None)
    if found is None:
        return dict(job.args), set()
    resolver = Resolver(session, _runner(session, job, "".join(found)), box())
    args = resolver.args(dict(job.args))
    try:
        validate_args(schema, args)
    except ValidationFailed as error:
        # The message names fields only; the details would quote (secret) values.
        raise MismatchedValue("the resolved arguments", error.message) from None
    return args, resolver.secrets
