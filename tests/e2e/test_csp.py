"""What the inline scripts did, the static ones do, under a Content-Security-Policy that forbids inline code."""
from __future__ import annotations

import pytest

from reliefdesk.models import Job
from tests import factories as f
from tests.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_policy_violation_is_caught_by_the_browser_tests(page, live_server, finance):
    """The page fixture's watch is real: an inline script on our pages would be reported."""
    login(page, live_server, "finance")
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = '1'; "
                  "document.body.appendChild(s); }")
    page.wait_for_timeout(200)
    assert any("Content Security Policy" in text for text in page.csp_violations)
    page.csp_violations.clear()


def test_tick_all_the_language_menu_and_the_progress_bar_work_without_inline_scripts(
        page, live_server, finance, shunyi_fund, station1):
    f.make_payouts(3, fund=shunyi_fund, station=station1)
    job = Job.objects.create(kind="donation_import_validate", created_by=finance, total=10, done=4,
                             status=Job.Status.FAILED, message="x")
    login(page, live_server, "finance")

    page.goto(live_server.url + "/cases/payouts/?status=pending")
    page.check("input[data-tick-all=payouts]")
    assert page.locator("input[name=payouts]:checked").count() == 3
    page.uncheck("input[data-tick-all=payouts]")
    assert page.locator("input[name=payouts]:checked").count() == 0

    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    assert page.eval_on_selector("#job-bar", "bar => bar.style.width") == "40%"

    with page.expect_navigation():  # choosing submits the menu's form; the English page replaces this one
        page.select_option("select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
