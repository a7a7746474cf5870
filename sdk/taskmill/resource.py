"""`Resource["<type>"]`: annotates a script parameter that takes a resource of that type.

    from taskmill import Resource

    def main(db: Resource["postgresql"]):
        return db["host"]

Taskmill reads the annotation from the source (never running it) and gives the parameter a
resource picker of that type in the run form; at run time the argument is the resource's
JSON object (`$res:<path>` is resolved by the worker), a plain `dict`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Dict


@dataclass(frozen=True)
class ResourceType:
    """The metadata `Resource[...]` attaches: the name of the resource type."""

    name: str


class Resource:
    """Not instantiated: `Resource["postgresql"]` is `Annotated[Dict[str, Any], ResourceType(...)]`."""

    def __init__(self) -> None:
        raise TypeError('Resource is an annotation: write Resource["<type>"]')

    def __class_getitem__(cls, resource_type: str) -> Any:
        if not isinstance(resource_type, str):
            raise TypeError(f'Resource["<type>"] takes a type name, not {resource_type!r}')
        return Annotated[Dict[str, Any], ResourceType(resource_type)]
