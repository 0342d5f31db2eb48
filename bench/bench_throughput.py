"""Requests per second of the signed-in case list beside the login page, served by gunicorn.

On the city of ``bench/build_city.py`` (1,000,000 applications by default; built once, then reused):
gunicorn with 3 sync workers on loopback, DEBUG off, and ``wrk`` (Debian: ``apt-get install -y wrk``)
with 10 connections: first the login page (no session: a form and its CSRF cookie), then the case list
of the Shunyi reviewer and of a liaison, each with a session cookie. Target: each list serves at least
half the login page's requests per second.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_throughput.py [--size N] [--seconds 5] [--rounds 5]
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
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


def cpu_seconds(pids) -> float:
    """User plus system CPU time the processes ``pids`` have used so far (Linux /proc; gone ones count 0)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def worker_pids(server: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return [server.pid, *map(int, children)]


def backend_pids(database: str) -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [database])
        return [row[0] for row in cursor.fetchall()]


def run(size: int, seconds: int, rounds: int) -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    city = city_database(size)
    cookies = {"reviewer": session_cookie(city.users["reviewer"]), "liaison": session_cookie(city.users["liaison"])}
    port = free_port()
    server = serve(city.url, port)
    base = f"http://127.0.0.1:{port}"
    what = [("login page", "/accounts/login/", None), ("case list, reviewer", "/cases/applications/", "reviewer"),
            ("case list, liaison", "/cases/applications/", "liaison")]
    rates = {label: [] for label, _, _ in what}
    ratios = {label: [] for label, _, _ in what}
    cpu = {label: [] for label, _, _ in what}
    database_cpu = {label: [] for label, _, _ in what}
    try:
        for _, path, role in what:
            wrk(base + path, 2, cookies.get(role))  # warm the workers and their connections
        # Rounds of each page in turn: on a shared machine the load drifts, so each list is compared with the
        # login page measured just before it, and the medians of those ratios are printed.
        for _ in range(rounds):
            login_rate = None
            for label, path, role in what:
                workers, backends = worker_pids(server), backend_pids(city.name)
                used, in_database = cpu_seconds(workers + backends), cpu_seconds(backends)
                started = time.perf_counter()
                rate, _, errors = wrk(base + path, seconds, cookies.get(role))
                if errors:
                    raise SystemExit(f"{label}: {errors} answers were not 2xx/3xx")
                requests = rate * (time.perf_counter() - started)
                cpu[label].append((cpu_seconds(workers + backends) - used) / requests * 1000)
                database_cpu[label].append((cpu_seconds(backends) - in_database) / requests * 1000)
                login_rate = rate if role is None else login_rate
                rates[label].append(rate)
                ratios[label].append(rate / login_rate)
    finally:
        stop(server)
    print(f"throughput on {city.name}: gunicorn {WORKERS} workers, wrk {CONNECTIONS} connections, "
          f"{rounds} rounds of {seconds} s each, the pages in turn")
    print(f"  {'what':24} {'requests/s (median, range)':>30} {'× login (median, range)':>26} {'CPU ms/request':>15}"
          f" {'of it PostgreSQL':>17}")
    for label, _, _ in what:
        r, q = rates[label], ratios[label]
        print(f"  {label:24} {statistics.median(r):10.1f} ({min(r):6.1f} … {max(r):6.1f})"
              f" {statistics.median(q):10.2f} ({min(q):4.2f} … {max(q):4.2f})"
              f" {statistics.median(cpu[label]):12.1f} {statistics.median(database_cpu[label]):17.1f}")
    print("  CPU ms/request: gunicorn workers and their PostgreSQL backends together, per request served")
    print("  target: each list ≥ 0.50 × the login page")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    run(args.size, args.seconds, args.rounds)


if __name__ == "__main__":
    main()
