"""Hypothesis profiles and the demo world the fuzz tests run against.

``RELIEFDESK_FUZZ_EXAMPLES`` sets how many examples each URL gets (``make
test`` keeps the default, ``make fuzz`` asks for more); ``RELIEFDESK_FUZZ_SEED``
replays a run. Examples are derandomized unless a seed is given, so CI sees
the same inputs every run.
"""
from __future__ import annotations

import io
import os

import pytest
from django.core.management import call_command
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, settings
from openpyxl import Workbook

EXAMPLES = int(os.environ.get("RELIEFDESK_FUZZ_EXAMPLES", "10"))
SEED = os.environ.get("RELIEFDESK_FUZZ_SEED")

settings.register_profile(
    "reliefdesk-fuzz",
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=SEED is None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                           HealthCheck.function_scoped_fixture],
    print_blob=True,
)


def _xlsx(name: str, header: list[str], rows: list[list]) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def _add_what_the_demo_lacks() -> None:
    """A background job, a checked donation list and an imported civil-affairs list with a match."""
    from django.contrib.auth import get_user_model

    from donations.imports import COLUMNS, donation_import_upload, donation_import_validate
    from funds.selectors import funds_visible_to
    from households.models import Household
    from households.services import roster
    from tests import factories as f

    users = get_user_model().objects
    finance, reviewer = users.get(username="finance"), users.get(username="reviewer")
    today = timezone.localdate()
    f.JobFactory(created_by=finance, kind="donations.import", status="failed")
    fund = funds_visible_to(user=finance).filter(district__isnull=False).order_by("pk").first()
    imp = donation_import_upload(actor=finance, fund=fund, campaign=None, upload=_xlsx("单位名单.xlsx", COLUMNS, [
        ["张三", "顺义建工", "10.00", today.isoformat(), "现金", "", ""],
        ["李四", "顺义建工", "20.00", today.isoformat(), "现金", "", ""]]))
    donation_import_validate(imp=imp)
    head = Household.objects.filter(status=Household.Status.ON_FILE, station__district__code="SY") \
        .order_by("pk").first().head
    listing = roster.civil_roster_upload(actor=reviewer, as_of=today, today=today, upload=_xlsx(
        "民政名单.xlsx", ["姓名", "身份证号", "类别", "起始日期", "截止日期"],
        [[head.name, head.id_number, "低保户", today.replace(day=1).isoformat(), ""]]))
    roster.civil_roster_validate(roster=listing)
    roster.civil_roster_commit(roster=listing, actor=reviewer)


@pytest.fixture(scope="module")
def _fuzz_media(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz-media")


@pytest.fixture(autouse=True)
def _media_root(settings, _fuzz_media):
    """One media folder for the module: the demo's staged files must still be there for every test."""
    settings.MEDIA_ROOT = _fuzz_media
    yield


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker, _fuzz_media):
    """The demo data (every role, every state), loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=_fuzz_media):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", stdout=io.StringIO())
            _add_what_the_demo_lacks()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
