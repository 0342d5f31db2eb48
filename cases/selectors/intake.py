"""Reads for intake: which applications a user sees, lists, dashboards and warnings.

Every list and detail starts from :func:`applications_visible_to`. The
duplicate and invoice checks look across every fund and district on
purpose (a double claim is exactly the one made elsewhere), but only show
of the other case what the user's scope allows.
"""
from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from cases.models import (
    LIST_SORT_KEYS,
    Application,
    Document,
    FamilyMember,
    InvoiceNumber,
    Member,
    MemberRegistration,
)
from reliefdesk.masking import mask_name
from reliefdesk.models import Role
from reliefdesk.scope import district_of, get_or_404, role_of, scope_queryset, station_ids_of

S = Application.Status

# A case that was rejected or withdrawn claims nothing, so it cannot be doubled.
CLOSED_STATUSES = (S.REJECTED, S.WITHDRAWN)

LIST_RELATED = ("fund", "category", "member", "station", "district", "disease")

# What the case list shows of a case, read as plain values (no model instances): its page reads nothing else.
LIST_COLUMNS = ("id", "reference", "beneficiary_name", "beneficiary_id_number", "status", "self_paid",
                "estimate_amount", "created_at", "station__name", "category__name")

# ``sort`` parameter → ORDER BY: each is served by an index of the district's and of the station's cases
# (``cases.models.LIST_SORT_KEYS``), read forwards or backwards.
SORTS = {
    **{sort: keys for sort, keys in LIST_SORT_KEYS.items()},
    **{f"-{sort}": tuple(f"-{key}" for key in keys) for sort, keys in LIST_SORT_KEYS.items()},
}
DEFAULT_SORT = "-created"

# Above this many matching cases the list says "more than 1,000" instead of counting them all.
COUNT_CAP = 1000


def applications_visible_to(*, user) -> QuerySet[Application]:
    """The applications ``user`` may see (his stations, his district, or all for an admin)."""
    return scope_queryset(Application.objects.select_related(*LIST_RELATED), user)


def documents_visible_to(*, user) -> QuerySet[Document]:
    """The documents of the applications ``user`` may see."""
    return scope_queryset(Document.objects.select_related("application"), user, station="application__station",
                          district="application__district")


def members_visible_to(*, user) -> QuerySet[Member]:
    """The members ``user`` may see: those registered at, or with a case at, his stations (liaison) or his
    district's stations (district roles); every member for an administrator.

    A member belongs to the stations he is registered at (``MemberRegistration``) and to those where he has
    an application, and so to their districts. Anyone else finds at most that he exists (:func:`member_find`).
    """
    role = role_of(user)
    queryset = Member.objects.select_related("employer")
    if role == Role.ADMIN:
        return queryset
    if role is None:
        return queryset.none()
    registrations = MemberRegistration.objects.filter(member_id=OuterRef("pk"))
    cases = Application.objects.filter(member_id=OuterRef("pk"))
    if role == Role.LIAISON:
        stations = station_ids_of(user)
        registrations, cases = registrations.filter(station_id__in=stations), cases.filter(station_id__in=stations)
    else:
        district = district_of(user)
        if district is None:
            return queryset.none()
        registrations = registrations.filter(station__district_id=district.pk)
        cases = cases.filter(district_id=district.pk)
    return queryset.filter(Exists(registrations) | Exists(cases))


def member_get(*, user, pk: int) -> Member:
    """One member for his page, 404 outside the user's scope (whether he exists or not)."""
    return get_or_404(members_visible_to(user=user), pk=pk)


@dataclass(frozen=True)
class MemberFound:
    """What looking up a full ID number tells a user.

    ``member`` is set when the member is in the user's scope. Otherwise, when a member with that number
    exists elsewhere, only ``exists`` and his masked name are told: never his ID, phone, card or bank.
    """

    id_number: str
    member: Member | None = None
    exists: bool = False
    masked_name: str = ""

    @property
    def elsewhere(self) -> bool:
        return self.exists and self.member is None


def member_find(*, user, id_number: str) -> MemberFound:
    """Look a member up by his full, valid ID number (two queries at most)."""
    member = members_visible_to(user=user).filter(id_number=id_number).first()
    if member is not None:
        return MemberFound(id_number=id_number, member=member, exists=True, masked_name=mask_name(member.name))
    name = Member.objects.filter(id_number=id_number).values_list("name", flat=True).first()
    if name is None:
        return MemberFound(id_number=id_number)
    return MemberFound(id_number=id_number, exists=True, masked_name=mask_name(name))


