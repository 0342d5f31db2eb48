"""What the funds area asks of decided cases: whether a rule set judged any, and their facts for a what-if."""
from __future__ import annotations

import datetime as dt

from django.db.models import Q

from cases.models import Application
from funds.models import RuleSet

S = Application.Status


def application_uses_rule_set(rule_set: RuleSet) -> bool:
    """True once an application beyond draft was estimated or decided under ``rule_set``."""
    return (
        Application.objects.filter(Q(awarded_rule_set=rule_set) | Q(estimate_rule_set=rule_set))
        .exclude(status=S.DRAFT)
        .exists()
    )


def decided_applications(rule_set: RuleSet, date_from: dt.date, date_to: dt.date):
    """The facts of every approved or paid case of the rule set's fund and category in the period, as tuples."""
    date_field = "submitted_at__date" if rule_set.date_basis == RuleSet.DateBasis.SUBMISSION else "event_date"
    return (
        Application.objects.filter(
            fund_id=rule_set.fund_id, category_id=rule_set.category_id, awarded_amount__isnull=False,
            status__in=[S.APPROVED, S.PAID],
            **{f"{date_field}__gte": date_from, f"{date_field}__lte": date_to},
        )
        .order_by("member_id", "event_date", "id")
        .values_list("id", "reference", "member_id", "self_paid", "assessed_loss", "event_date", "submitted_at",
                     "disease__code", "member__is_union_member", "awarded_amount")
        .iterator(chunk_size=5000)
    )
