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

TYPESCRIPT = '''\
/**
 * Greet someone.
 * @param name Who to greet.
 * @param count How many times to say hello.
 */
export async function main(name: string = "world", count: number = 1) {
  for (let i = 0; i < count; i++) {
    console.log(`Hello, ${name}!`);
  }
  return { greeted: name, times: count };
}
'''

GO = '''\
package main

import "fmt"

// Greet someone: name is who to greet, count how many times to say hello.
func main(name string, count int) (interface{}, error) {
\tfor i := 0; i < count; i++ {
\t\tfmt.Printf("Hello, %s!\\n", name)
\t}
\treturn map[string]interface{}{"greeted": name, "times": count}, nil
}
'''

SQL = '''\
-- $1 name (text) = 'world'
-- $2 count (int) = 1
-- Runs in one transaction against the `database` argument; returns the last statement's rows.
SELECT $1 AS greeted, $2 AS times, 'Hello, ' || $1 || '!' AS greeting;
'''

STARTERS: dict[str, str] = {
    "python": PYTHON, "typescript": TYPESCRIPT, "go": GO, "bash": BASH, "sql": SQL,
}
"""Language → the code a new script of that language starts with."""
