"""Long exports and imports as background jobs with progress, heartbeat and recovery.

A view creates a :class:`~reliefdesk.models.Job` and enqueues a django-tasks
task with its id (``run_job.enqueue(job_id)``); the worker (``manage.py
db_worker``, started by ``make run``) runs the function registered for the
job's kind, which reports progress through :func:`job_progress`. The job page
polls the job's JSON. In tests the immediate backend runs it at once.

A worker can die in the middle of a job (kill -9, a crash, a reboot). So:

- the job records which worker runs it (``host:pid``) and a heartbeat every
  ``JOB_HEARTBEAT_SECONDS``, written by a thread on its own database
  connection, which also carries the progress a job reports from inside its
  own transaction (otherwise invisible until it commits);
- a handler whose work is one transaction calls :func:`mark_job_committed`
  inside it: a history row on the job that commits or vanishes with the work;
- :func:`recover_lost_jobs` (run when a worker takes its next task, and by
  the job page) finds running jobs whose worker is gone (its process no longer
  exists on this host, or no heartbeat for ``JOB_STALE_SECONDS``) and marks
  them done when their work committed, failed with a message otherwise;
- a failed job is retried from its page (:func:`job_retry`); a restarted
  worker runs whatever is still queued.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from contextvars import ContextVar
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
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
    beat = _BEATS.get(job.pk)
    if beat is not None and connection.in_atomic_block:
        # Written from here it would wait for the job's own transaction; the heartbeat writes it now.
        beat.report(fields)
    else:
        if beat is not None:
            fields = {**beat.take(), **fields}
        Job.objects.filter(pk=job.pk).update(**fields)
    for key, value in fields.items():
        setattr(job, key, value)


def start_job(*, kind: str, actor, params: dict, total: int = 0) -> Job:
    """Create the job and enqueue it once the creating transaction commits."""
    job = Job.objects.create(kind=kind, created_by=actor, params=params, total=total)
    transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


# --- who runs a job, and whether he still lives -------------------------------------

_current_job: ContextVar[Job | None] = ContextVar("reliefdesk_current_job", default=None)
_BEATS: dict[int, _Heartbeat] = {}
COMMITTED = "job.work_committed"


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class _Heartbeat(threading.Thread):
    """Every few seconds: "still running", plus any progress handed over, from a connection of its own."""

    def __init__(self, job_id: int, interval: float):
        super().__init__(name=f"job-{job_id}-heartbeat", daemon=True)
        self.job_id = job_id
        self.interval = interval
        self._pending: dict = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()

    def report(self, fields: dict) -> None:
        with self._lock:
            self._pending.update(fields)
        self._wake.set()

    def take(self) -> dict:
        """What was handed over and not yet written (waits for a write in progress)."""
        with self._lock:
            pending, self._pending = self._pending, {}
        return pending

    def run(self) -> None:
        try:
            while not self._stopping.is_set():
                self._wake.wait(self.interval)
                self._wake.clear()
                if self._stopping.is_set():
                    break
                with self._lock:
                    fields, self._pending = self._pending, {}
                    try:
                        Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING).update(
                            heartbeat_at=timezone.now(), **fields)
                    except Exception:  # a missed beat is not worth killing the job for
                        logger.warning("heartbeat of job %s not written", self.job_id, exc_info=True)
                # Progress reported in bursts is written at most five times a second.
                self._stopping.wait(0.2)
        finally:
            connection.close()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        self.join()


def mark_job_committed() -> None:
    """Call inside the transaction that saves a job's work: it commits, or vanishes, with the work.

    If the worker dies after that commit but before the job is marked done,
    recovery finds this row and marks the job done instead of failed.
    """
    job = _current_job.get()
    if job is None:
        return
    from reliefdesk.history import record_event

    record_event(job, actor=None, action=COMMITTED, data={"attempt": job.attempts})


def _work_committed(job: Job) -> bool:
    from django.contrib.contenttypes.models import ContentType

    from reliefdesk.models import HistoryEvent

    return HistoryEvent.objects.filter(content_type=ContentType.objects.get_for_model(Job), object_id=job.pk,
                                       action=COMMITTED, data__attempt=job.attempts).exists()


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def worker_gone(job: Job, *, now=None) -> bool:
    """Whether the worker recorded on a running job is gone: no such process here, or silent too long."""
    now = now or timezone.now()
    host, _sep, pid = (job.worker or "").rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and not _process_exists(int(pid)):
        return True
    last = job.heartbeat_at or job.started_at
    return last is None or now - last > timedelta(seconds=settings.JOB_STALE_SECONDS)


def _recover(job_id: int, now) -> Job | None:
    from reliefdesk.history import record_event

    with transaction.atomic():
        job = Job.objects.select_for_update(skip_locked=True).filter(pk=job_id, status=Job.Status.RUNNING).first()
        if job is None or not worker_gone(job, now=now):
            return None
        last = timezone.localtime(job.heartbeat_at or job.started_at or job.created_at)
        if _work_committed(job):
            job.status = Job.Status.DONE
            job.message = _("Finished: its work was saved before the worker stopped (last sign of life "
                            "%(when)s).") % {"when": f"{last:%Y-%m-%d %H:%M:%S}"}
        else:
            job.status = Job.Status.FAILED
            job.message = _("The worker running this job stopped (last sign of life %(when)s); nothing of it "
                            "was saved. Retry it.") % {"when": f"{last:%Y-%m-%d %H:%M:%S}"}
        job.finished_at = now
        job.save(update_fields=["status", "message", "finished_at"])
        record_event(job, actor=None, action="job.worker_lost", from_status=Job.Status.RUNNING,
                     to_status=job.status, data={"worker": job.worker, "attempt": job.attempts})
        _fail_task_results(job, now)
    logger.warning("job %s (%s) of lost worker %s marked %s", job.pk, job.kind, job.worker, job.status)
    return job


def _fail_task_results(job: Job, now) -> None:
    """The task row of the lost run says so too (the worker never came back to close it)."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another tasks backend
        return
    DBTaskResult.objects.filter(status="RUNNING", task_path=f"{__name__}.run_job",
                                args_kwargs__args=[job.pk]).update(
        status="FAILED", finished_at=now, exception_class_path="reliefdesk.jobs.WorkerLost",
        traceback=f"The worker {job.worker} stopped while running job {job.pk}.")


