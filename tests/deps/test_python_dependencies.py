"""Python jobs with third-party imports: resolved once into a lock stored with the script
version, installed once per lock into a cached environment, reused by every later run."""
from __future__ import annotations


from app.models import DependencyLock, JobStatus, User
from tests.deps.conftest import script_row
from worker.languages import get_language
from worker.sandbox.docker import container_config, default_limits

INSTALLED = "[taskmill] installed python dependencies"
RESOLVING = "[taskmill] resolving python requirements"
USES_YAML = ("import yaml\n\n"
             "def main(text: str):\n"
             "    return {'parsed': yaml.safe_load(text), 'version': yaml.__version__}\n")
PINNED_HEADER = ("# requirements:\n"
                 "# PyYAML==6.0.1\n"
                 "import yaml\n\n"
                 "def main():\n"
                 "    return yaml.__version__\n")


def test_an_inferred_import_is_installed_and_a_second_run_installs_nothing(run_script, db):
    first = run_script("u/alice/yaml", USES_YAML, text="a: [1, 2]")
    assert first.status == JobStatus.SUCCESS, (first.error, first.logs)
    assert first.result["parsed"] == {"a": [1, 2]}
    assert RESOLVING in first.logs and "PyYAML" in first.logs and INSTALLED in first.logs

    second = run_script("u/alice/yaml", USES_YAML, text="b: 3")
    assert second.status == JobStatus.SUCCESS and second.result["parsed"] == {"b": 3}
    assert RESOLVING not in second.logs and INSTALLED not in second.logs


def test_the_lock_is_stored_with_the_script_version(run_script, db):
    run_script("u/alice/yaml", USES_YAML, text="a: 1")
    script = script_row(db, "u/alice/yaml")
    assert script.dependency_lock.splitlines()[1].startswith("PyYAML==")
    assert "--hash=sha256:" in script.dependency_lock
    assert len(script.dependency_lock_hash) == 32


def test_a_header_pins_the_version_that_runs(run_script, db):
    job = run_script("u/alice/pinned", PINNED_HEADER)
    assert job.status == JobStatus.SUCCESS, (job.error, job.logs)
    assert job.result == "6.0.1"
    assert "PyYAML==6.0.1 --hash=sha256:" in script_row(db, "u/alice/pinned").dependency_lock


def test_a_second_script_with_the_same_requirements_reuses_lock_and_environment(run_script, db):
    first = run_script("u/alice/one", USES_YAML, text="x: 1")
    assert first.status == JobStatus.SUCCESS, (first.error, first.logs)
    other = "import yaml\n\ndef main():\n    return yaml.safe_dump({'k': 1})\n"
    second = run_script("u/alice/two", other)
    assert second.status == JobStatus.SUCCESS and second.result == "k: 1\n"
    assert RESOLVING not in second.logs and INSTALLED not in second.logs
    assert script_row(db, "u/alice/one").dependency_lock_hash == \
        script_row(db, "u/alice/two").dependency_lock_hash
    with db.session() as session:
        assert session.query(DependencyLock).filter_by(language="python").count() == 1


def test_a_package_that_does_not_exist_fails_at_dependencies_and_the_script_is_saved(run_script, db):
    code = "import taskmill_no_such_package_xyz\n\ndef main():\n    return 1\n"
    job = run_script("u/alice/missing", code)
    assert job.status == JobStatus.FAILURE
    assert job.error["kind"] == "dependencies"
    assert "taskmill_no_such_package_xyz" in job.error["message"]
    assert "No matching distribution found" in job.error["message"]  # pip's own words
    saved = script_row(db, "u/alice/missing")
    assert saved is not None and saved.content == code and saved.dependency_lock is None


def test_a_malformed_header_fails_at_dependencies(run_script):
    code = "# requirements:\n# --index-url https://example.com/simple\n\ndef main():\n    return 1\n"
    job = run_script("u/alice/options", code)
    assert job.status == JobStatus.FAILURE and job.error["kind"] == "dependencies"
    assert "pip options are not allowed" in job.error["message"]


def test_a_script_without_third_party_imports_prepares_nothing(run_script, db):
    job = run_script("u/alice/plain", "import json\n\ndef main():\n    return json.dumps([1])\n")
    assert job.status == JobStatus.SUCCESS and job.result == "[1]"
    assert script_row(db, "u/alice/plain").dependency_lock is None
    with db.session() as session:
        assert session.query(DependencyLock).count() == 0


def test_job_containers_mount_only_the_dependency_volume_and_read_only(deps_settings):
    config = container_config(get_language("python"), "image", default_limits(deps_settings), {},
                              deps_volume=deps_settings.deps_volume)
    assert config["volumes"] == [f"{deps_settings.deps_volume}:/opt/taskmill-deps:ro"]


def test_the_script_api_shows_the_lock_read_only(run_script, client, factory, db):
    run_script("u/alice/yaml", USES_YAML, text="a: 1")
    with db.session() as session:
        alice = session.query(User).filter_by(username="alice").one()
    headers = {"Authorization": f"Bearer {factory.token(alice)}"}
    shown = client.get("/api/w/main/scripts/p/u/alice/yaml", headers=headers).json
    assert shown["dependency_lock"] == script_row(db, "u/alice/yaml").dependency_lock
