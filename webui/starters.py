"""Starter code for a new script, one per language: a working example of parameters."""
from __future__ import annotations

PYTHON = '''\
def main(name: str = "world", count: int = 1):
    """Greet someone.

    Args:
        name: Who to greet.
        count: How many times to say hello.
    """
    for _ in range(count):
        print(f"Hello, {name}!")
    return {"greeted": name, "times": count}
'''

BASH = '''\
#!/usr/bin/env bash
set -euo pipefail

# Who to greet
name="${1:-world}"
# How many times to say hello
count="${2:-1}"

for _ in $(seq "$count"); do
  echo "Hello, $name!"
done
'''

STARTERS: dict[str, str] = {"python": PYTHON, "bash": BASH}
"""Language → the code a new script of that language starts with."""
