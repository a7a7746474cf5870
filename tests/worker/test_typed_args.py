"""Python jobs: main() receives instances of the dataclasses and Enums its parameters are
annotated with (TypedDicts stay dicts), built inside the job's sandbox, on every backend."""
from __future__ import annotations

from worker.sandbox.base import FailureKind

TYPED = '''\
from __future__ import annotations
from dataclasses import dataclass, field
from enum import Enum
from typing import Optional, TypedDict
from taskmill import Resource


class Color(str, Enum):
    RED = "red"
    BLUE = "blue"


class Point(TypedDict):
    x: int
    color: Color


@dataclass
class Stop:
    name: str
    at: Point


@dataclass
class Config:
    name: str
    color: Color = Color.BLUE
    first: Optional[Stop] = None
    stops: list[Stop] = field(default_factory=list)
    by_name: dict[str, Stop] = field(default_factory=dict)

    def __post_init__(self):
        if not self.name:
            raise ValueError("name must not be empty")


def main(cfg: Config, shade: Color, db: Resource["postgresql"], point: Point):
    return {
        "cfg": type(cfg).__name__, "color": cfg.color is Color.RED, "first": type(cfg.first).__name__,
        "stops": [type(stop).__name__ for stop in cfg.stops],
        "by_name": {key: type(stop).__name__ for key, stop in cfg.by_name.items()},
        "nested_point": type(cfg.stops[0].at).__name__, "nested_color": cfg.stops[0].at["color"] is Color.RED,
        "shade": shade is Color.BLUE, "db": db, "point": type(point).__name__,
    }
'''

STOP = {"name": "a", "at": {"x": 1, "color": "red"}}
ARGS = {"cfg": {"name": "ring", "color": "red", "first": STOP, "stops": [STOP], "by_name": {"k": STOP}},
        "shade": "blue", "db": {"host": "db.internal"}, "point": {"x": 2, "color": "blue"}}


def test_annotated_classes_arrive_as_instances(run, backend):
    outcome = run(backend, "python", TYPED, ARGS).outcome
    assert outcome.success, outcome
    assert outcome.result == {
        "cfg": "Config", "color": True, "first": "Stop", "stops": ["Stop"], "by_name": {"k": "Stop"},
        "nested_point": "dict", "nested_color": True, "shade": True, "db": {"host": "db.internal"},
        "point": "dict"}


def test_an_object_the_dataclass_refuses_fails_the_job_naming_the_parameter(run, backend):
    outcome = run(backend, "python", TYPED, {**ARGS, "cfg": {"name": "ring", "colour": "red"}}).outcome
    assert outcome.failure is FailureKind.EXCEPTION
    assert outcome.message.startswith("InvalidArgument: argument 'cfg': TypeError:")
    assert "colour" in outcome.message


def test_a_value_outside_the_enum_fails_the_job_naming_the_parameter(run, backend):
    outcome = run(backend, "python", TYPED, {**ARGS, "shade": "green"}).outcome
    assert outcome.message == "InvalidArgument: argument 'shade': ValueError: 'green' is not a valid Color"


def test_the_dataclass_own_checks_run_and_name_the_parameter(run, backend):
    outcome = run(backend, "python", TYPED, {**ARGS, "cfg": {"name": ""}}).outcome
    assert outcome.message == "InvalidArgument: argument 'cfg': ValueError: name must not be empty"


def test_unannotated_and_plain_parameters_are_passed_as_they_are(run, backend):
    code = "def main(a, b: dict, c: list[int]):\n    return [type(a).__name__, type(b).__name__, c]\n"
    outcome = run(backend, "python", code, {"a": {"x": 1}, "b": {"y": 2}, "c": [1, 2]}).outcome
    assert outcome.result == ["dict", "dict", [1, 2]]
