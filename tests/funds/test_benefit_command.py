"""`manage.py benefit`: the amount on the first line, the explanation after, status 1 on bad input."""
from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args) -> list[str]:
    out = io.StringIO()
    call_command("benefit", *args, stdout=out)
    return out.getvalue().splitlines()


def test_it_prints_the_amount_then_the_explanation(shunyi_rules):
    lines = run("shunyi", "medical", "--date", "2022-03-01", "--basis", "62000")
    assert lines[0] == "12,400.00"
    assert lines[1] == "自付 62,000.00 元，属 5万–10万 档，按 20% 计 12,400.00 元"


def test_it_prints_a_range_when_the_reviewer_decides(daxing_fund):
    from tests import factories as f

    emergency = f.AidCategoryFactory(code="emergency", name="突发事件及意外灾害救助")
    rule_set = f.RuleSetFactory(fund=daxing_fund, category=emergency, basis="assessed_loss", minimum_basis=None,
                                effective_from="2014-01-01")
    f.TierFactory(rule_set=rule_set, lower=0, upper=None, kind="range", rate=None, range_min=5000, range_max=10000)
    assert run("daxing", "emergency", "--date", "2022-03-01", "--basis", "30000")[0] == "range 5,000.00–10,000.00"


def test_it_says_when_not_eligible(shunyi_rules):
    assert run("shunyi", "medical", "--date", "2022-03-01", "--basis", "19999.99")[0] == "not eligible"


@pytest.mark.parametrize("args", [
    ("shunyi", "medical", "--date", "2016-03-01", "--basis", "62000"),   # no rule set in force
    ("shunyi", "medical", "--date", "2022-13-01", "--basis", "62000"),   # no such date
    ("shunyi", "medical", "--date", "2022-03-01", "--basis", "abc"),
    ("shunyi", "medical", "--date", "2022-03-01", "--basis", "-5"),
    ("shunyi", "medical", "--date", "2022-03-01"),
    ("nowhere", "medical", "--date", "2022-03-01", "--basis", "62000"),
])
def test_bad_input_or_no_rule_set_is_a_clear_error_with_status_1(shunyi_rules, args):
    with pytest.raises(CommandError) as caught:
        call_command("benefit", *args, stdout=io.StringIO())
    assert caught.value.returncode == 1
    assert str(caught.value)
