"""Every periodic job names a task the worker knows, and runs on an empty portal with a
result the broker can carry."""

import importlib
import json

import pytest

from portal.celery import BEAT_SCHEDULE, app


@pytest.mark.parametrize("name", sorted(BEAT_SCHEDULE))
def test_each_periodic_job_names_a_registered_task(name):
    app.loader.import_default_modules()
    assert BEAT_SCHEDULE[name]["task"] in app.tasks


@pytest.mark.parametrize("name", sorted(BEAT_SCHEDULE))
def test_each_periodic_job_runs_on_an_empty_portal(name, db, tmp_path, settings):
    settings.PRIVATE_STORAGE_ROOT = str(tmp_path)
    module, _, function = BEAT_SCHEDULE[name]["task"].rpartition(".")
    task = getattr(importlib.import_module(module), function)
    # Results go through the broker as JSON: a job whose result cannot be written fails.
    json.dumps(task.run())
