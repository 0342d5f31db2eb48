"""The fixed cast of users every test can call on.

顺义 (SY) with stations 1 and 2, 大兴 (DX) with one station; a liaison of
each 顺义 station, a reviewer, an approver and finance of 顺义, a reviewer
of 大兴, and an administrator.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from reliefdesk.models import Role
from tests import factories as f

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    yield


def _install_official_calendar():
    from reliefdesk.holidays import install_official_calendar
    from reliefdesk.models import Holiday, HolidayYear

    install_official_calendar(Holiday, HolidayYear)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """A reused test database may have been left flushed by the last run's transactional tests."""
    with django_db_blocker.unblock():
        _install_official_calendar()


@pytest.fixture(autouse=True)
def _official_calendar(request):
    """The official holidays come from a data migration; a transactional test's flush empties them."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    if transactional:
        request.getfixturevalue("transactional_db")
        _install_official_calendar()
    yield


@pytest.fixture
def frozen_today(monkeypatch):
    """``frozen_today(date)`` makes ``timezone.localdate()`` answer ``date`` (the clock itself keeps running)."""
    from django.utils import timezone

    real_localdate = timezone.localdate

    def freeze(day):
        def localdate(value=None, timezone=None):
            return day if value is None else real_localdate(value, timezone)

        monkeypatch.setattr("django.utils.timezone.localdate", localdate)
        return day

    return freeze


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language and leaves it so.

    The language middleware activates the cookie's language for the thread and
    never resets it, so a page fetched in English would leave later direct
    service calls in English too.
    """
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def shunyi(db):
    return f.DistrictFactory(code="SY", name="顺义", name_en="Shunyi")


@pytest.fixture
def daxing(db):
    return f.DistrictFactory(code="DX", name="大兴", name_en="Daxing")


@pytest.fixture
def station1(shunyi):
    return f.StationFactory(district=shunyi, code="SY01", name="顺义第一工会服务站")


@pytest.fixture
def station2(shunyi):
    return f.StationFactory(district=shunyi, code="SY02", name="顺义第二工会服务站")


@pytest.fixture
def daxing_station(daxing):
    return f.StationFactory(district=daxing, code="DX01", name="大兴第一工会服务站")


@pytest.fixture
def liaison1(station1):
    return f.make_user("liaison1", Role.LIAISON, district=station1.district, stations=[station1])


@pytest.fixture
def liaison2(station2):
    return f.make_user("liaison2", Role.LIAISON, district=station2.district, stations=[station2])


@pytest.fixture
def reviewer(shunyi):
    return f.make_user("reviewer", Role.REVIEWER, district=shunyi)


@pytest.fixture
def approver(shunyi):
    return f.make_user("approver", Role.APPROVER, district=shunyi)


@pytest.fixture
def finance(shunyi):
    return f.make_user("finance", Role.FINANCE, district=shunyi)


@pytest.fixture
def daxing_reviewer(daxing):
    return f.make_user("dx_reviewer", Role.REVIEWER, district=daxing)


@pytest.fixture
def daxing_finance(daxing):
    return f.make_user("dx_finance", Role.FINANCE, district=daxing)


@pytest.fixture
def admin_user(db):
    return f.make_user("admin", Role.ADMIN)


@pytest.fixture
def shunyi_fund(shunyi):
    return f.FundFactory(slug="shunyi", district=shunyi)


@pytest.fixture
def daxing_fund(daxing):
    return f.FundFactory(slug="daxing", name="大兴区职工应急救助专项温暖基金", district=daxing,
                         founded_on="2013-12-01")


@pytest.fixture
def medical(db):
    return f.AidCategoryFactory(code="medical")


@pytest.fixture
def shunyi_rules(shunyi_fund, medical):
    return f.shunyi_2022_rules(fund=shunyi_fund, category=medical)


def _chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium through Playwright. Missing: skip on a laptop, fail in CI."""
    path = _chromium_path()
    if path is None:
        message = "Chromium is not installed (/usr/bin/chromium); run `make browser` or install Debian's chromium."
        if os.environ.get("CI") or os.environ.get("RELIEFDESK_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A browser tab; any script or style the Content-Security-Policy blocks fails the test."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    blocked = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.csp_violations = blocked
    yield page
    context.close()
    assert blocked == [], "blocked by the Content-Security-Policy"


def login(page, live_server, username: str, password: str = f.DEFAULT_PASSWORD) -> None:
    """Log in through the real login page (django-axes needs the request)."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
