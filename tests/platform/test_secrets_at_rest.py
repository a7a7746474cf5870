"""Secrets are Fernet tokens at rest under rotating keys; the keys are configuration."""
import base64
import os

import pytest
from sqlalchemy import text

from app.cli import main as taskmill
from app.crypto import SecretBox, UndecryptableSecret
from config import SettingsError, load_settings
from tests import conftest
from tests.platform.conftest import get, post


def _raw(db, path: str) -> tuple[str | None, str | None]:
    with db.session() as session:
        return tuple(session.execute(text("SELECT value, value_encrypted FROM variables WHERE path = :p"),
                                     {"p": path}).one())


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def test_a_secret_is_stored_only_encrypted(client, team, db, settings):
    post(client, team.alice, "/variables", {"path": "u/alice/pw", "value": "hunter2", "is_secret": True}, 201)
    plain, encrypted = _raw(db, "u/alice/pw")
    assert plain is None and "hunter2" not in encrypted
    assert SecretBox(settings.resolved_encryption_keys()).decrypt(encrypted) == "hunter2"


def test_a_plain_variable_is_stored_as_is(client, team, db):
    post(client, team.alice, "/variables", {"path": "u/alice/region", "value": "eu"}, 201)
    assert _raw(db, "u/alice/region") == ("eu", None)


def test_rotate_keys_re_encrypts_every_secret_with_the_new_key(client, team, db, settings, monkeypatch, capsys):
    post(client, team.alice, "/variables", {"path": "u/alice/pw", "value": "hunter2", "is_secret": True}, 201)
    old, new = settings.resolved_encryption_keys()[0], new_key()
    env = conftest.test_env(TASKMILL_ENCRYPTION_KEYS=f"{new},{old}", TASKMILL_DATA_DIR=settings.data_dir)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    taskmill(["rotate-keys"])

    assert "re-encrypted 1 secret" in capsys.readouterr().out
    _plain, encrypted = _raw(db, "u/alice/pw")
    assert SecretBox([new]).decrypt(encrypted) == "hunter2"  # the old key can be dropped
    with pytest.raises(UndecryptableSecret):
        SecretBox([old]).decrypt(encrypted)


def test_a_secret_under_a_dropped_key_cannot_be_read(client, team, settings):
    post(client, team.alice, "/variables", {"path": "u/alice/pw", "value": "hunter2", "is_secret": True}, 201)
    client.application.extensions["taskmill"].settings = settings.replace(encryption_keys=new_key())
    try:
        response = client.get("/api/w/main/variables/p/u/alice/pw", headers=team.alice)
    finally:
        client.application.extensions["taskmill"].settings = settings
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "undecryptable_secret"
    assert get(client, team.alice, "/variables")[0]["value"] is None  # lists never decrypt


def test_the_production_profile_requires_encryption_keys():
    values = {"TASKMILL_PROFILE": "production", "TASKMILL_DATABASE_URL": "postgresql://db/x",
              "TASKMILL_REDIS_URL": "redis://r", "TASKMILL_SECRET_KEY": "k"}
    with pytest.raises(SettingsError, match="TASKMILL_ENCRYPTION_KEYS"):
        load_settings(values)
    assert load_settings({**values, "TASKMILL_ENCRYPTION_KEYS": new_key()}).encryption_keys


def test_malformed_encryption_keys_are_refused():
    with pytest.raises(SettingsError, match="Fernet"):
        load_settings({"TASKMILL_ENCRYPTION_KEYS": f"{new_key()},not-a-key"})


def test_the_embedded_profile_generates_one_key_and_keeps_it(tmp_path):
    settings = load_settings({}, data_dir=str(tmp_path))
    keys = settings.resolved_encryption_keys()
    assert len(keys) == 1 and settings.resolved_encryption_keys() == keys
    assert (tmp_path / "encryption_keys").stat().st_mode & 0o777 == 0o600
    assert SecretBox(keys).decrypt(SecretBox(keys).encrypt("x")) == "x"
