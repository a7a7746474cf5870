"""What every job language provides: how to start its wrapper and how to read its answer.

A language never runs anything itself. Backends ask it for the wrapper command (inside the
runner image, or on the host for the local backend), the bytes of the job envelope to write
on the wrapper's stdin, and how to turn the wrapper's exit code and stdout into a RunOutcome.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import ClassVar

from worker.sandbox.base import FailureKind, RunOutcome, RunSpec

IMAGES_DIR = Path(__file__).resolve().parent.parent / "images"
"""Holds one folder per language: its Dockerfile and its wrapper."""
WRAPPER_DIR_IN_IMAGE = "/opt/taskmill"
"""Where each runner image keeps its wrapper (see the Dockerfiles)."""


class Language:
    """Base class of the language plug-ins; subclasses fill in the class attributes."""

    name: ClassVar[str]
    wrapper: ClassVar[str]
    """File name of the wrapper, both in `images/<name>/` and in `/opt/taskmill/`."""
    interpreter: ClassVar[tuple[str, ...]]
    """Program (and flags) that runs the wrapper inside the runner image."""
    lingers: ClassVar[bool] = False
    """Whether the wrapper, its output complete, sleeps TASKMILL_LINGER_S before exiting (only
    a wrapper with an end marker can: the others are read until they exit)."""
    bundles_sdk: ClassVar[bool] = False
    """Whether the image carries the `taskmill` SDK package (copied in as `sdk/taskmill`)."""

    @property
    def wrapper_path(self) -> Path:
        """The wrapper file in this repository (what the local backend runs)."""
        return IMAGES_DIR / self.name / self.wrapper

    @property
    def image_dir(self) -> Path:
        """The build context of this language's runner image."""
        return IMAGES_DIR / self.name

    def image_command(self) -> list[str]:
        """Command of a job container."""
        return [*self.interpreter, f"{WRAPPER_DIR_IN_IMAGE}/{self.wrapper}"]

    def local_command(self) -> list[str]:
        """Command of a job run as a host process by the local backend."""
        return [*self.local_interpreter(), str(self.wrapper_path)]

    def local_interpreter(self) -> tuple[str, ...]:
        """Host program that runs the wrapper; the image's interpreter by default."""
        return self.interpreter

    def warm_command(self) -> list[str] | None:
        """Command of a warm-mode container (a server running jobs one after another), or
        None when the language has no warm mode (its jobs then run in fresh containers)."""
        return None

    def end_marker(self, spec: RunSpec) -> bytes | None:
        """Bytes the wrapper writes on stderr once its output is complete, or None if it
        does not (the backend then reads until the container's streams close)."""
        return None

    def completed_status(self, stdout: bytes) -> int:
        """The exit status the wrapper is about to return, once its end marker was seen."""
        return 0

    def envelope(self, spec: RunSpec) -> bytes:
        """The bytes written to the wrapper's stdin: the code and the arguments."""
        raise NotImplementedError

    def outcome(self, exit_code: int, stdout: bytes) -> RunOutcome:
        """Interpret the wrapper's exit code and result channel (its stdout)."""
        raise NotImplementedError


def exit_failure(exit_code: int) -> RunOutcome:
    """The outcome of a program that ended non-zero without telling us why."""
    return RunOutcome.failed(FailureKind.EXIT_CODE, f"exited with code {exit_code}",
                             exit_code=exit_code)


def this_python() -> tuple[str, ...]:
    """The interpreter running Taskmill, unbuffered (the local backend's Python)."""
    return (sys.executable, "-u")
