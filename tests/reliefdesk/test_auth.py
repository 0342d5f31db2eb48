"""Login, lockout, logout and the central login requirement."""
from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from reliefdesk.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db

# Pages an anonymous visitor may open.
PUBLIC_URL_NAMES = {"login", "set_language"}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name


def _concrete(route: str) -> str:
    """Fill converters with plausible values: the view must still redirect."""
    route = re.sub(r"<int:[^>]+>", "1", route)
    route = re.sub(r"<(slug|str):[^>]+>", "x", route)
    route = re.sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000000", route)
    route = re.sub(r"<path:[^>]+>", "x", route)
    route = route.replace("^", "").replace("$", "").replace("\\Z", "")
    return "/" + route


def all_routes():
    for route, name in _walk(get_resolver().url_patterns):
        if name in PUBLIC_URL_NAMES or "(?P" in route:
            continue
        yield _concrete(route), name


def test_every_page_but_the_login_page_sends_an_anonymous_visitor_to_log_in(client):
    checked = 0
    for path, name in all_routes():
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code == 302, f"{method.upper()} {path} ({name}) answered {response.status_code}"
            assert response["Location"].startswith(reverse("login")) or response["Location"].startswith(
                "/admin/login/"), f"{path} ({name}) redirected to {response['Location']}"
            checked += 1
    assert checked >= 20


def test_the_login_page_and_static_files_need_no_login(client):
    assert client.get(reverse("login")).status_code == 200
    css = client.get("/static/vendor/bootstrap-5.3.9/css/bootstrap.min.css")
    assert css.status_code == 200


def test_a_user_logs_in_with_the_right_password_and_lands_on_his_page(client, reviewer):
    response = client.post(reverse("login"), {"username": "reviewer", "password": f.DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home"), follow=True).status_code == 200


def test_a_wrong_password_is_refused_with_a_message(client, reviewer):
    response = client.post(reverse("login"), {"username": "reviewer", "password": "wrong-password"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors


def test_the_fifth_failed_login_locks_the_account_even_for_the_right_password(client, reviewer):
    for _attempt in range(4):
        assert client.post(reverse("login"), {"username": "reviewer", "password": "nope"}).status_code == 200
    locked = client.post(reverse("login"), {"username": "reviewer", "password": "nope"})
    assert locked.status_code == 429
    again = client.post(reverse("login"), {"username": "reviewer", "password": f.DEFAULT_PASSWORD})
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_ends_the_session(client, reviewer):
    client.force_login(reviewer)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_a_user_changes_his_password(client, reviewer):
    client.force_login(reviewer)
    response = client.post(reverse("password_change"), {
        "old_password": f.DEFAULT_PASSWORD, "new_password1": "a-much-better-secret-42",
        "new_password2": "a-much-better-secret-42"})
    assert response.status_code == 302
    reviewer.refresh_from_db()
    assert reviewer.check_password("a-much-better-secret-42")


@pytest.mark.parametrize("role", [Role.LIAISON, Role.REVIEWER, Role.APPROVER, Role.FINANCE, Role.ADMIN])
def test_each_role_sees_only_its_own_navigation(client, role, station1):
    from reliefdesk.nav import nav_items

    user = f.make_user(f"u_{role}", role, district=None if role == Role.ADMIN else station1.district,
                       stations=[station1] if role == Role.LIAISON else [])
    client.force_login(user)
    page = client.get(reverse("home"), follow=True)
    assert page.status_code == 200
    html = page.content.decode()
    nav = html.split('id="mainnav"')[1].split("</ul>")[0]
    allowed = {reverse(item.url_name) for item in nav_items() if role in item.roles}
    others = {reverse(item.url_name) for item in nav_items() if role not in item.roles} - allowed
    for url in allowed:
        assert f'href="{url}"' in nav, f"{role} should see {url}"
    for url in others:
        assert f'href="{url}"' not in nav, f"{role} must not see {url}"


def test_a_user_without_a_role_is_told_so_and_sees_no_records(client, db):
    user = f.UserFactory(username="norole")
    client.force_login(user)
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert page.context["role"] is None


def test_only_the_closest_navigation_entry_is_marked_active(client, liaison1):
    client.force_login(liaison1)
    page = client.get(reverse("cases:application-new"))
    entries = page.context["nav_entries"]
    assert [e["url"] for e in entries if e["active"]] == [reverse("cases:application-new")]


def test_a_changed_assignment_applies_from_the_next_request(client, liaison1, station1, station2, shunyi_fund,
                                                            medical):
    """The user of each request is read with his assignment and stations: nothing of the last one is kept."""
    first = f.ApplicationFactory(station=station1, fund=shunyi_fund, category=medical)
    second = f.ApplicationFactory(station=station2, fund=shunyi_fund, category=medical)
    client.force_login(liaison1)
    detail = reverse("cases:application-detail", args=[second.pk])
    assert client.get(detail).status_code == 404
    liaison1.assignment.stations.add(station2)
    assert client.get(detail).status_code == 200
    liaison1.assignment.stations.remove(station1)
    assert client.get(reverse("cases:application-detail", args=[first.pk])).status_code == 404
    liaison1.assignment.role = Role.REVIEWER
    liaison1.assignment.save()
    assert client.get(reverse("cases:application-detail", args=[first.pk])).status_code == 200  # the district's


def test_a_deactivated_user_is_signed_out_at_his_next_request(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("cases:application-list")).status_code == 200
    reviewer.is_active = False
    reviewer.save()
    response = client.get(reverse("cases:application-list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
