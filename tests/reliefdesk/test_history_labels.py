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
