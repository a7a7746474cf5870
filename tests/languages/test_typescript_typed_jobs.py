"""TypeScript jobs whose parameters are typed `Resource<"type">` or declared object types:
Bun strips the types without checking them, so no declaration of `Resource` is needed."""
from __future__ import annotations

from app.introspection import parse_parameters, run_args

CODE = '''\
interface Point { x: number; y?: number }
type Route = { name: string; stops: Point[] };

export async function main(db: Resource<"postgresql">, route: Route) {
  return { host: db.host, stops: route.stops.length, first: route.stops[0].x };
}
'''


def test_a_resource_typed_parameter_receives_the_object(run, backend_for, limits_for):
    args = {"route": {"name": "r", "stops": [{"x": 3}]}, "db": {"host": "db.internal"}}
    prepared = run_args("typescript", parse_parameters("typescript", CODE), args)
    outcome = run(backend_for("typescript"), "typescript", CODE, prepared,
                  limits=limits_for("typescript")).outcome
    assert outcome.success, outcome
    assert outcome.result == {"host": "db.internal", "stops": 1, "first": 3}
