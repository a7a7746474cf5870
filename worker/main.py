"""Entry point for the `celery` command: `celery -A worker.main worker`.

Celery's CLI imports an app object, so this module (and only this one) builds one from
the environment when imported.
"""
from config import load_settings
from worker.celery_app import make_celery

app = make_celery(load_settings())
