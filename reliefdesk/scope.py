"""Who may see what: the one place that decides visibility.

A liaison sees the records of his stations, district roles those of their
district, an administrator everything. Each model has one door,
``<model>s_visible_to(*, user)`` in its app's selectors (built on
:func:`scope_queryset` here); every list and detail lookup starts from it,
and :func:`get_or_404` answers 404 for anything outside it, whether it
exists or not.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from reliefdesk.models import District, Employer, Job, Role, StaffAssignment, Station


def assignment_of(user):
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_reliefdesk_assignment", False)
    if cached is not False:
        return cached
    try:
        assignment = StaffAssignment.objects.select_related("district").get(user=user)
    except StaffAssignment.DoesNotExist:
        assignment = None
    user._reliefdesk_assignment = assignment
    return assignment


def role_of(user) -> str | None:
    if getattr(user, "is_superuser", False):
        return Role.ADMIN
    assignment = assignment_of(user)
    return assignment.role if assignment else None


def is_admin(user) -> bool:
    return role_of(user) == Role.ADMIN


def district_of(user) -> District | None:
    assignment = assignment_of(user)
    return assignment.district if assignment else None


def station_ids_of(user) -> list[int]:
    cached = getattr(user, "_reliefdesk_station_ids", None)
    if cached is not None:
        return cached
    assignment = assignment_of(user)
    ids = list(assignment.stations.values_list("id", flat=True)) if assignment else []
    user._reliefdesk_station_ids = ids
    return ids


def require_role(user, *roles: str) -> str:
    """Raise PermissionDenied (403) unless the user has one of ``roles`` (admin always passes)."""
    role = role_of(user)
    if role is None or (role != Role.ADMIN and role not in roles):
        raise PermissionDenied(_("Your role does not allow this action."))
    return role


def scope_queryset(queryset: QuerySet, user, *, station: str | None = "station", district: str = "district") -> QuerySet:
    """Filter ``queryset`` to what ``user`` may see.

    ``station`` is the lookup path to the record's station (None when the
    record has none, e.g. a fund: liaisons then see the records of the
    districts of their stations), ``district`` the path to its district.
    """
    role = role_of(user)
    if role == Role.ADMIN:
        return queryset
    if role is None:
        return queryset.none()
    if role == Role.LIAISON:
        ids = station_ids_of(user)
        if station is None:
            district_ids = Station.objects.filter(id__in=ids).values_list("district_id", flat=True)
            return queryset.filter(**{f"{district}__in": list(district_ids)})
        return queryset.filter(**{f"{station}__in": ids})
    assignment = assignment_of(user)
    return queryset.filter(**{district: assignment.district_id})


def get_or_404(queryset: QuerySet, **lookup):
    """The one object of ``queryset`` (a door's, so already scoped) matching ``lookup``, or 404."""
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404(_("No such record.")) from exc


def stations_visible_to(*, user) -> QuerySet:
    return scope_queryset(Station.objects.select_related("district"), user, station="id", district="district")


def districts_visible_to(*, user) -> QuerySet:
    role = role_of(user)
    if role == Role.ADMIN:
        return District.objects.all()
    if role == Role.LIAISON:
        return District.objects.filter(stations__id__in=station_ids_of(user)).distinct()
    district = district_of(user)
    return District.objects.filter(pk=district.pk) if district else District.objects.none()


def get_scoped_or_404(queryset: QuerySet, user, *, station: str | None = "station", district: str = "district", **lookup):
    """The object if ``user`` may see it, else 404 — never revealing that it exists."""
    try:
        return scope_queryset(queryset, user, station=station, district=district).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404(_("No such record.")) from exc


def employers_visible_to(*, user) -> QuerySet:
    """Employers a user may pick: those of his district (liaison: his stations' districts)."""
    role = role_of(user)
    if role == Role.ADMIN:
        return Employer.objects.all()
    if role == Role.LIAISON:
        return Employer.objects.filter(district__stations__id__in=station_ids_of(user)).distinct()
    district = district_of(user)
    return Employer.objects.filter(district_id=district.pk if district else None)


def jobs_visible_to(*, user) -> QuerySet:
    """Background jobs: an administrator's all of them, anyone else's his own."""
    return Job.objects.all() if is_admin(user) else Job.objects.filter(created_by=user)
