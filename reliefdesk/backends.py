"""The signed-in user of a request, read with what every page scopes by.

Each page asks for the user's role, district and stations (``reliefdesk.scope``); reading them with the
user is one query per request instead of three.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.postgres.fields import ArrayField
from django.db.models import IntegerField
from django.db.models.expressions import RawSQL

from reliefdesk.models import StaffAssignment


# The assignment's stations, beside the user's row (the assignment is joined by select_related).
STATION_IDS = (f"SELECT ARRAY(SELECT station_id FROM {StaffAssignment.stations.through._meta.db_table} "
               f"WHERE staffassignment_id = {StaffAssignment._meta.db_table}.id ORDER BY station_id)")


class ScopedModelBackend(ModelBackend):
    """Django's ModelBackend; the user it loads for a session carries his assignment, its district and stations."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("assignment__district").annotate(
            assignment_station_ids=RawSQL(STATION_IDS, (), output_field=ArrayField(IntegerField())))
        user = next(iter(users.filter(pk=user_id)[:1]), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        try:
            assignment = user.assignment
        except StaffAssignment.DoesNotExist:
            assignment = None
        user._reliefdesk_assignment = assignment  # what reliefdesk.scope would otherwise query
        user._reliefdesk_station_ids = list(user.assignment_station_ids or []) if assignment else []
        return user
