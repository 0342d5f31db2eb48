"""A job whose worker dies is marked, done where its work committed; it is retried from its page."""
from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from donations import imports
from donations.models import Donation, DonationImport
from reliefdesk import jobs
from reliefdesk.history import history_for
from reliefdesk.models import Job
from tests.donations.conftest import GOOD_ROWS, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def dead_pid() -> int:
    """The id of a process that has just ended (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def running_job(user, *, worker: str, heartbeat_age: int = 0, kind: str = "donation_import_commit",
                params: dict | None = None) -> Job:
    beat = timezone.now() - dt.timedelta(seconds=heartbeat_age)
    return Job.objects.create(kind=kind, created_by=user, params=params or {}, status=Job.Status.RUNNING,
                              attempts=1, worker=worker, started_at=beat, heartbeat_at=beat)


def validated_import(finance, fund):
    imp = imports.donation_import_upload(actor=finance, fund=fund, campaign=None, upload=upload(GOOD_ROWS))
    return imports.donation_import_validate(imp=imp)


def test_a_job_whose_worker_process_is_gone_is_marked_failed_with_a_message(finance):
    job = running_job(finance, worker=f"{socket.gethostname()}:{dead_pid()}")

    assert jobs.recover_lost_jobs() == [Job.objects.get(pk=job.pk)]

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.finished_at is not None
    assert job.message.startswith("The worker running this job stopped (last sign of life ")
    assert job.message.endswith("nothing of it was saved. Retry it.")
    assert [e.action for e in history_for(job)] == ["job.worker_lost"]


def test_a_job_whose_live_worker_beats_is_left_running(finance):
    job = running_job(finance, worker=jobs.worker_identity(), heartbeat_age=5)
    assert jobs.recover_lost_jobs() == []
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING


def test_a_job_on_another_machine_is_lost_only_when_its_heartbeat_is_stale(finance, settings):
    settings.JOB_STALE_SECONDS = 120
    fresh = running_job(finance, worker="other-host:4242", heartbeat_age=60)
    stale = running_job(finance, worker="other-host:4243", heartbeat_age=121)

    jobs.recover_lost_jobs()

    assert Job.objects.get(pk=fresh.pk).status == Job.Status.RUNNING
    assert Job.objects.get(pk=stale.pk).status == Job.Status.FAILED


class WorkerKilled(BaseException):
    """What the worker's death looks like from inside it: nothing after this line runs."""


def test_a_job_whose_work_committed_before_its_worker_died_is_marked_done(finance, shunyi_fund, monkeypatch):
    imp = validated_import(finance, shunyi_fund)
    job = Job.objects.create(kind="donation_import_commit", created_by=finance,
                             params={"import_id": imp.pk, "confirm": True})

    def die(*args, **kwargs):
        raise WorkerKilled

    monkeypatch.setattr(jobs, "_finish", die)
    with pytest.raises(WorkerKilled):
        jobs.run_job.call(job.pk)
    monkeypatch.undo()
    # The import committed; the job was left running by a worker that is now gone.
    assert Donation.objects.count() == 4
    Job.objects.filter(pk=job.pk).update(worker=f"{socket.gethostname()}:{dead_pid()}")

    jobs.recover_lost_jobs()

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.message.startswith("Finished: its work was saved before the worker stopped")
    assert [e.action for e in history_for(job)] == ["job.work_committed", "job.worker_lost"]


def test_a_marker_of_an_earlier_attempt_does_not_count(finance):
    job = running_job(finance, worker=f"{socket.gethostname()}:{dead_pid()}")
    Job.objects.filter(pk=job.pk).update(attempts=2)
    from reliefdesk.history import record_event

    record_event(job, actor=None, action=jobs.COMMITTED, data={"attempt": 1})
    jobs.recover_lost_jobs()
    assert Job.objects.get(pk=job.pk).status == Job.Status.FAILED


def test_the_job_page_marks_a_lost_job_and_offers_a_retry_that_runs_it(client, finance, shunyi_fund,
                                                                      django_capture_on_commit_callbacks):
    imp = imports.donation_import_upload(actor=finance, fund=shunyi_fund, campaign=None, upload=upload(GOOD_ROWS))
    job = running_job(finance, worker=f"{socket.gethostname()}:{dead_pid()}", kind="donation_import_validate",
                      params={"import_id": imp.pk})
    client.force_login(finance)

    page = client.get(reverse("job-detail", args=[job.pk]))

    html = page.content.decode()
    assert 'data-status="failed"' in html and "The worker running this job stopped" in html
    assert 'data-testid="job-retry"' in html
    retry = reverse("job-retry", args=[job.pk])
    assert client.get(retry).status_code == 405

    with django_capture_on_commit_callbacks(execute=True):
        client.post(retry)

    job.refresh_from_db()
    assert (job.status, job.attempts, job.done) == (Job.Status.DONE, 2, 4)
    assert DonationImport.objects.get(pk=imp.pk).status == DonationImport.Status.VALIDATED
    assert [e.action for e in history_for(job)] == ["job.worker_lost", "job.retried"]
    assert 'data-testid="job-retry"' not in client.get(reverse("job-detail", args=[job.pk])).content.decode()


def test_only_a_failed_job_can_be_retried_and_only_by_its_starter(client, finance, daxing_finance):
    job = Job.objects.create(kind="donation_import_validate", created_by=finance, status=Job.Status.DONE)
    client.force_login(finance)
    response = client.post(reverse("job-retry", args=[job.pk]), follow=True)
    assert "Only a failed job can be retried; this one is Done." in response.content.decode()
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED)
    client.force_login(daxing_finance)
    assert client.post(reverse("job-retry", args=[job.pk])).status_code == 404
    assert Job.objects.get(pk=job.pk).status == Job.Status.FAILED


def test_a_job_is_run_once_even_when_its_task_comes_twice(finance, shunyi_fund):
    imp = validated_import(finance, shunyi_fund)
    job = Job.objects.create(kind="donation_import_commit", created_by=finance,
                             params={"import_id": imp.pk, "confirm": True})
    jobs.run_job.call(job.pk)
    jobs.run_job.call(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.DONE, 1)
    assert Donation.objects.count() == 4
