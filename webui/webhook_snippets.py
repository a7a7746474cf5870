"""Ready-to-copy shell commands that call a script's or flow's webhook URLs, signed or not."""
from __future__ import annotations

import json
import shlex
from typing import Any

from app.services.signatures import HEADER

TOKEN_PLACEHOLDER = "<token>"
EMPTY_BY_TYPE = {"string": "", "integer": 0, "number": 0, "boolean": False, "array": [], "object": {}}
"""Placeholder values of the example body, by JSON Schema type."""


def example_body(schema: dict[str, Any]) -> str:
    """A JSON object with each parameter set to its default, or an empty value of its type."""
    body = {}
    for name, spec in (schema or {}).get("properties", {}).items():
        kind = spec.get("type")
        kind = next((k for k in kind if k != "null"), None) if isinstance(kind, list) else kind
        body[name] = spec["default"] if "default" in spec else EMPTY_BY_TYPE.get(kind)
    return json.dumps(body)


def plain(url: str, body: str, token: str = TOKEN_PLACEHOLDER) -> str:
    return (f"curl -X POST {shlex.quote(url)} \\\n"
            f"  -H {shlex.quote(f'Authorization: Bearer {token}')} \\\n"
            "  -H 'Content-Type: application/json' \\\n"
            f"  --data-binary {shlex.quote(body)}")


def signed(url: str, body: str, token: str = TOKEN_PLACEHOLDER, secret: str = "<secret>") -> str:
    """The same call with its signature computed by openssl over the exact bytes sent."""
    return (f"secret={shlex.quote(secret)}\n"
            f"body={shlex.quote(body)}\n"
            "ts=$(date +%s)\n"
            "sig=$(printf '%s.%s' \"$ts\" \"$body\" \\\n"
            "  | openssl dgst -sha256 -hmac \"$secret\" | sed 's/^.* //')\n"
            f"curl -X POST {shlex.quote(url)} \\\n"
            f"  -H {shlex.quote(f'Authorization: Bearer {token}')} \\\n"
            "  -H 'Content-Type: application/json' \\\n"
            f"  -H \"{HEADER}: t=$ts,v1=$sig\" \\\n"
            "  --data-binary \"$body\"")


def commands(urls: dict[str, str], schema: dict[str, Any], is_signed: bool, *,
             token: str = TOKEN_PLACEHOLDER, secret: str = "<secret>") -> dict[str, str]:
    """`async` and `sync` commands for the two URLs of a script or flow (`schema`: its
    parameters' or inputs' JSON Schema, for the example body)."""
    body = example_body(schema)
    def build(url: str) -> str:
        return signed(url, body, token, secret) if is_signed else plain(url, body, token)
    return {"async": build(urls["async_url"]), "sync": build(urls["sync_url"])}
