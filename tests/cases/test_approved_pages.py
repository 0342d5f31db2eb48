"""Every page of an approved case shows what was approved, not what the member's record says today.

The trust walk renamed a member after approval and the published notice turned 张*明 into 张*鸣; the case
page showed a new card while the payout carried the old one.
"""
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Batch
from cases.services import batches
from cases.services import intake as svc
from tests import factories as f

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2022, 3, 7)
AFTER_NOTICE = dt.date(2022, 3, 14)
OLD_CARD = f.luhn_complete("622202020000123456")
NEW_CARD = f.luhn_complete("621700000099887766")


@pytest.fixture
def approved(shunyi_rules, station1, reviewer, approver):
    f.LedgerEntryFactory(fund=shunyi_rules.fund, amount=Decimal("1000000.00"))
    member = f.MemberFactory(name="张小明", card_number=OLD_CARD, bank_name="中国工商银行北京顺义支行",
                             phone="13812345678")
    case = f.reviewed_application(member=member, station=station1, fund=shunyi_rules.fund,
                                  category=shunyi_rules.category, estimate_rule_set=shunyi_rules)
    batch = batches.batch_create(actor=reviewer, fund=shunyi_rules.fund, title="2022年第一季度第1批")
    Batch.objects.filter(pk=batch.pk).update(
        created_at=timezone.make_aware(dt.datetime.combine(dt.date(2022, 3, 4), dt.time(9))))
    batches.batch_add_applications(batch=batch, applications=[case], actor=reviewer)
    batches.batch_start_notice(batch=batch, actor=reviewer, start=MONDAY, today=MONDAY)
    batches.batch_approve(batch=batch, actor=approver, meeting_date=AFTER_NOTICE, minutes_reference="顺工帮〔2022〕3号",
                          attendees="赵审批、王审核", today=AFTER_NOTICE)
    case.refresh_from_db()
    return case


@pytest.fixture
def renamed(approved, liaison1):
    svc.member_update(actor=liaison1, member=approved.member, name="张小鸣", card_number=NEW_CARD,
                      bank_name="中国建设银行北京顺义支行", phone="13900001111")
    return approved


def test_the_case_page_shows_the_name_and_card_approved_after_the_member_was_renamed(client, renamed, liaison1):
    client.force_login(liaison1)
    html = client.get(reverse("cases:application-detail", args=[renamed.pk])).content.decode()
    assert "张小明" in html and "张小鸣" not in html
    assert OLD_CARD in html and NEW_CARD not in html
    assert "中国工商银行北京顺义支行" in html and "中国建设银行北京顺义支行" not in html
    assert "13812345678" in html and "13900001111" not in html
    assert 'data-testid="frozen-note"' in html


def test_the_printable_form_shows_what_was_approved(client, renamed, liaison1):
    client.force_login(liaison1)
    html = client.get(reverse("cases:application-print", args=[renamed.pk])).content.decode()
    assert "张小明" in html and "张小鸣" not in html
    assert OLD_CARD in html and NEW_CARD not in html


def test_the_reviewers_page_shows_what_was_approved(client, renamed, reviewer):
    client.force_login(reviewer)
    html = client.get(reverse("cases:review", args=[renamed.pk])).content.decode()
    assert "张小明" in html and "张小鸣" not in html


def test_the_approved_batchs_public_notice_keeps_the_masked_name_it_was_published_with(client, renamed, reviewer):
    client.force_login(reviewer)
    html = client.get(reverse("cases:batch-notice", args=[renamed.batch_id])).content.decode()
    assert "张*明" in html and "张*鸣" not in html
    response = client.get(reverse("cases:batch-notice-xlsx", args=[renamed.batch_id]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)
                                              if response.streaming else response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["张*明"]


def test_the_member_page_shows_the_new_details_and_the_change_in_his_history(client, renamed, liaison1):
    client.force_login(liaison1)
    html = client.get(reverse("cases:member-detail", args=[renamed.member_id])).content.decode()
    assert "张小鸣" in html and NEW_CARD in html
    assert "张小明 → 张小鸣" in html
    # The history keeps the card's last four digits only.
    assert f"{OLD_CARD[-4:]} → " in html and OLD_CARD not in html


def test_a_draft_still_shows_the_live_member(client, liaison1, station1, shunyi_fund, medical, shunyi_rules):
    member = f.MemberFactory(name="李秀英", stations=[station1])
    case = svc.application_create(actor=liaison1, member=member, station=station1, fund=shunyi_fund,
                                  category=medical)
    svc.member_update(actor=liaison1, member=member, name="李秀瑛")
    client.force_login(liaison1)
    html = client.get(reverse("cases:application-detail", args=[case.pk])).content.decode()
    assert "李秀瑛" in html and 'data-testid="frozen-note"' not in html


def test_the_reviewers_page_links_documents_through_the_scoped_download(client, reviewer, station1, shunyi_fund):
    case = f.ApplicationFactory(station=station1, fund=shunyi_fund, status="in_review")
    document = f.DocumentFactory(application=case)
    client.force_login(reviewer)
    html = client.get(reverse("cases:review", args=[case.pk])).content.decode()
    download = reverse("cases:document-download", args=[case.pk, document.pk])
    assert download in html and "/media" not in html
    assert client.get(download).status_code == 200
