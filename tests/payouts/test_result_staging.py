"""A checked bank result file is deleted once committed or cancelled, and after a day if abandoned."""
from __future__ import annotations

import io
import os
import time

import pytest
from django.core.management import call_command
from django.urls import reverse

from funds.models import LedgerEntry
from payouts import services
from reliefdesk.importing import purge_staged, upload_folder
from tests.payouts.test_import import PAID_ON, good_rows, payouts, result_file, sheet  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def staged():
    return sorted(upload_folder(services.RESULT_FOLDER).iterdir())


def preview(client, sheet, rows):
    response = client.post(reverse("payouts:sheet-import", args=[sheet.pk]),
                           {"file": result_file(rows), "paid_on": PAID_ON.isoformat()})
    assert response.status_code == 200
    return response.context["token"]


def test_cancelling_the_preview_deletes_the_file_and_records_nothing(client, finance, sheet, payouts):
    client.force_login(finance)
    token = preview(client, sheet, good_rows(payouts))
    assert len(staged()) == 1
    page = client.post(reverse("payouts:sheet-import", args=[sheet.pk]),
                       {"file": result_file(good_rows(payouts)), "paid_on": PAID_ON.isoformat()})
    assert 'data-testid="cancel-import"' in page.content.decode()
    client.post(reverse("payouts:sheet-import-cancel", args=[sheet.pk]), {"token": page.context["token"]})
    response = client.post(reverse("payouts:sheet-import-cancel", args=[sheet.pk]), {"token": token})
    assert response.status_code == 302
    assert staged() == []
    assert not LedgerEntry.objects.exists()
    assert client.post(reverse("payouts:sheet-import-commit", args=[sheet.pk]),
                       {"token": token, "paid_on": PAID_ON.isoformat()}).status_code == 404


def test_a_committed_file_is_deleted(client, finance, sheet, payouts):
    client.force_login(finance)
    token = preview(client, sheet, good_rows(payouts))
    client.post(reverse("payouts:sheet-import-commit", args=[sheet.pk]), {"token": token, "paid_on": PAID_ON.isoformat()})
    assert LedgerEntry.objects.count() == 2
    assert staged() == []


def test_a_refused_commit_deletes_the_file_too(client, finance, sheet, payouts):
    client.force_login(finance)
    token = preview(client, sheet, good_rows(payouts))
    services.payout_sheet_cancel(sheet=sheet, actor=finance, reason="重新制表")
    response = client.post(reverse("payouts:sheet-import-commit", args=[sheet.pk]),
                           {"token": token, "paid_on": PAID_ON.isoformat()})
    assert response.status_code == 302
    assert staged() == [] and not LedgerEntry.objects.exists()


def _age(path, seconds):
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_the_command_deletes_the_files_abandoned_for_a_day_and_keeps_the_fresh_ones(client, finance, sheet,
                                                                                    payouts):
    client.force_login(finance)
    preview(client, sheet, good_rows(payouts))
    preview(client, sheet, good_rows(payouts))
    old, fresh = staged()
    _age(old, 24 * 3600 + 60)
    out = io.StringIO()
    call_command("purge_staged_uploads", stdout=out)
    assert "1 staged" in out.getvalue()
    assert staged() == [fresh]


def test_every_new_upload_sweeps_the_abandoned_ones(client, finance, sheet, payouts, settings):
    client.force_login(finance)
    preview(client, sheet, good_rows(payouts))
    (old,) = staged()
    _age(old, settings.STAGED_UPLOAD_MAX_AGE + 1)
    preview(client, sheet, good_rows(payouts))
    assert len(staged()) == 1 and old not in staged()


def test_purging_an_empty_or_missing_folder_is_quiet(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "nothing-here"
    assert purge_staged() == 0
