"""A session in use stays alive for SESSION_COOKIE_AGE after its last use, without a write on every page."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

LIST = reverse("cases:application-list")


def _expiry(client) -> dt.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def _session_writes(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return sum(1 for q in queries.captured_queries
               if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT")))


def test_pages_within_a_minute_do_not_write_the_session(client, reviewer):
    client.force_login(reviewer)  # signing in saves the session: the next minute of pages writes nothing
    before = _expiry(client)
    assert _session_writes(client) == 0
    assert _session_writes(client) == 0
    assert _expiry(client) == before


def test_a_page_a_minute_later_keeps_the_session_alive_for_another_cookie_age(client, reviewer, settings,
                                                                              monkeypatch):
    client.force_login(reviewer)
    client.get(LIST)
    before = _expiry(client)
    later = time.time() + settings.SESSION_REFRESH_AFTER + 1
    monkeypatch.setattr("reliefdesk.middleware.time.time", lambda: later)
    assert _session_writes(client) == 1
    after = _expiry(client)
    assert after > before
    assert abs((after - timezone.now()).total_seconds() - settings.SESSION_COOKIE_AGE) < 60


def test_a_session_left_idle_for_the_cookie_age_has_ended(client, reviewer):
    client.force_login(reviewer)
    client.get(LIST)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_signed_out_visitor_gets_no_session(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert not Session.objects.exists()
