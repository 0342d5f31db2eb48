"""Every URL of the site, who fuzzes it, and which of the demo's records fill its path.

``ROUTES`` must name every URL the URLconf has (the Django admin aside):
``test_every_url_has_a_route`` fails on a new URL without an entry, so a new
page is fuzzed from the day it exists. A route is (the demo user who opens
it, a function from that user to the path's keyword arguments). The pickers
choose through the same doors as the pages, so the record is one the user
may see, in the state where its forms are offered.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from django.urls import URLPattern, URLResolver, get_resolver

from cases.models import Application, Batch
from cases.selectors.batches import batches_visible_to
from cases.selectors.intake import applications_visible_to, documents_visible_to, members_visible_to
from donations.selectors import (
    campaigns_visible_to,
    donation_imports_visible_to,
    donations_visible_to,
    donors_visible_to,
)
from funds.selectors import funds_visible_to, programmes_visible_to, rule_sets_visible_to
from households.models import Cycle, FilingBatch, Household
from households.selectors import (
    civil_roster_matches_visible_to,
    civil_rosters_visible_to,
    filing_batches_visible_to,
    household_documents_visible_to,
    households_visible_to,
)
from households.selectors.cycles import cycle_lines_visible_to, cycles_visible_to, programme_enrolments_visible_to
from payouts.models import Payout, PayoutSheet
from payouts.selectors import payout_sheets_visible_to, payouts_visible_to
from reliefdesk.scope import jobs_visible_to

A = Application.Status


@dataclass(frozen=True)
class Route:
    user: str | None                                 # a demo user name; None: not logged in
    kwargs: Callable[[object], dict] = lambda user: {}
    bare: int = 200                                  # what a GET without parameters answers, when not 200


def _pk(queryset, **filters) -> int:
    """The first record of ``queryset`` (by pk) matching ``filters``, else its first record at all.

    The demo may hold no record in the wanted state (no draft batch, say): the page is then fuzzed on
    another one, where its forms answer "not in this state", rather than not at all.
    """
    record = queryset.filter(**filters).order_by("pk").first() or queryset.order_by("pk").first()
    if record is None:
        raise LookupError(f"the demo has no {queryset.model.__name__} at all")
    return record.pk


def application(*statuses):
    return lambda u: {"pk": _pk(applications_visible_to(user=u), status__in=statuses)}


def case_document(u):
    document = documents_visible_to(user=u).filter(application__status=A.DRAFT).order_by("pk").first() \
        or documents_visible_to(user=u).order_by("pk").first()
    return {"pk": document.application_id, "document_pk": document.pk}


def batch(status):
    return lambda u: {"pk": _pk(batches_visible_to(user=u), status=status)}


def batch_application(status):
    def pick(u):
        found = applications_visible_to(user=u).filter(batch__status=status).order_by("pk").first() \
            or applications_visible_to(user=u).filter(batch__isnull=False).order_by("pk").first()
        return {"pk": found.batch_id, "application_pk": found.pk}
    return pick


def household(*statuses):
    return lambda u: {"pk": _pk(households_visible_to(user=u), status__in=statuses)}


def household_person(u):
    found = households_visible_to(user=u).filter(status=Household.Status.DRAFT, persons__isnull=False) \
        .order_by("pk").first() or households_visible_to(user=u).filter(persons__isnull=False).order_by("pk").first()
    return {"pk": found.pk, "person_pk": found.persons.order_by("pk").first().pk}


def household_document(u):
    document = household_documents_visible_to(user=u).order_by("pk").first()
    return {"pk": document.household_id, "document_pk": document.pk}


def household_measure(u):
    found = households_visible_to(user=u).filter(measures__isnull=False).order_by("pk").first()
    return {"pk": found.pk, "measure_pk": found.measures.order_by("pk").first().pk}


def filing_batch(status):
    return lambda u: {"pk": _pk(filing_batches_visible_to(user=u), status=status)}


def filing_batch_household(status):
    def pick(u):
        found = households_visible_to(user=u).filter(filing_batch__status=status).order_by("pk").first() \
            or households_visible_to(user=u).filter(filing_batch__isnull=False).order_by("pk").first()
        return {"pk": found.filing_batch_id, "household_pk": found.pk}
    return pick


def programme(u):
    return {"pk": _pk(programmes_visible_to(user=u))}


def programme_enrolment(u):
    found = programme_enrolments_visible_to(user=u).order_by("pk").first()
    if found is None:
        return {"pk": _pk(programmes_visible_to(user=u)), "household_pk": _pk(households_visible_to(user=u))}
    return {"pk": found.programme_id, "household_pk": found.household_id}


def cycle(*statuses):
    return lambda u: {"pk": _pk(cycles_visible_to(user=u), status__in=statuses)}


def cycle_line(*statuses):
    def pick(u):
        found = cycle_lines_visible_to(user=u).filter(cycle__status__in=statuses).order_by("pk").first() \
            or cycle_lines_visible_to(user=u).order_by("pk").first()
        return {"pk": found.cycle_id, "line_pk": found.pk}
    return pick


def sheet(*statuses):
    return lambda u: {"pk": _pk(payout_sheets_visible_to(user=u), status__in=statuses)}


def fund_slug(u):
    return {"slug": funds_visible_to(user=u).filter(district__isnull=False).order_by("pk").first().slug}


def ledger_entry(u):
    fund = funds_visible_to(user=u).filter(district__isnull=False).order_by("pk").first()
    entry = fund.ledger.filter(kind="adjustment").order_by("pk").first() \
        or fund.ledger.order_by("pk").first()
    return {"slug": fund.slug, "pk": entry.pk}


def rule_set(u):
    return {"pk": _pk(rule_sets_visible_to(user=u))}


def draft_rule_set(u):
    return {"pk": _pk(rule_sets_visible_to(user=u), status="draft")}


def job(u):
    return {"pk": _pk(jobs_visible_to(user=u))}


def member(u):
    return {"pk": _pk(members_visible_to(user=u))}


ROUTES: dict[str, Route] = {
    # the core
    "home": Route("liaison"),
    "login": Route(None),
    "logout": Route("liaison"),
    "password_change": Route("liaison"),
    "password_change_done": Route("liaison"),
    "set_language": Route("liaison"),
    "job-detail": Route("finance", job),
    "job-download": Route("finance", job, bare=404),   # a failed job has no file
    "job-retry": Route("finance", job),
    "holiday-years": Route("admin"),
    "holiday-year-new": Route("admin"),
    # funds
    "funds:fund-list": Route("finance"),
    "funds:fund-detail": Route("finance", fund_slug),
    "funds:ledger-export": Route("finance", fund_slug),
    "funds:fund-adjust": Route("finance", fund_slug),
    "funds:fund-allocate": Route("admin", lambda u: {"slug": "city"}),
    "funds:entry-reverse": Route("finance", ledger_entry),
    "funds:rule-timeline": Route("reviewer", fund_slug),
    "funds:rule-set-detail": Route("admin", rule_set),
    "funds:rule-set-try": Route("admin", rule_set),
    "funds:rule-set-edit": Route("admin", draft_rule_set),
    "funds:rule-set-revise": Route("admin", rule_set),
    "funds:rule-set-activate": Route("admin", draft_rule_set),
    "funds:rule-set-whatif": Route("reviewer", rule_set),
    "funds:rule-set-whatif-export": Route("reviewer", rule_set),
    # cases: intake
    "cases:dashboard": Route("liaison"),
    "cases:application-list": Route("liaison"),
    "cases:application-new": Route("liaison"),
    "cases:application-new-for-member": Route("liaison", lambda u: {"member_pk": member(u)["pk"]}),
    "cases:member-register-here": Route("liaison"),
    "cases:member-detail": Route("liaison", member),
    "cases:member-edit": Route("liaison", member),
    "cases:member-family-add": Route("liaison", member),
    "cases:application-detail": Route("liaison", application(A.DRAFT)),
    "cases:application-step": Route("liaison", lambda u: {**application(A.DRAFT)(u), "step": "facts"}),
    "cases:estimate": Route("liaison", application(A.DRAFT)),
    "cases:application-submit": Route("liaison", application(A.DRAFT)),
    "cases:application-resubmit": Route("liaison", application(A.RETURNED)),
    "cases:application-withdraw": Route("liaison", application(A.DRAFT, A.RETURNED)),
    "cases:application-print": Route("liaison", application(A.SUBMITTED)),
    "cases:document-download": Route("liaison", case_document),
    "cases:document-delete": Route("liaison", case_document),
    # cases: review and batches
    "cases:review-queue": Route("reviewer"),
    "cases:override-report": Route("approver"),
    "cases:review": Route("reviewer", application(A.IN_REVIEW)),
    "cases:review-take": Route("reviewer", application(A.SUBMITTED)),
    "cases:review-save": Route("reviewer", application(A.IN_REVIEW)),
    "cases:review-acknowledge-invoices": Route("reviewer", application(A.IN_REVIEW)),
    "cases:review-verify": Route("reviewer", application(A.IN_REVIEW)),
    "cases:review-return": Route("reviewer", application(A.IN_REVIEW)),
    "cases:review-reject": Route("reviewer", application(A.IN_REVIEW)),
    "cases:review-reopen": Route("reviewer", application(A.VERIFIED)),
    "cases:override-confirm": Route("approver", application(A.IN_BATCH, A.VERIFIED)),
    "cases:batch-list": Route("reviewer"),
    "cases:batch-create": Route("reviewer"),
    "cases:batch-detail": Route("reviewer", batch(Batch.Status.DRAFT)),
    "cases:batch-add": Route("reviewer", batch(Batch.Status.DRAFT)),
    "cases:batch-remove": Route("reviewer", batch_application(Batch.Status.DRAFT)),
    "cases:batch-objection": Route("reviewer", batch_application(Batch.Status.PUBLIC_NOTICE)),
    "cases:batch-start-notice": Route("reviewer", batch(Batch.Status.DRAFT)),
    "cases:batch-send-back": Route("approver", batch(Batch.Status.PUBLIC_NOTICE)),
    "cases:batch-approve": Route("approver", batch(Batch.Status.PUBLIC_NOTICE)),
    "cases:batch-notice": Route("reviewer", batch(Batch.Status.PUBLIC_NOTICE)),
    "cases:batch-notice-xlsx": Route("reviewer", batch(Batch.Status.PUBLIC_NOTICE)),
    # payouts
    "payouts:finance-home": Route("finance"),
    "payouts:payout-list": Route("finance"),
    "payouts:payout-detail": Route("finance", lambda u: {"pk": _pk(payouts_visible_to(user=u))}),
    "payouts:payout-reissue": Route("finance", lambda u: {
        "pk": _pk(payouts_visible_to(user=u), status=Payout.Status.FAILED)}),
    "payouts:payouts-apply-member-card": Route("finance", lambda u: {
        "member_pk": payouts_visible_to(user=u).order_by("pk").first().application.member_id}),
    "payouts:payouts-mark-paid": Route("finance"),
    "payouts:payouts-mark-failed": Route("finance"),
    "payouts:sheet-list": Route("finance"),
    "payouts:sheet-create": Route("finance"),
    "payouts:sheet-detail": Route("finance", sheet(PayoutSheet.Status.EXPORTED)),
    "payouts:sheet-export": Route("finance", sheet(PayoutSheet.Status.DRAFT, PayoutSheet.Status.EXPORTED)),
    "payouts:sheet-cancel": Route("finance", sheet(PayoutSheet.Status.DRAFT, PayoutSheet.Status.EXPORTED)),
    "payouts:sheet-import": Route("finance", sheet(PayoutSheet.Status.EXPORTED)),
    "payouts:sheet-import-commit": Route("finance", sheet(PayoutSheet.Status.EXPORTED)),
    "payouts:sheet-import-cancel": Route("finance", sheet(PayoutSheet.Status.EXPORTED)),
    # donations
    "donations:donation-list": Route("finance"),
    "donations:donation-create": Route("finance"),
    "donations:donation-detail": Route("finance", lambda u: {"pk": _pk(donations_visible_to(user=u))}),
    "donations:donation-confirm": Route("finance", lambda u: {
        "pk": _pk(donations_visible_to(user=u), status="recorded")}),
    "donations:donation-void": Route("finance", lambda u: {
        "pk": _pk(donations_visible_to(user=u), status="confirmed")}),
    "donations:donation-receipt": Route("finance", lambda u: {
        "pk": _pk(donations_visible_to(user=u), status="confirmed")}),
    "donations:donor-list": Route("finance"),
    "donations:donor-search": Route("finance"),
    "donations:donor-create": Route("finance"),
    "donations:donor-update": Route("finance", lambda u: {"pk": _pk(donors_visible_to(user=u))}),
    "donations:campaign-list": Route("finance"),
    "donations:campaign-create": Route("finance"),
    "donations:campaign-detail": Route("finance", lambda u: {"pk": _pk(campaigns_visible_to(user=u))}),
    "donations:campaign-update": Route("finance", lambda u: {"pk": _pk(campaigns_visible_to(user=u))}),
    "donations:campaign-export": Route("finance", lambda u: {"pk": _pk(campaigns_visible_to(user=u))}),
    "donations:campaign-receipts": Route("finance", lambda u: {"pk": _pk(campaigns_visible_to(user=u))}),
    "donations:import-upload": Route("finance"),
    "donations:import-template": Route("finance"),
    "donations:import-detail": Route("finance", lambda u: {"pk": _pk(donation_imports_visible_to(user=u))}),
    "donations:import-commit": Route("finance", lambda u: {"pk": _pk(donation_imports_visible_to(user=u))}),
    # households
    "households:household-list": Route("liaison"),
    "households:household-new": Route("liaison"),
    "households:household-detail": Route("liaison", household(Household.Status.DRAFT)),
    "households:household-edit": Route("liaison", household(Household.Status.DRAFT)),
    "households:person-new": Route("liaison", household(Household.Status.DRAFT)),
    "households:person-edit": Route("liaison", household_person),
    "households:person-remove": Route("liaison", household_person),
    "households:household-submit": Route("liaison", household(Household.Status.DRAFT)),
    "households:household-withdraw": Route("liaison", household(Household.Status.DRAFT, Household.Status.RETURNED)),
    "households:household-take": Route("reviewer", household(Household.Status.SUBMITTED)),
    "households:household-return": Route("reviewer", household(Household.Status.IN_REVIEW)),
    "households:household-reject": Route("reviewer", household(Household.Status.IN_REVIEW)),
    "households:household-visit": Route("reviewer", household(Household.Status.IN_REVIEW)),
    "households:household-verify": Route("reviewer", household(Household.Status.IN_REVIEW)),
    "households:document-add": Route("liaison", household(Household.Status.DRAFT)),
    "households:document-download": Route("liaison", household_document),
    "households:measure-new": Route("liaison", household(Household.Status.ON_FILE)),
    "households:measure-edit": Route("liaison", household_measure),
    "households:measure-outcome": Route("liaison", household_measure),
    "households:household-review": Route("reviewer", household(Household.Status.ON_FILE)),
    "households:household-leave": Route("reviewer", household(Household.Status.ON_FILE)),
    "households:review-due": Route("reviewer"),
    "households:batch-list": Route("reviewer"),
    "households:batch-create": Route("reviewer"),
    "households:batch-detail": Route("reviewer", filing_batch(FilingBatch.Status.PUBLIC_NOTICE)),
    "households:batch-add": Route("reviewer", filing_batch(FilingBatch.Status.PUBLIC_NOTICE)),
    "households:batch-remove": Route("reviewer", filing_batch_household(FilingBatch.Status.PUBLIC_NOTICE)),
    "households:batch-objection": Route("reviewer", filing_batch_household(FilingBatch.Status.PUBLIC_NOTICE)),
    "households:batch-start-notice": Route("reviewer", filing_batch(FilingBatch.Status.PUBLIC_NOTICE)),
    "households:batch-send-back": Route("approver", filing_batch(FilingBatch.Status.PUBLIC_NOTICE)),
    "households:batch-approve": Route("approver", filing_batch(FilingBatch.Status.PUBLIC_NOTICE)),
    "households:batch-notice": Route("reviewer", filing_batch(FilingBatch.Status.PUBLIC_NOTICE)),
    "households:batch-notice-xlsx": Route("reviewer", filing_batch(FilingBatch.Status.PUBLIC_NOTICE)),
    "households:roster-upload": Route("reviewer"),
    "households:roster-template": Route("reviewer"),
    "households:roster-detail": Route("reviewer", lambda u: {"pk": _pk(civil_rosters_visible_to(user=u))}),
    "households:roster-commit": Route("reviewer", lambda u: {"pk": _pk(civil_rosters_visible_to(user=u))}),
    "households:matches-accept-all": Route("reviewer", lambda u: {"pk": _pk(civil_rosters_visible_to(user=u))}),
    "households:match-accept": Route("reviewer", lambda u: {"pk": _pk(civil_roster_matches_visible_to(user=u))}),
    "households:match-dismiss": Route("reviewer", lambda u: {"pk": _pk(civil_roster_matches_visible_to(user=u))}),
    "households:programme-list": Route("reviewer"),
    "households:programme-new": Route("approver"),
    "households:programme-detail": Route("reviewer", programme),
    "households:programme-edit": Route("approver", programme),
    "households:programme-choose": Route("reviewer", programme),
    "households:programme-unchoose": Route("reviewer", programme_enrolment),
    "households:cycle-list": Route("reviewer"),
    "households:cycle-generate": Route("reviewer"),
    "households:cycle-detail": Route("reviewer", cycle(Cycle.Status.GENERATED)),
    "households:cycle-xlsx": Route("reviewer", cycle(Cycle.Status.GENERATED)),
    "households:cycle-line-detail": Route("reviewer", cycle_line(Cycle.Status.GENERATED)),
    "households:cycle-line-remove": Route("reviewer", cycle_line(Cycle.Status.GENERATED)),
    "households:cycle-line-restore": Route("reviewer", cycle_line(Cycle.Status.GENERATED)),
    "households:cycle-discard": Route("reviewer", cycle(Cycle.Status.GENERATED)),
    "households:cycle-approve": Route("approver", cycle(Cycle.Status.GENERATED)),
    "households:cycle-sheet-create": Route("finance", cycle(Cycle.Status.APPROVED)),
    # reports
    "reports:dashboard": Route("reviewer"),
    "reports:export": Route("reviewer", bare=404),     # ?table= names the table
}


def url_names() -> set[str]:
    """Every named URL of the URLconf, ``namespace:name``, the Django admin left out."""
    names: set[str] = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                names.add(f"{namespace}:{pattern.name}" if namespace else str(pattern.name))

    walk(get_resolver().url_patterns, None)
    return names
