"""Flows: a definition format (data), its validation, the compiler to Celery canvases, the
sandboxed expression evaluator, and the step tasks that run flows on the workers.

The module types (rawscript, script, flow, forloopflow, branchone, branchall, identity) are a
plug-in family under `flows.modules`.
"""
