"""Worker lifecycle hooks: report which runner this worker uses, for the dashboard's warning."""
from __future__ import annotations

import logging
import socket
import threading

from celery.signals import worker_process_init, worker_process_shutdown, worker_ready

from app.workers import REPORT_TTL_S, report_runner

log = logging.getLogger(__name__)

REPORT_EVERY_S = REPORT_TTL_S / 4


@worker_ready.connect
def _start_runner_reports(sender, **_kwargs) -> None:  # noqa: ANN001
    from worker.context import worker_context
    from worker.sandbox import make_backend
    context = worker_context()
    backend = make_backend(context.settings)  # the parent runs no job: no pool here
    if not backend.sandboxed:
        log.warning("UNSANDBOXED: jobs run as plain processes on this host (runner %s)", backend.name)
    name = f"{sender.hostname or socket.gethostname()}"
    thread = threading.Thread(target=_report_forever, args=(context, name, backend), daemon=True)
    thread.start()


def _report_forever(context, name: str, backend) -> None:  # noqa: ANN001
    stop = threading.Event()
    while True:
        try:
            report_runner(context.events.client, name, backend.name, backend.sandboxed)
        except Exception:
            log.warning("could not report the runner to Redis", exc_info=True)
        if stop.wait(REPORT_EVERY_S):
            return


@worker_process_init.connect
def _fill_the_pool(**_kwargs) -> None:
    """Start each job process's container pool now, so its first job is already a pool hit."""
    from worker.context import worker_context
    worker_context().backend()


@worker_process_shutdown.connect
def _drain_the_pool(**_kwargs) -> None:
    """Remove this process's pooled and idle warm containers (the janitor would, later)."""
    from worker.context import worker_context
    backend = worker_context().backend()
    for holder in (getattr(backend, "pool", None), getattr(backend, "warm", None)):
        if holder is not None:
            holder.stop()
