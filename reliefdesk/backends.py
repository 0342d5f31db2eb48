"""The signed-in user of a request, read with what every page scopes by.

Each page asks for the user's role, district and stations (``reliefdesk.scope``); reading them with the
user is one query per request instead of three.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Q

from reliefdesk.models import StaffAssignment


class ScopedModelBackend(ModelBackend):
    """Django's ModelBackend; the user it loads for a session carries his assignment, its district and stations."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("assignment__district").annotate(
            assignment_station_ids=ArrayAgg("assignment__stations__id", filter=Q(assignment__stations__isnull=False),
                                            default=[]))
        user = users.filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        try:
            assignment = user.assignment
        except StaffAssignment.DoesNotExist:
            assignment = None
        user._reliefdesk_assignment = assignment  # what reliefdesk.scope would otherwise query
        user._reliefdesk_station_ids = sorted(user.assignment_station_ids) if assignment else []
        return user
