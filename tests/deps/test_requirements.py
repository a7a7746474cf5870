"""Requirement extraction: read from the script's text only, never by running it."""
from __future__ import annotations

import pytest

from worker.deps.distributions import distribution_for
from worker.deps.errors import DependencyError
from worker.deps.python_imports import python_requirements
from worker.deps.requirements import requirements_of
from worker.deps.typescript_imports import package_of, typescript_requirements


def test_python_imports_are_inferred_without_stdlib_relative_or_the_sdk():
    code = ("import os, json\nimport requests\nfrom yaml import safe_load\nfrom . import sibling\n"
            "from .pkg import thing\nimport taskmill\nimport numpy.linalg as la\n\n"
            "def main():\n    import bs4\n")
    assert python_requirements(code) == ["beautifulsoup4", "numpy", "PyYAML", "requests"]


@pytest.mark.parametrize("module, distribution", [
    ("yaml", "PyYAML"), ("PIL.Image", "Pillow"), ("sklearn.linear_model", "scikit-learn"),
    ("cv2", "opencv-python-headless"), ("bs4", "beautifulsoup4"), ("dateutil.parser", "python-dateutil"),
    ("jwt", "PyJWT"), ("dotenv", "python-dotenv"), ("google.cloud.storage", "google-cloud-storage"),
    ("requests", "requests"), ("typing_extensions", "typing_extensions"),
])
def test_import_names_map_to_their_distribution(module, distribution):
    assert distribution_for(module) == distribution


def test_imports_guarded_by_import_error_are_optional():
    code = "try:\n    import ujson as json\nexcept ImportError:\n    import json\nimport httpx\n"
    assert python_requirements(code) == ["httpx"]


def test_a_python_header_block_replaces_inference():
    code = ("#!/usr/bin/env python\n# requirements:\n# PyYAML==6.0.1\n#   requests[socks] >=2.31\n"
            "#\n# pandas; python_version >= '3.10'\nimport numpy\n")
    assert python_requirements(code) == ["PyYAML==6.0.1", "requests[socks] >=2.31",
                                         "pandas; python_version >= '3.10'"]


@pytest.mark.parametrize("line", ["--index-url https://evil.example/simple", "-r /etc/passwd",
                                  "-e git+https://example.com/x.git", "not a requirement !"])
def test_pip_options_and_garbage_in_the_header_are_refused(line):
    with pytest.raises(DependencyError, match="is not a requirement"):
        python_requirements(f"# requirements:\n# {line}\n")


def test_code_that_does_not_parse_infers_nothing():
    assert python_requirements("import yaml\ndef main(:\n") == []


def test_the_requirement_set_hash_ignores_order_and_duplicates():
    one = requirements_of("python", "import yaml\nimport requests\n")
    two = requirements_of("python", "import requests\nimport yaml\nimport yaml.constructor\n")
    assert one.hash == two.hash and one.text == "PyYAML\nrequests\n"
    assert requirements_of("python", "import json\n") is None
    assert requirements_of("bash", "import yaml\n") is None


def test_typescript_bare_specifiers_become_packages():
    code = ('import _ from "lodash";\nimport { z } from "zod/v4";\nimport fs from "fs";\n'
            'import path from "node:path";\nimport { $ } from "bun";\nimport x from "./local";\n'
            '// import y from "commented-out"\n/* import "also-commented" */\n'
            'import * as s from "@scope/pkg/sub";\nconst r = require("left-pad");\n'
            'const m = await import("dayjs");\nexport { a } from "re-export";\nimport "side-effect";\n')
    assert typescript_requirements(code) == {name: "latest" for name in [
        "@scope/pkg", "dayjs", "left-pad", "lodash", "re-export", "side-effect", "zod"]}


@pytest.mark.parametrize("specifier, package", [
    ("lodash/fp", "lodash"), ("@types/node", "@types/node"), ("node:fs", None), ("bun:test", None),
    ("https://example.com/x.js", None), ("/abs/path", None), ("../up", None), ("crypto", None)])
def test_package_of_a_specifier(specifier, package):
    assert package_of(specifier) == package


def test_a_typescript_header_pins_versions():
    code = "// requirements:\n// lodash@4.17.21\n// @types/node\n// zod@^3.22\nimport x from 'other';\n"
    assert typescript_requirements(code) == {"lodash": "4.17.21", "@types/node": "latest",
                                             "zod": "^3.22"}
    with pytest.raises(DependencyError, match="is not a package"):
        typescript_requirements("// requirements:\n// file:../evil\n")


def test_typescript_requirements_are_a_package_json():
    requirements = requirements_of("typescript", 'import _ from "lodash";\n')
    assert '"lodash": "latest"' in requirements.text and requirements.names == ("lodash@latest",)
