"""Every history action any service can write reads as words in both languages, never as its code."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from reliefdesk.history import ACTION_LABELS, action_label
from reliefdesk.workflow import WORKFLOWS

CJK = re.compile(r"[\u4e00-\u9fff]")
CODE = re.compile(r"^[a-z_]+\.[a-z_]+$")
PROJECT_APPS = [name for name in settings.INSTALLED_APPS if (settings.BASE_DIR / name / "apps.py").exists()]


def _written_codes() -> set[str]:
    """Codes passed as ``action="…"`` anywhere in the project's code, and every transition's code."""
    codes: set[str] = set()
    for app in PROJECT_APPS:
        for path in Path(settings.BASE_DIR, app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, ast.Call):
                    for keyword in node.keywords:
                        value = keyword.value
                        if (keyword.arg == "action" and isinstance(value, ast.Constant)
                                and isinstance(value.value, str) and CODE.match(value.value)):
                            codes.add(value.value)
    for workflow in WORKFLOWS.values():
        codes.update(t.code for t in workflow.transitions.values() if t.code)
    return codes


WRITTEN = sorted(_written_codes())


def test_the_scan_finds_the_codes_of_every_area():
    prefixes = {code.split(".")[0] for code in WRITTEN}
    assert {"application", "batch", "member", "payout", "payout_sheet", "donation", "donation_import", "donor",
            "campaign", "rule_set", "fund"} <= prefixes
    assert {"application.taken", "donation.imported", "payout.put_in_sheet"} <= set(WRITTEN)


@pytest.mark.parametrize("code", WRITTEN)
def test_each_written_action_has_a_label_in_chinese_and_in_english(code):
    assert code in ACTION_LABELS, f"{code} has no label"
    with translation.override("en"):
        english = str(action_label(code))
    with translation.override("zh-hans"):
        chinese = str(action_label(code))
    assert english and english != code
    assert CJK.search(chinese), f"{code} has no Chinese label: {chinese!r}"


@pytest.mark.django_db
def test_no_timeline_shows_a_raw_action_code(client, finance, shunyi_fund, station1):
    """The pages that showed payout_sheet.created, payout.in_sheet and every donation.* code now show words."""
    import datetime as dt
    import os
    from decimal import Decimal

    from django.urls import reverse

    from donations import services as donation_services
    from payouts import services as payout_services
    from tests import factories as f

    donation = donation_services.donation_record(actor=finance, fund=shunyi_fund, campaign=None, donor=None,
                                                 amount=Decimal("10"), received_on=dt.date(2022, 3, 5),
                                                 channel="cash", confirm=True)
    donation_services.donation_void(donation=donation, actor=finance, reason="录错")
    payouts = f.make_payouts(2, fund=shunyi_fund, station=station1)
    sheet = payout_services.payout_sheet_create(actor=finance, fund=shunyi_fund, payouts=payouts)
    os.unlink(payout_services.payout_sheet_export(sheet=sheet, actor=finance).path)
    payout_services.payout_mark_paid(payouts=payouts[:1], actor=finance, paid_on=dt.date(2022, 4, 8),
                                     bank_reference="B1")
    client.force_login(finance)
    pages = [reverse("donations:donation-detail", args=[donation.pk]),
             reverse("payouts:sheet-detail", args=[sheet.pk]),
             reverse("payouts:payout-detail", args=[payouts[0].pk])]
    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        for page in pages:
            html = client.get(page).content.decode()
            timeline = html.split('data-testid="history"')[1]
            shown = [code for code in WRITTEN if code in timeline]
            assert not shown, f"{page} ({language}) shows {shown}"
