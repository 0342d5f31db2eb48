"""A verified case that is not yet in a batch can go back to review."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Application
from reliefdesk.history import history_for
from tests import factories as f

pytestmark = pytest.mark.django_db

S = Application.Status


@pytest.fixture
def verified(station1, shunyi_rules, reviewer):
    return f.reviewed_application(station=station1, fund=shunyi_rules.fund, category=shunyi_rules.category,
                                  assigned_reviewer=reviewer, verified_at=timezone.now() - dt.timedelta(hours=1))


def reopen(client, application, reason="发票金额需再次核对"):
    return client.post(reverse("cases:review-reopen", args=[application.pk]), {"reason": reason})


def test_a_reviewer_reopens_a_verified_case_with_a_reason(client, reviewer, verified):
    client.force_login(reviewer)
    page = client.get(reverse("cases:review", args=[verified.pk]))
    assert 'data-testid="reopen"' in page.content.decode()

    response = reopen(client, verified)
    assert response.status_code == 302
    verified.refresh_from_db()
    assert verified.status == S.IN_REVIEW
    assert verified.verified_at is None
    assert verified.last_reason == "发票金额需再次核对"
    events = list(history_for(verified))
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        ("application.reopened", S.VERIFIED, S.IN_REVIEW)]
    assert events[0].reason == "发票金额需再次核对"


def test_reopening_needs_a_reason_and_changes_nothing_without_one(client, reviewer, verified):
    client.force_login(reviewer)
    response = reopen(client, verified, reason="")
    assert response.status_code == 400
    verified.refresh_from_db()
    assert verified.status == S.VERIFIED
    assert not history_for(verified).exists()


def test_a_case_in_a_batch_cannot_be_reopened(client, reviewer, verified):
    batch = f.BatchFactory(fund=verified.fund)
    Application.objects.filter(pk=verified.pk).update(status=S.IN_BATCH, batch=batch)
    client.force_login(reviewer)
    response = reopen(client, verified)
    assert response.status_code == 400
    verified.refresh_from_db()
    assert verified.status == S.IN_BATCH
    assert not history_for(verified).exists()


def test_reopen_is_post_only(client, reviewer, verified):
    client.force_login(reviewer)
    assert client.get(reverse("cases:review-reopen", args=[verified.pk])).status_code == 405


def test_a_liaison_may_not_reopen(client, liaison1, verified):
    client.force_login(liaison1)
    assert reopen(client, verified).status_code == 403


def test_a_reviewer_of_another_district_gets_404(client, daxing_reviewer, verified):
    client.force_login(daxing_reviewer)
    assert reopen(client, verified).status_code == 404
    verified.refresh_from_db()
    assert verified.status == S.VERIFIED
