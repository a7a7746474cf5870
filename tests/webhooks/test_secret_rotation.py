"""Signing secrets follow encryption-key rotation like every other stored secret."""
from cryptography.fernet import Fernet
from sqlalchemy import select

from app.crypto import SecretBox
from app.models import Webhook
from app.services import webhooks


def test_rotate_keys_re_encrypts_signing_secrets_with_the_newest_key(db, settings, signing_secret):
    old_keys = settings.resolved_encryption_keys()
    newest = Fernet.generate_key().decode()
    with db.session() as session:
        assert webhooks.rotate_all(session, SecretBox([newest, *old_keys])) == 1
    with db.session() as session:
        webhook = session.scalars(select(Webhook)).one()
        assert webhooks.secret_of(webhook, SecretBox([newest])) == signing_secret
