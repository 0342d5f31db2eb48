"""Requests per second of the signed-in case list beside the login page, served by gunicorn.

On the city of ``bench/build_city.py`` (1,000,000 applications by default; built once, then reused):
gunicorn with 3 sync workers on loopback, DEBUG off, and ``wrk`` (Debian: ``apt-get install -y wrk``)
with 10 connections: first the login page (no session: a form and its CSRF cookie), then the case list
of the Shunyi reviewer and of a liaison, each with a session cookie. Target: each list serves at least
half the login page's requests per second.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_throughput.py [--size N] [--seconds 15]
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_city import DEFAULT_SIZE, city_database  # noqa: E402

WORKERS = 3
CONNECTIONS = 10


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def session_cookie(username: str) -> str:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def wrk(url: str, seconds: int, cookie: str | None) -> tuple[float, str, int]:
    """Requests per second, mean latency and the count of non-2xx/3xx answers."""
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = re.search(r"Latency\s+(\S+)", output).group(1)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return rate, latency, int(errors.group(1)) if errors else 0


def serve(url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "DJANGO_SETTINGS_MODULE": "reliefdesk.settings"}
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "reliefdesk.wsgi", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning"], cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5)  # noqa: S310
            return server
        except OSError:
            time.sleep(0.5)
    stop(server)
    raise SystemExit("gunicorn did not answer within a minute")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def run(size: int, seconds: int) -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    city = city_database(size)
    cookies = {"reviewer": session_cookie(city.users["reviewer"]), "liaison": session_cookie(city.users["liaison"])}
    port = free_port()
    server = serve(city.url, port)
    base = f"http://127.0.0.1:{port}"
    try:
        for path, cookie in (("/cases/applications/", cookies["reviewer"]),) * 1:
            wrk(base + path, 3, cookie)  # warm the workers
        results = [("login page", *wrk(base + "/accounts/login/", seconds, None))]
        for role in ("reviewer", "liaison"):
            results.append((f"case list, {role}", *wrk(base + "/cases/applications/", seconds, cookies[role])))
    finally:
        stop(server)
    login = results[0][1]
    print(f"throughput on {city.name}: gunicorn {WORKERS} workers, wrk {CONNECTIONS} connections, {seconds} s each")
    print(f"  {'what':24} {'requests/s':>10} {'mean latency':>13} {'errors':>7} {'× login':>8}")
    for label, rate, latency, errors in results:
        print(f"  {label:24} {rate:10.1f} {latency:>13} {errors:7d} {rate / login:8.2f}")
    print("  target: each list ≥ 0.50 × the login page")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE)
    parser.add_argument("--seconds", type=int, default=15)
    args = parser.parse_args()
    run(args.size, args.seconds)


if __name__ == "__main__":
    main()
