"""The project starts the way the README says: demo data, production checks, embedded PostgreSQL."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from reliefdesk.models import District, HistoryEvent, Role, StaffAssignment, Station

BASE_DIR = Path(__file__).resolve().parents[2]


def _row_counts():
    counts = {}
    for model in apps.get_models():
        if model._meta.app_label in {"reliefdesk", "funds", "cases", "donations", "auth"}:
            counts[model._meta.label] = model.objects.count()
    return counts


@pytest.mark.django_db
def test_seed_demo_loads_the_organisation_and_a_second_run_changes_nothing():
    call_command("seed_demo", stdout=StringIO())
    first = _row_counts()
    call_command("seed_demo", stdout=StringIO())
    assert _row_counts() == first

    assert set(District.objects.values_list("code", flat=True)) >= {"SY", "DX", "CY", "PG", "TZ", "HD"}
    assert Station.objects.filter(district__code="SY").count() == 29
    roles = dict(StaffAssignment.objects.values_list("user__username", "role"))
    assert {roles["liaison"], roles["reviewer"], roles["approver"], roles["finance"], roles["admin"]} == {
        Role.LIAISON, Role.REVIEWER, Role.APPROVER, Role.FINANCE, Role.ADMIN}
    liaison = StaffAssignment.objects.get(user__username="liaison")
    assert sorted(liaison.stations.values_list("code", flat=True)) == ["SY01", "SY02", "SY03"]
    from funds.models import Fund

    assert set(Fund.objects.values_list("slug", flat=True)) >= {"shunyi", "daxing", "chaoyang", "pinggu", "city"}


@pytest.mark.django_db
def test_every_demo_user_logs_in_with_the_demo_password(client):
    call_command("seed_demo", stdout=StringIO())
    for username in ("liaison", "reviewer", "approver", "finance", "admin"):
        client.logout()
        response = client.post("/accounts/login/", {"username": username, "password": "reliefdesk-demo"})
        assert response.status_code == 302, username
        assert client.get("/", follow=True).status_code == 200


def test_seed_demo_refuses_to_run_with_production_settings(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", stdout=StringIO())


def _manage(*args, env_extra: dict, check=False):
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DJANGO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(env_extra)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=120, check=check)


def test_the_production_deploy_check_prints_no_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_extra={
        "DJANGO_ENV": "production", "SECRET_KEY": "x" * 20 + uuid.uuid4().hex + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "reliefdesk.example.org",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr.upper().replace("FAIL-LEVEL WARNING", "")
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", env_extra={"DJANGO_ENV": "production", "ALLOWED_HOSTS": "x.example.org",
                                         "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_non_postgresql_database_url_is_refused():
    result = _manage("check", env_extra={"DATABASE_URL": "sqlite:///x.db"})
    assert result.returncode != 0
    assert "PostgreSQL only" in result.stderr


def test_without_database_url_an_embedded_postgresql_starts_under_var():
    """What `make run` does on a machine that has only Python."""
    var_dir = BASE_DIR / "var" / f"embedded-test-{uuid.uuid4().hex[:8]}"
    script = (
        "import sys, pathlib, psycopg2\n"
        "from reliefdesk.embedded_pg import embedded_database_url\n"
        "url = embedded_database_url(pathlib.Path(sys.argv[1]), cleanup_mode='delete')\n"
        "conn = psycopg2.connect(url)\n"
        "cur = conn.cursor(); cur.execute('select version()'); print(cur.fetchone()[0])\n"
        "cur.execute('create table t (period daterange, k int8range, exclude using gist (period with &&, k with &&))')\n"
        "conn.close()\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "XDG_RUNTIME_DIR"}}
    result = subprocess.run([sys.executable, "-c", script, str(var_dir)], cwd=BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert "PostgreSQL" in result.stdout
    assert not (var_dir / "pgdata").exists()  # 'delete' cleanup removed the throwaway server


@pytest.mark.django_db
def test_history_rows_are_never_updated_or_deleted(reviewer):
    from reliefdesk.history import record_event

    district = District.objects.create(code="ZZ", name="测试")
    event = record_event(district, actor=reviewer, action="district.created")
    event.reason = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        HistoryEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        HistoryEvent.objects.filter(pk=event.pk).update(reason="x")
    assert HistoryEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.django_db
def test_pages_speak_chinese_by_default_and_english_on_request(client, reviewer):
    page = client.get("/accounts/login/")
    assert 'lang="zh-hans"' in page.content.decode()
    assert "登录" in page.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    english = client.get("/accounts/login/").content.decode()
    assert 'lang="en"' in english
    assert "Log in" in english


@pytest.mark.django_db
def test_an_unknown_page_answers_404_in_the_apps_style(client, reviewer):
    client.force_login(reviewer)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ReliefDesk" in response.content.decode()


@pytest.mark.django_db
def test_an_english_browser_still_gets_chinese_until_the_user_chooses_english(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="zh-hans"' in page.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()


def test_the_background_worker_command_exists_for_make_run():
    """`make run` starts `manage.py db_worker` beside the web server."""
    from django.core.management import get_commands

    assert get_commands().get("db_worker") == "django_tasks_db"
