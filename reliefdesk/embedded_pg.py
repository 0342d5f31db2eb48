"""Embedded PostgreSQL for machines without a server.

When ``DATABASE_URL`` is unset, settings call :func:`embedded_database_url`,
which starts (or joins) a pgserver instance whose data lives in
``var/pgdata``. pgserver counts its users in ``.handle_pids.json`` and the
last one to exit stops the server; a process killed with SIGTERM leaves its
PID behind and the server then never stops, so dead PIDs are dropped first.
"""
from __future__ import annotations

import json
import os
from pathlib import Path


def _drop_dead_pids(pgdata: Path) -> None:
    handle = pgdata / ".handle_pids.json"
    if not handle.exists():
        return
    try:
        pids = json.loads(handle.read_text() or "[]")
    except ValueError:
        pids = []
    alive = []
    for pid in pids:
        try:
            os.kill(int(pid), 0)
        except (OSError, ValueError):
            continue
        alive.append(pid)
    if alive != pids:
        handle.write_text(json.dumps(alive))


def prepare_runtime_dir(var_dir: Path) -> None:
    """pgserver keeps its lock under XDG_RUNTIME_DIR: one folder for every process."""
    runtime = var_dir / "run"
    runtime.mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))


def embedded_database_url(var_dir: Path, *, cleanup_mode: str | None = "stop") -> str:
    """Start the embedded server if needed and return a DATABASE_URL for it."""
    var_dir.mkdir(parents=True, exist_ok=True)
    prepare_runtime_dir(var_dir)
    pgdata = var_dir / "pgdata"
    _drop_dead_pids(pgdata)

    import pgserver  # imported late: only needed without DATABASE_URL

    server = pgserver.get_server(pgdata, cleanup_mode=cleanup_mode)
    return server.get_uri()


def stop_embedded(var_dir: Path) -> bool:
    """Stop the embedded server (``make stop-db``). Returns True if one ran."""
    pgdata = var_dir / "pgdata"
    if not (pgdata / "postmaster.pid").exists():
        return False
    prepare_runtime_dir(var_dir)
    _drop_dead_pids(pgdata)
    import pgserver

    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    handle = pgdata / ".handle_pids.json"
    handle.write_text(json.dumps([os.getpid()]))
    server.cleanup()
    return True