def recover_lost_jobs(*, now=None) -> list[Job]:
    """Mark the running jobs whose worker is gone: done where their work committed, failed otherwise."""
    now = now or timezone.now()
    candidates = [job.pk for job in Job.objects.filter(status=Job.Status.RUNNING).only(
        "pk", "worker", "heartbeat_at", "started_at") if worker_gone(job, now=now)]
    return [job for job in (_recover(pk, now) for pk in candidates) if job is not None]


def recover_if_lost(job: Job) -> Job:
    """The job as it is, after marking it if its worker is gone (the job page asks on every visit)."""
    if job.status == Job.Status.RUNNING and worker_gone(job):
        return _recover(job.pk, timezone.now()) or job
    return job


def job_retry(*, job: Job, actor) -> Job:
    """Queue a failed job again; its handler runs as the user who started it."""
    from django.http import Http404

    from reliefdesk.errors import TransitionNotAllowed
    from reliefdesk.history import record_event
    from reliefdesk.scope import is_admin

    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job.pk).first()
        if job is None or not (is_admin(actor) or job.created_by_id == actor.pk):
            raise Http404
        if job.status != Job.Status.FAILED:
            raise TransitionNotAllowed(_("Only a failed job can be retried; this one is %(status)s.")
                                       % {"status": job.get_status_display()})
        job.status = Job.Status.QUEUED
        job.done = 0
        job.message = ""
        job.finished_at = job.heartbeat_at = job.started_at = None
        job.worker = ""
        job.save(update_fields=["status", "done", "message", "finished_at", "heartbeat_at", "started_at", "worker"])
        record_event(job, actor=actor, action="job.retried", from_status=Job.Status.FAILED,
                     to_status=Job.Status.QUEUED, data={"attempt": job.attempts + 1})
        transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


def _claim(job_id: int) -> Job | None:
    """Take a queued job for this worker; None when it is not queued (run already, or by another)."""
    from django.db.models import F

    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, worker=worker_identity(), started_at=now, heartbeat_at=now,
        attempts=F("attempts") + 1)
    return Job.objects.get(pk=job_id) if claimed else None


def _finish(job: Job, beat: _Heartbeat | None, **fields) -> None:
    if beat is not None:
        beat.stop()
        _BEATS.pop(job.pk, None)
        beat.take()
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now(), **fields)


@task()
def run_job(job_id: int) -> None:
    recover_lost_jobs()
    job = _claim(job_id)
    if job is None:
        logger.info("job %s is not queued; not run again", job_id)
        return
    handler = _HANDLERS.get(job.kind)
    beat = None
    if not connection.in_atomic_block:  # a worker (or a request after its commit), not a test's transaction
        beat = _BEATS[job.pk] = _Heartbeat(job.pk, settings.JOB_HEARTBEAT_SECONDS)
        beat.start()
    token = _current_job.set(job)
    try:
        if handler is None:
            raise LookupError(f"no handler for job kind {job.kind!r}")
        handler(job)
    except Exception as exc:  # the job page must say it failed, whatever the cause
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(job, beat, status=Job.Status.FAILED, message=str(exc)[:2000])
        return
    finally:
        _current_job.reset(token)
    _finish(job, beat, status=Job.Status.DONE)

