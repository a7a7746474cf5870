"""TypeScript jobs with npm imports: resolved by `bun install` into a lock stored with the
script version, installed once per lock, reused read-only by later runs."""
from __future__ import annotations

import json
import shutil

import pytest

from app.models import JobStatus
from tests.deps.conftest import script_row

INSTALLED = "[taskmill] installed typescript dependencies"
USES_LODASH = ('import _ from "lodash";\n\n'
               "export function main(items: number[]) {\n"
               "  return { chunks: _.chunk(items, 2), version: _.VERSION };\n}\n")
PINNED = ("// requirements:\n// lodash@4.17.20\n"
          'import _ from "lodash";\n\nexport function main() {\n  return _.VERSION;\n}\n')


@pytest.fixture(autouse=True)
def _bun(backend_name):
    if backend_name == "local" and shutil.which("bun") is None:
        pytest.skip("the local backend needs `bun` on the host")


def test_an_npm_import_is_installed_once_and_the_lock_stored(run_script, db):
    first = run_script("u/alice/chunks", USES_LODASH, language="typescript", items=[1, 2, 3])
    assert first.status == JobStatus.SUCCESS, (first.error, first.logs)
    assert first.result["chunks"] == [[1, 2], [3]]
    assert INSTALLED in first.logs
    lock = json.loads(script_row(db, "u/alice/chunks").dependency_lock)
    assert '"lodash": "latest"' in lock["package.json"]
    assert f'"lodash@{first.result["version"]}"' in lock["bun.lock"]

    second = run_script("u/alice/chunks", USES_LODASH, language="typescript", items=[4])
    assert second.status == JobStatus.SUCCESS and second.result["chunks"] == [[4]]
    assert INSTALLED not in second.logs and "resolving" not in second.logs


def test_a_header_pins_the_npm_version(run_script):
    job = run_script("u/alice/pinned-ts", PINNED, language="typescript")
    assert job.status == JobStatus.SUCCESS, (job.error, job.logs)
    assert job.result == "4.17.20"


def test_an_npm_package_that_does_not_exist_fails_at_dependencies(run_script, db):
    code = ('import x from "taskmill-no-such-package-xyz";\n\n'
            "export function main() {\n  return x;\n}\n")
    job = run_script("u/alice/missing-ts", code, language="typescript")
    assert job.status == JobStatus.FAILURE and job.error["kind"] == "dependencies"
    assert "taskmill-no-such-package-xyz" in job.error["message"]
    assert script_row(db, "u/alice/missing-ts").content == code
