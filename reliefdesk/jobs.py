"""Long exports and imports as background jobs with progress.

A view creates a :class:`~reliefdesk.models.Job` and enqueues a django-tasks
task with its id (``run_job.enqueue(job_id)``); the worker (``manage.py
db_worker``, started by ``make run``) runs the function registered for the
job's kind, which reports progress through :func:`job_progress`. The job page
polls the job's JSON. In tests the immediate backend runs it at once.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from reliefdesk.models import Job
from reliefdesk.registry import Registry

logger = logging.getLogger(__name__)

# Job kind → ``func(job)`` that runs it, registered by each app's AppConfig.ready().
_HANDLERS: Registry[Callable[[Job], None]] = Registry("job kind")


def register_job_handlers(handlers: dict[str, Callable[[Job], None]]) -> None:
    _HANDLERS.update(handlers)


def job_progress(job: Job, done: int, total: int | None = None, message: str | None = None) -> None:
    """Record progress outside any transaction the job holds, so the page sees it at once."""
    fields = {"done": done}
    if total is not None:
        fields["total"] = total
    if message is not None:
        fields["message"] = message
    Job.objects.filter(pk=job.pk).update(**fields)
    for key, value in fields.items():
        setattr(job, key, value)


def start_job(*, kind: str, actor, params: dict, total: int = 0) -> Job:
    """Create the job and enqueue it once the creating transaction commits."""
    job = Job.objects.create(kind=kind, created_by=actor, params=params, total=total)
    transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


@task()
def run_job(job_id: int) -> None:
    job = Job.objects.get(pk=job_id)
    handler = _HANDLERS.get(job.kind)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    try:
        if handler is None:
            raise LookupError(f"no handler for job kind {job.kind!r}")
        handler(job)
    except Exception as exc:  # the job page must say it failed, whatever the cause
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, message=str(exc)[:2000],
                                             finished_at=timezone.now())
        return
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, finished_at=timezone.now())

