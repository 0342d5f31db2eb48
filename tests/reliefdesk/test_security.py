"""Logins lock the pair (user, address); production needs a long key; pages run under a strict CSP."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.urls import reverse

from reliefdesk.models import Job
from tests import factories as f

BASE_DIR = Path(__file__).resolve().parents[2]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE = re.compile(r"<[a-z][^>]*\sstyle\s*=|<style[\s>]", re.IGNORECASE)


def inline_code(html: str) -> list[str]:
    return [match.group(0) for pattern in (INLINE_SCRIPT, EVENT_HANDLER, STYLE) for match in pattern.finditer(html)]


# --- logins ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_wrong_passwords_lock_that_user_at_that_address_only(client, reviewer, admin_user):
    station = {"REMOTE_ADDR": "10.1.1.20"}
    for _attempt in range(5):
        client.post(reverse("login"), {"username": "reviewer", "password": "nope"}, **station)

    # The same user from the same shared address is locked, even with the right password ...
    assert client.post(reverse("login"), {"username": "reviewer", "password": f.DEFAULT_PASSWORD},
                       **station).status_code == 429
    # ... the administrator at that address is not ...
    assert client.post(reverse("login"), {"username": "admin", "password": f.DEFAULT_PASSWORD},
                       **station).status_code == 302
    client.logout()
    # ... and neither is the same user from another address.
    assert client.post(reverse("login"), {"username": "reviewer", "password": f.DEFAULT_PASSWORD},
                       REMOTE_ADDR="10.2.2.30").status_code == 302


# --- the secret key ------------------------------------------------------------------------

def _check(secret_key: str):
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DJANGO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DJANGO_ENV="production", SECRET_KEY=secret_key, ALLOWED_HOSTS="reliefdesk.example.org",
               DATABASE_URL=os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres")
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("key", ["abcde", "x" * 20 + uuid.uuid4().hex[:29], "ab" * 40])
def test_production_refuses_to_start_with_a_short_or_plain_secret_key(key):
    result = _check(key)
    assert result.returncode != 0
    assert "SECRET_KEY must have at least 50 characters" in result.stderr


def test_production_starts_with_a_key_of_50_characters():
    result = _check(uuid.uuid4().hex + uuid.uuid4().hex[:18])
    assert result.returncode == 0, result.stderr


# --- Content-Security-Policy ------------------------------------------------------------

@pytest.mark.django_db
def test_every_page_carries_a_policy_without_inline_code(client, reviewer):
    pages = [client.get(reverse("login"))]
    client.force_login(reviewer)
    pages += [client.get(reverse("cases:batch-list")), client.get("/no-such-page/")]
    for response in pages:
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


@pytest.mark.django_db
def test_a_locked_out_login_carries_the_policy_too(client, reviewer):
    for _attempt in range(5):
        response = client.post(reverse("login"), {"username": "reviewer", "password": "nope"})
    assert response.status_code == 429
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_no_template_holds_an_inline_script_an_event_handler_or_a_style_attribute():
    found = {}
    for template in sorted((BASE_DIR / "templates").rglob("*.html")):
        code = inline_code(template.read_text())
        if code:
            found[str(template.relative_to(BASE_DIR))] = code
    assert found == {}


@pytest.mark.django_db
def test_the_pages_as_rendered_hold_no_inline_code(client, admin_user, finance, shunyi_fund, station1):
    f.make_payouts(2, fund=shunyi_fund, station=station1)
    campaign = f.CampaignFactory(fund=shunyi_fund, name="一元捐", target=100)
    job = Job.objects.create(kind="donation_import_validate", created_by=finance, total=10, done=4)
    client.force_login(finance)
    urls = [reverse("payouts:payout-list"), reverse("job-detail", args=[job.pk]), reverse("reports:dashboard"),
            reverse("donations:campaign-detail", args=[campaign.pk])]
    client.force_login(admin_user)
    admin_urls = [reverse("holiday-years"), reverse("holiday-year-new"), reverse("admin:index"),
                  reverse("admin:reliefdesk_holiday_changelist"), reverse("admin:reliefdesk_holiday_add")]
    found = {}
    for user, group in ((finance, urls), (admin_user, admin_urls)):
        client.force_login(user)
        for url in group:
            response = client.get(url)
            assert response.status_code == 200, url
            code = inline_code(response.content.decode())
            if code:
                found[url] = code
    assert found == {}
