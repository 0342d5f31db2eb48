"""Demo review: some Shunyi applications taken through review, two batches (one approved, one in notice).

Runs after cases.demo (which submits the Shunyi applications). Everything
goes through the review and batch services, so history and payouts are
real. Idempotent: the approved batch's title is the marker.
"""
from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from cases.models import Application, Batch
from cases.services import batches as batch_svc
from cases.services import review as review_svc
from funds.models import Fund
from reliefdesk.errors import DomainError
from reliefdesk.workdays import add_working_days

FIRST_BATCH = "2022年第一季度第1批"
SECOND_BATCH = "2022年第一季度第2批"
APPROVED_COUNT = 6
NOTICE_COUNT = 4
LEFT_VERIFIED = 2
LEFT_IN_REVIEW = 3


def _verify(application, reviewer) -> bool:
    """Take, tick, propose the rule's amount and verify; reject what the rules do not cover."""
    review_svc.application_take(application=application, actor=reviewer)
    try:
        review_svc.application_save_review(application=application, actor=reviewer,
                                           checklist=list(application.category.checklist))
    except DomainError as exc:
        review_svc.application_reject(application=application, actor=reviewer,
                                      reason=f"不符合救助条件：{exc.message}")
        return False
    try:
        review_svc.application_verify(application=application, actor=reviewer)
    except DomainError:
        review_svc.application_acknowledge_invoices(application=application, actor=reviewer)
        review_svc.application_verify(application=application, actor=reviewer)
    return True


def seed(stdout) -> None:
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["reviewer", "approver"])}
    fund = Fund.objects.filter(slug="shunyi").first()
    if fund is None or len(users) < 2:
        stdout.write("demo review: skipped (no Shunyi fund or reviewer/approver).")
        return
    if Batch.objects.filter(fund=fund, title=FIRST_BATCH).exists():
        stdout.write("demo review: already there.")
        return
    reviewer, approver = users["reviewer"], users["approver"]
    waiting = list(Application.objects.filter(fund=fund, status=Application.Status.SUBMITTED)
                   .select_related("category").order_by("submitted_at", "id"))
    wanted = APPROVED_COUNT + NOTICE_COUNT + LEFT_VERIFIED
    verified = []
    for application in waiting:
        if len(verified) >= wanted:
            break
        if _verify(application, reviewer):
            verified.append(application)
    if not verified:
        stdout.write("demo review: no submitted Shunyi application could be verified; no batches made.")
        return
    taken = 0
    for application in Application.objects.filter(fund=fund, status=Application.Status.SUBMITTED).order_by("id"):
        if taken >= LEFT_IN_REVIEW:
            break
        review_svc.application_take(application=application, actor=reviewer)
        taken += 1

    today = timezone.localdate()
    first = batch_svc.batch_create(actor=reviewer, fund=fund, title=FIRST_BATCH)
    # The approved batch is the idempotency marker, so it is made even from a single case.
    batch_svc.batch_add_applications(batch=first, applications=verified[:APPROVED_COUNT], actor=reviewer)
    # A notice that began six weeks ago has ended; the meeting followed it. The story
    # is told as of that day, so the batch is dated back to it.
    start = today - dt.timedelta(days=42)
    Batch.objects.filter(pk=first.pk).update(created_at=timezone.now() - dt.timedelta(days=42))
    try:
        batch_svc.batch_start_notice(batch=first, actor=reviewer, start=start, today=start)
        meeting = min(add_working_days(start, fund.notice_days + 2), today)
        batch_svc.batch_approve(batch=first, actor=approver, meeting_date=meeting, minutes_reference="顺工帮审〔2022〕1号",
                                attendees="赵审批、王审核、钱财务、服务站代表")
    except DomainError as exc:
        stdout.write(f"demo review: first batch not approved ({exc.message}).")

    second = verified[APPROVED_COUNT:APPROVED_COUNT + NOTICE_COUNT]
    if second:
        batch = batch_svc.batch_create(actor=reviewer, fund=fund, title=SECOND_BATCH)
        batch_svc.batch_add_applications(batch=batch, applications=second, actor=reviewer)
        try:
            batch_svc.batch_start_notice(batch=batch, actor=reviewer, start=today)
        except DomainError as exc:
            stdout.write(f"demo review: second batch left in draft ({exc.message}).")
    stdout.write(f"demo review: {len(verified)} verified, {taken} in review, batches “{FIRST_BATCH}” and "
                 f"“{SECOND_BATCH}”.")
