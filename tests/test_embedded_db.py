"""The embedded PostgreSQL is shared by concurrent processes and survives a process killed with -9.

These tests start their own server in a temporary data folder, so they never disturb the one the suite uses.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="DATABASE_URL names another server")

BASE_DIR = Path(__file__).resolve().parent.parent
HOLDER = """
import sys, time
sys.path.insert(0, {base!r})
from plan_api import embedded_db
host, port = embedded_db.ensure_running()
import psycopg
with psycopg.connect(host=host, port=port, user="postgres", dbname=embedded_db.DATABASE_NAME) as conn:
    conn.execute("SELECT 1")
print("ready", flush=True)
time.sleep(float(sys.argv[1]))
"""


def start_holder(data_dir, seconds):
    env = {**os.environ, "PLAN_API_PGDATA": str(data_dir)}
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER.format(base=str(BASE_DIR)), str(seconds)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "ready", process.stderr.read()
    return process


def handle_pids(data_dir):
    return json.loads((data_dir / ".handle_pids.json").read_text())


def server_running(data_dir):
    pid_file = data_dir / "postmaster.pid"
    return pid_file.exists() and psutil.pid_exists(int(pid_file.read_text().split()[0]))


@pytest.fixture
def data_dir(tmp_path):
    path = tmp_path / "pgdata"
    yield path
    if server_running(path):
        pid = int((path / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGTERM)


def test_two_processes_share_one_server_and_the_last_one_stops_it(data_dir):
    first = start_holder(data_dir, 30)
    second = start_holder(data_dir, 0)
    assert second.wait(timeout=30) == 0
    assert handle_pids(data_dir) == [first.pid]
    assert server_running(data_dir)

    first.send_signal(signal.SIGTERM)
    first.wait(timeout=30)
    assert handle_pids(data_dir) == []
    assert not server_running(data_dir)


def test_a_process_killed_with_sigkill_is_forgotten_on_the_next_start(data_dir):
    killed = start_holder(data_dir, 60)
    killed.kill()
    killed.wait(timeout=10)
    assert handle_pids(data_dir) == [killed.pid]  # the stale pid the library leaves behind

    after = start_holder(data_dir, 0)
    assert after.wait(timeout=30) == 0
    assert handle_pids(data_dir) == []
    deadline = time.monotonic() + 10
    while server_running(data_dir) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not server_running(data_dir)


def run_manage(data_dir, *args, **env):
    """Run manage.py in a new process whose embedded database would live in `data_dir`."""
    environ = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environ.update(PLAN_API_PGDATA=str(data_dir), **env)
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def test_commands_that_need_no_database_never_start_it(data_dir, tmp_path):
    from tests import smallplan

    plans = tmp_path / "plans"
    smallplan.write_plan(plans)
    run_manage(data_dir, "check")
    built = run_manage(data_dir, "build_fixtures", PLAN_FIXTURES_DIR=str(plans))
    assert built.stdout.startswith(f"{smallplan.SLUG}: 2 chapters, 4 articles")
    assert not data_dir.exists()


def test_the_first_connection_starts_the_embedded_server_and_the_command_stops_it_on_exit(data_dir):
    run_manage(data_dir, "migrate", "--noinput", "-v0")
    assert (data_dir / "PG_VERSION").exists()
    assert handle_pids(data_dir) == []
    assert not server_running(data_dir)


SHOW_SHARED_BUFFERS = """
import sys
sys.path.insert(0, {base!r})
from plan_api import embedded_db
host, port = embedded_db.ensure_running()
import psycopg
with psycopg.connect(host=host, port=port, user="postgres", dbname=embedded_db.DATABASE_NAME) as conn:
    print(conn.execute("SHOW shared_buffers").fetchone()[0])
"""


def shared_buffers_of_a_server_started_with(data_dir, setting=None):
    """Start the embedded server in `data_dir` with PLAN_API_PG_SHARED_BUFFERS `setting` (None: unset), in a process
    that prints its shared_buffers and exits (stopping it)."""
    environ = {key: value for key, value in os.environ.items() if key != "PLAN_API_PG_SHARED_BUFFERS"}
    environ["PLAN_API_PGDATA"] = str(data_dir)
    if setting is not None:
        environ["PLAN_API_PG_SHARED_BUFFERS"] = setting
    return subprocess.run(
        [sys.executable, "-c", SHOW_SHARED_BUFFERS.format(base=str(BASE_DIR))],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_server_takes_its_shared_buffers_from_the_environment_from_its_first_start_on(data_dir):
    first = shared_buffers_of_a_server_started_with(data_dir, "48MB")
    assert first.stdout.strip() == "48MB", first.stderr  # a new data folder: initialised, configured, then started
    again = shared_buffers_of_a_server_started_with(data_dir, "40MB")
    assert again.stdout.strip() == "40MB", again.stderr
    assert (data_dir / "postgresql.conf").read_text().count("include_if_exists = 'plan_api.conf'") == 1


def test_without_a_setting_the_server_takes_a_quarter_of_the_memory_within_bounds(data_dir):
    quarter = psutil.virtual_memory().total // 4 // 2**20
    expected = min(1024, max(128, quarter))
    started = shared_buffers_of_a_server_started_with(data_dir)
    shown = started.stdout.strip()
    assert shown == (f"{expected // 1024}GB" if expected % 1024 == 0 else f"{expected}MB"), started.stderr


def test_a_shared_buffers_setting_postgresql_cannot_read_is_refused_before_the_server_starts(data_dir):
    started = shared_buffers_of_a_server_started_with(data_dir, "a lot")
    assert started.returncode != 0
    assert "PLAN_API_PG_SHARED_BUFFERS='a lot': give a size in PostgreSQL's units" in started.stderr
    assert not server_running(data_dir)
