"""kill -9 of a real worker (``manage.py db_worker``) in the middle of a donation import's commit."""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import Workbook

from donations import imports
from donations.models import Donation, DonationImport
from funds.models import LedgerEntry
from reliefdesk.jobs import start_job
from reliefdesk.models import Job
from tests.donations.conftest import GOOD_ROWS, upload

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(__file__).resolve().parents[2]
ROWS = 20_000


def database_url() -> str:
    db = django_settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or ""
    if host.startswith("/"):
        return f"postgresql://{user}{password}@/{db['NAME']}?host={host}"
    return f"postgresql://{user}{password}@{host or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


class Worker:
    """``manage.py db_worker`` against the test database, as `make run` starts it."""

    def __init__(self, log: Path):
        env = {key: value for key, value in os.environ.items()
               if key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
        env.update(DJANGO_SETTINGS_MODULE="reliefdesk.settings", DJANGO_ENV="test", DATABASE_URL=database_url(),
                   MEDIA_ROOT=str(django_settings.MEDIA_ROOT), JOB_HEARTBEAT_SECONDS="1", LOG_LEVEL="INFO",
                   BACKGROUND_ROWS_THRESHOLD=str(django_settings.BACKGROUND_ROWS_THRESHOLD))
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload"],
            cwd=BASE_DIR, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_for(condition, *, what: str, log: Path, timeout: float = 180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}; worker log:\n{log.read_text()[-4000:]}")


def unit_list(rows: int) -> SimpleUploadedFile:
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("捐款明细")
    ws.append(imports.COLUMNS)
    for n in range(rows):
        ws.append([f"职工{n}", "顺义区第一中学", 10 + n % 7, dt.date(2022, 3, 1 + n % 28), "银行转账", f"BK{n:08d}", ""])
    path = Path(django_settings.MEDIA_ROOT) / "unit-list.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return SimpleUploadedFile("unit-list.xlsx", path.read_bytes())


@pytest.fixture
def database_tasks(settings):
    """Jobs go to the database queue the worker reads, as in production (the tests' default runs them at once)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_a_worker_killed_mid_commit_leaves_nothing_half_done_and_the_next_worker_sorts_it_out(
        client, finance, shunyi_fund, database_tasks, tmp_path):
    big = imports.donation_import_validate(imp=imports.donation_import_upload(actor=finance, fund=shunyi_fund, campaign=None,
                                                        upload=unit_list(ROWS)))
    small = imports.donation_import_upload(actor=finance, fund=shunyi_fund, campaign=None, upload=upload(GOOD_ROWS))
    assert big.status == DonationImport.Status.VALIDATED and big.rows_ok == ROWS
    commit = start_job(kind="donation_import_commit", actor=finance, total=ROWS,
                       params={"import_id": big.pk, "confirm": True})
    check = start_job(kind="donation_import_validate", actor=finance, params={"import_id": small.pk})
    log = tmp_path / "worker.log"

    # The commit writes the history of its rows last: while another session holds the history table, the commit
    # waits there with its donors, credits and donations written, however fast it wrote them.
    blocker = psycopg2.connect(database_url())
    first = Worker(log)
    try:
        with blocker.cursor() as cursor:
            cursor.execute("LOCK TABLE reliefdesk_historyevent IN SHARE MODE")
        # Killed once the commit has written its rows (its progress comes through the heartbeat).
        wait_for(lambda: Job.objects.filter(pk=commit.pk, status=Job.Status.RUNNING, done__gt=0).exists(),
                 what="the commit to be under way", log=log)
        first.kill()
    finally:
        first.stop()
        blocker.rollback()
        blocker.close()

    commit.refresh_from_db()
    assert commit.status == Job.Status.RUNNING  # nobody is left to say otherwise
    assert commit.done > 0
    assert not Donation.objects.exists() and not LedgerEntry.objects.filter(donation__isnull=False).exists()
    assert DonationImport.objects.get(pk=big.pk).status == DonationImport.Status.VALIDATED
    assert Job.objects.get(pk=check.pk).status == Job.Status.QUEUED

    second = Worker(log)
    try:
        # The restarted worker takes what was queued, and marks the job its predecessor died in.
        wait_for(lambda: Job.objects.filter(pk=check.pk, status=Job.Status.DONE).exists(),
                 what="the queued check to run", log=log)
        commit.refresh_from_db()
        assert commit.status == Job.Status.FAILED
        with translation.override(django_settings.LANGUAGE_CODE):  # the worker speaks the default language
            lost = gettext("The worker running this job stopped (last sign of life %(when)s); nothing of it was "
                           "saved. Retry it.")
        assert commit.message.startswith(lost.split("%(when)s")[0])
        assert DonationImport.objects.get(pk=small.pk).status == DonationImport.Status.VALIDATED

        client.force_login(finance)
        client.cookies["django_language"] = "en"
        page = client.get(reverse("job-detail", args=[commit.pk])).content.decode()
        assert 'data-status="failed"' in page and 'data-testid="job-retry"' in page
        client.post(reverse("job-retry", args=[commit.pk]))

        wait_for(lambda: Job.objects.filter(pk=commit.pk, status=Job.Status.DONE).exists(),
                 what="the retried commit", log=log)
    finally:
        second.stop()

    commit.refresh_from_db()
    assert (commit.attempts, commit.done) == (2, ROWS)
    assert Donation.objects.filter(import_batch=big).count() == ROWS
    assert DonationImport.objects.get(pk=big.pk).status == DonationImport.Status.COMMITTED