def member_applications(*, member: Member, user) -> QuerySet[Application]:
    """The member's applications that ``user`` may see, newest first."""
    return applications_visible_to(user=user).filter(member=member).order_by("-created_at", "-id")


def member_registrations(*, member: Member) -> QuerySet[MemberRegistration]:
    return member.registrations.select_related("station__district", "registered_by").order_by("registered_at", "id")


def application_get(*, user, pk: int) -> Application:
    """One application for its page, 404 when outside the user's scope."""
    return get_or_404(applications_visible_to(user=user).select_related(
        "beneficiary", "member__employer", "estimate_rule_set", "created_by", "batch"), pk=pk)


def application_list(*, user, data=None) -> tuple[QuerySet[Application], object]:
    """The filtered and sorted list of visible applications, with its FilterSet for the form.

    A page of it reads only ``LIST_COLUMNS`` (``CappedPaginator(columns=LIST_COLUMNS)``); every filter, sort
    and search kind is served by an index (see ``cases.models`` and ``cases.forms.intake.application_search``).
    """
    from cases.forms.intake import ApplicationFilter

    queryset = scope_queryset(Application.objects.all(), user)
    filterset = ApplicationFilter(data or None, queryset=queryset, user=user)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    sort = (data or {}).get("sort") or DEFAULT_SORT
    return queryset.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT])), filterset


