"""A task the test workers load (``-I tests.portal.celery_probe``): when its file appears,
every task queued before it has been handled, because the worker takes one at a time."""

from pathlib import Path

from celery import shared_task


@shared_task
def touch(path):
    Path(path).touch()
