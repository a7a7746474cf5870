"""The flow module types: a registry of small plug-ins, one module each."""
from __future__ import annotations

from flows.modules.base import ModuleType
from flows.modules.branchall import BranchAll
from flows.modules.branchone import BranchOne
from flows.modules.forloop import ForLoop
from flows.modules.identity import Identity
from flows.modules.rawscript import RawScript
from flows.modules.script import ScriptModule
from flows.modules.subflow import SubFlow

MODULE_TYPES: dict[str, ModuleType] = {kind.type: kind for kind in (
    RawScript(), ScriptModule(), SubFlow(), ForLoop(), BranchOne(), BranchAll(), Identity())}
"""`value.type` → its module type; a new type is one module and one entry here."""


def module_type(name: str) -> ModuleType:
    return MODULE_TYPES[name]


__all__ = ["MODULE_TYPES", "ModuleType", "module_type"]