class CappedPaginator(Paginator):
    """Pages of a long list in a constant number of queries, however deep.

    The count comes first and stops at ``cap`` (the list then says "more than 1,000"): counting a
    district's 600,000 cases would read them all. Up to ``cap`` matches a page is cut from them, sorted;
    above it the ids of its rows are read from the index that orders them, so a deep page skips index
    entries, not rows. Then those rows are read by id. With ``columns`` a page's rows are dicts of those
    values (related names through ``__``), joined only for the page's rows, not for the count.
    """

    def __init__(self, object_list, per_page, *, cap: int | None = None, columns: tuple[str, ...] = (), **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap
        self.columns = columns

    def _capped(self):
        return self.object_list.order_by().values("pk")[: self.cap + 1]

    def _page_of_matches(self, bottom: int) -> RawSQL:
        """The ids of a page cut from all the matches (at most ``cap``) with their sort keys, sorted.

        The matches are read without order through whatever index finds them (the LIMIT keeps that
        subquery apart), then sorted: at most ``cap`` rows.
        """
        ordering = list(self.object_list.query.order_by)
        keys = ["pk" if key.lstrip("-") in ("pk", "id") else key.lstrip("-") for key in ordering]
        matches = self.object_list.order_by().values(*dict.fromkeys(["pk", *keys]))[: self.cap + 1]
        sql, params = matches.query.sql_with_params()
        order = ", ".join(f'm."{key}" {"DESC" if term.startswith("-") else "ASC"}' for term, key in zip(ordering, keys))
        return RawSQL(f"SELECT m.pk FROM ({sql}) AS m ORDER BY {order} LIMIT %s OFFSET %s",
                      (*params, self.per_page + 1, bottom))

    @cached_property
    def count(self) -> int:
        return self._capped().count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        if self.capped:
            return sys.maxsize  # not known: every page number is allowed, and a page tells whether one follows
        return super().num_pages

    def get_page(self, number):
        """Like ``Paginator.get_page`` (a bad number: the first page), without counting first."""
        try:
            return self.page(number)
        except (PageNotAnInteger, EmptyPage):
            return self.page(1)

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        bottom = (number - 1) * self.per_page
        # The capped count first (one query). Up to ``cap`` matches, the page is cut from those matches,
        # sorted: a search or a rare filter then never walks a sort index of 600,000 cases looking for
        # them, whatever the planner guesses. Above it the matches are dense, and the page's ids (and one
        # more, to tell whether a page follows) are read in order from the sort index.
        ordering = self.object_list.query.order_by
        if self.count <= self.cap and ordering and all(isinstance(term, str) for term in ordering):
            ids = self._page_of_matches(bottom)
        else:
            ids = self.object_list.values("pk")[bottom:bottom + self.per_page + 1]
        rows = self.object_list.filter(pk__in=ids)
        rows = list(rows.values(*self.columns) if self.columns else rows)
        if not rows and number > 1:
            if not self.capped:
                return self.page(self.num_pages)
            # Past the end of a list too long to count: its real last page.
            last = max(1, -(-self.object_list.order_by().count() // self.per_page))
            return self.page(last) if last < number else CappedPage([], number, self, has_next=False)
        return CappedPage(rows[: self.per_page], number, self, has_next=len(rows) > self.per_page)


class CappedPage(Page):
    def __init__(self, object_list, number, paginator, *, has_next: bool):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self) -> bool:
        return self._has_next

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0


@dataclass(frozen=True)
class CaseFacts:
    """What a case page shows of the member, the beneficiary and the amounts.

    Once the case is approved these are the figures frozen in its award snapshot, whatever has been
    changed on the member since (a rename, a new card); before, they are the live ones. Details an older
    snapshot did not keep (mobile number, employer) are the member's current ones.
    """

    frozen: bool
    member_name: str
    member_id_number: str
    phone: str
    employer: str
    card_number: str
    bank_name: str
    is_union_member: bool
    beneficiary_name: str
    beneficiary_id_number: str
    relation_label: str  # "" for the member himself
    disease_name: str
    event_date: dt.date | None
    total_cost: Decimal
    reimbursed: Decimal
    other_aid: Decimal
    self_paid: Decimal
    assessed_loss: Decimal | None


def _relation_label(code: str | None) -> str:
    return str(FamilyMember.Relation(code).label) if code in FamilyMember.Relation.values else ""


def _money_or_none(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)


def case_facts(application: Application) -> CaseFacts:
    """The facts of ``application`` as its pages show them: frozen at approval, live before."""
    member = application.member
    snapshot = application.award_snapshot or {}
    if not snapshot:
        beneficiary = application.beneficiary
        return CaseFacts(
            frozen=False, member_name=member.name, member_id_number=member.id_number, phone=member.phone,
            employer=str(member.employer or ""), card_number=member.card_number, bank_name=member.bank_name,
            is_union_member=member.is_union_member, beneficiary_name=application.beneficiary_name,
            beneficiary_id_number=application.beneficiary_id_number,
            relation_label=_relation_label(beneficiary.relation) if beneficiary else "",
            disease_name=application.disease.name if application.disease_id else "",
            event_date=application.event_date, total_cost=application.total_cost,
            reimbursed=application.reimbursed, other_aid=application.other_aid, self_paid=application.self_paid,
            assessed_loss=application.assessed_loss)
    frozen_member = snapshot.get("member", {})
    beneficiary = snapshot.get("beneficiary", {})
    amounts = snapshot.get("amounts", {})
    disease = snapshot.get("disease") or {}
    event_date = snapshot.get("event_date")
    return CaseFacts(
        frozen=True, member_name=frozen_member.get("name", ""), member_id_number=frozen_member.get("id_number", ""),
        phone=frozen_member.get("phone", member.phone),
        employer=frozen_member.get("employer", str(member.employer or "")),
        card_number=frozen_member.get("card_number", ""), bank_name=frozen_member.get("bank_name", ""),
        is_union_member=frozen_member.get("is_union_member", True),
        beneficiary_name=beneficiary.get("name", ""), beneficiary_id_number=beneficiary.get("id_number", ""),
        relation_label=_relation_label(beneficiary.get("relation")), disease_name=disease.get("name", ""),
        event_date=dt.date.fromisoformat(event_date) if event_date else None,
        total_cost=Decimal(amounts.get("total_cost", "0")), reimbursed=Decimal(amounts.get("reimbursed", "0")),
        other_aid=Decimal(amounts.get("other_aid", "0")), self_paid=Decimal(amounts.get("self_paid", "0")),
        assessed_loss=_money_or_none(amounts.get("assessed_loss")))


@dataclass(frozen=True)
class StationDashboard:
    counts: dict  # status code → number
    total: int
    returned: list  # returned cases, oldest first, each with last_reason
    drafts: list
    submitted: list  # in the district's hands now
    recently_paid: list


def station_dashboard(*, user, paid_since_days: int = 60, limit: int = 20) -> StationDashboard:
    """What a liaison sees first: counts by status, returned cases with the reason, recent payments."""
    visible = applications_visible_to(user=user)
    counts = {row["status"]: row["n"] for row in visible.order_by().values("status").annotate(n=Count("id"))}
    returned = list(visible.filter(status=S.RETURNED).order_by("updated_at")[:limit])
    drafts = list(visible.filter(status=S.DRAFT).order_by("-updated_at")[:limit])
    submitted = list(visible.filter(status__in=(S.SUBMITTED, S.IN_REVIEW, S.VERIFIED, S.IN_BATCH, S.APPROVED))
                     .order_by("-submitted_at")[:limit])
    since = timezone.now() - dt.timedelta(days=paid_since_days)
    recently_paid = list(visible.filter(status=S.PAID, paid_at__gte=since).order_by("-paid_at")[:limit])
    return StationDashboard(
        counts={code: counts.get(code, 0) for code in S.values},
        total=sum(counts.values()),
        returned=returned,
        drafts=drafts,
        submitted=submitted,
        recently_paid=recently_paid,
    )


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


@dataclass(frozen=True)
class OtherCase:
    """Another application as far as the user may see it."""

    visible: bool
    pk: int | None
    reference: str
    status: str
    status_label: str
    district_name: str
    month: str  # "2022-02": when it happened (event) or was created
    fund_name: str
    station_name: str


def _other_case(other: Application, visible: bool) -> OtherCase:
    day = other.event_date or timezone.localdate(other.created_at)
    if visible:
        return OtherCase(True, other.pk, other.reference, other.status, str(other.get_status_display()),
                         other.district.name, f"{day:%Y-%m}", other.fund.name, other.station.name)
    return OtherCase(False, None, "", "", "", other.district.name, f"{day:%Y-%m}", "", "")


def _visible_ids(user, ids) -> set[int]:
    if user is None or not ids:
        return set()
    return set(applications_visible_to(user=user).filter(pk__in=ids).values_list("pk", flat=True))


def duplicate_warnings(*, application: Application, user) -> list[OtherCase]:
    """Other open or decided cases of the same beneficiary and category within twelve months.

    Any fund, any district. The twelve months run either way from this
    case's event date and from its submission (or today for a draft).
    """
    if not application.beneficiary_id_number or not application.category_id:
        return []
    submitted = timezone.localdate(application.submitted_at) if application.submitted_at else timezone.localdate()
    window = Q()
    for day in filter(None, (application.event_date, submitted)):
        start, end = _year_before(day), _year_after(day)
        window |= Q(event_date__gte=start, event_date__lte=end)
        window |= Q(submitted_at__date__gte=start, submitted_at__date__lte=end)
        window |= Q(submitted_at__isnull=True, created_at__date__gte=start, created_at__date__lte=end)
    others = list(
        Application.objects.filter(beneficiary_id_number=application.beneficiary_id_number,
                                   category_id=application.category_id)
        .filter(window)
        .exclude(status__in=CLOSED_STATUSES)
        .exclude(pk=application.pk)
        .select_related("district", "fund", "station")
        .order_by("-created_at")
    )
    visible = _visible_ids(user, [o.pk for o in others])
    return [_other_case(o, o.pk in visible) for o in others]


@dataclass(frozen=True)
class InvoiceConflict:
    number: str
    other: OtherCase


def invoice_conflicts(*, application: Application, user=None) -> list[InvoiceConflict]:
    """Invoice numbers of this case also claimed by another live case (any fund, district or year).

    Without ``user`` the other case is described without its reference
    (for checks); with ``user`` it is shown as far as his scope allows.
    """
    if not application.pk:
        return []
    numbers = list(application.invoices.values_list("number", flat=True))
    if not numbers:
        return []
    rows = list(
        InvoiceNumber.objects.filter(number__in=numbers)
        .exclude(application_id=application.pk)
        .exclude(application__status__in=CLOSED_STATUSES)
        .select_related("application__district", "application__fund", "application__station")
        .order_by("number", "application__created_at")
    )
    visible = _visible_ids(user, [r.application_id for r in rows])
    return [InvoiceConflict(r.number, _other_case(r.application, r.application_id in visible)) for r in rows]


def has_invoice_conflicts(*, application: Application) -> bool:
    """Cheap check for the reviewer's gate: is any invoice also claimed elsewhere?"""
    if not application.pk:
        return False
    return (
        InvoiceNumber.objects.filter(number__in=application.invoices.values("number"))
        .exclude(application_id=application.pk)
        .exclude(application__status__in=CLOSED_STATUSES)
        .exists()
    )
