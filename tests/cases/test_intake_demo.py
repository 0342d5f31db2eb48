import io

import pytest

from cases import demo as cases_demo
from cases.models import Application, Member
from funds import demo as funds_demo
from funds.models import AidCategory, Fund, RuleSet
from reliefdesk import demo as org_demo
from reliefdesk.history import history_for
from tests import factories as f

S = Application.Status
pytestmark = pytest.mark.django_db


def seed_all():
    out = io.StringIO()
    org_demo.seed(out)
    funds_demo.seed(out)
    fund, medical = Fund.objects.get(slug="shunyi"), AidCategory.objects.get(code="medical")
    if not RuleSet.objects.filter(fund=fund, category=medical, status="active").exists():
        f.shunyi_2022_rules(fund=fund, category=medical)
    cases_demo.seed(out)
    return out.getvalue()


def test_the_demo_has_a_few_dozen_shunyi_cases_in_every_intake_state_with_real_history():
    seed_all()
    shunyi = Application.objects.filter(district__code="SY")
    assert shunyi.count() == 36
    by_state = {s: shunyi.filter(status=s).count() for s in (S.DRAFT, S.SUBMITTED, S.RETURNED, S.WITHDRAWN)}
    assert by_state == {S.DRAFT: 8, S.SUBMITTED: 18, S.RETURNED: 6, S.WITHDRAWN: 4}
    assert set(shunyi.values_list("station__code", flat=True)) == {"SY01", "SY02", "SY03"}
    returned = shunyi.filter(status=S.RETURNED).first()
    assert returned.last_reason
    assert [e.action for e in history_for(returned)][-2:] == ["application.submitted", "application.returned"]
    assert shunyi.filter(status=S.SUBMITTED, estimate_amount__isnull=False).count() == 18
    assert Member.objects.filter(name="时某").exists() and Member.objects.get(name="老王").family.count() == 3
    assert Application.objects.filter(member__name="时某", district__code="DX").count() == 1


def test_seeding_twice_adds_nothing():
    seed_all()
    before = (Application.objects.count(), Member.objects.count())
    output = seed_all()
    assert (Application.objects.count(), Member.objects.count()) == before
    assert "already present" in output
