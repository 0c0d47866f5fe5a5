#!/usr/bin/env python3
"""plan-api against Datasette (and nginx) under wrk: the table of issue 12, reproduced by one command.

    make bench                                     # or: .venv/bin/python bench/compare.py [options]
    make bench BENCH_ARGS="--duration 3 --warmup 1 --repeat 1"   # a smoke run of a few minutes

Starts, each on a free loopback port and each stopped on exit (also on Ctrl-C or an error):
  - plan-api as `make prod` runs it (migrate, load_plan, collectstatic, then gunicorn with gunicorn.conf.py and
    plan_api.settings_production, a throwaway SECRET_KEY, SECURE_SSL_REDIRECT=false, THROTTLE_ANON_RATE=off),
    twice: RESPONSE_CACHE_ENABLED=false and =true, both on the same database (the embedded PostgreSQL
    unless DATABASE_URL is set);
  - Datasette over a SQLite file built from fixtures/<plan>/generated/plan.json (an `articles` table with
    full-text search on title and text, set up as sqlite-utils' enable_fts does), `datasette serve -i`, from
    .venv-bench/ (requirements-bench.txt; made on first use: Datasette is a benchmark-only dependency);
  - nginx, when installed, serving a static copy of plan-api's responses to the same URLs: an upper bound.

Then for each URL set (article detail, article list by chapter, search, CSV of all articles) and each
repetition it runs wrk against each system in turn, with a warm-up first, rotating over the set's URLs
(bench/rotate.lua), and measures the CPU time of the server's process tree plus the database's. Before timing,
every URL must answer 200 on every system. It prints a markdown table per URL set (req/s, p50, p99, CPU ms per
request, ratios to Datasette), a table with one connection, issue 12's summary table, the machine, the versions
and the command line. Only loopback is used; every step has a time limit.

Needs wrk (Debian's: `apt-get install wrk`); nginx is optional (`apt-get install nginx`; this script runs its
own nginx with a temporary configuration, never the system's service).
"""

import argparse
import contextlib
import csv
import io
import json
import os
import platform
import resource
import secrets
import shlex
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
BENCH_VENV = ROOT / ".venv-bench"
BENCH_REQUIREMENTS = ROOT / "requirements-bench.txt"
LOG_DIR = ROOT / ".run" / "bench"
ROTATE_LUA = ROOT / "bench" / "rotate.lua"
HOST = "127.0.0.1"
DATASETTE_DB = "plan"  # the SQLite file's name, hence Datasette's database path: /plan/articles.json

SYSTEMS = {
    "off": "plan-api, cache off",
    "on": "plan-api, cache on",
    "datasette": "Datasette",
    "nginx": "nginx, static copy",
}
# URL sets also run with one connection (plan-api cache off, and Datasette beside it), and issue 12's target p50.
ONE_CONNECTION_TARGETS = {"detail": "< 2 ms", "search": "< 5 ms"}


# --- URL sets -------------------------------------------------------------------------------------------------


class UrlSet:
    """A set of equivalent requests: plan-api's paths (also nginx's) and Datasette's, in the same order."""

    def __init__(self, key, title, api_paths, datasette_paths):
        self.key = key
        self.title = title
        self.api_paths = api_paths
        self.datasette_paths = datasette_paths

    def paths(self, system):
        return self.datasette_paths if system == "datasette" else self.api_paths


def url_sets(plan, data, queries):
    api = f"/api/v1/plans/{plan}"
    table = f"/{DATASETTE_DB}/articles"
    articles = [article["number"] for article in data["articles"]]
    chapters = [chapter["number"] for chapter in data["chapters"]]
    quoted = [urllib.parse.quote(query) for query in queries]
    return [
        UrlSet(
            "detail",
            f"article detail, {len(articles)} rotating",
            [f"{api}/articles/{n}/" for n in articles],
            [f"{table}/{n}.json?_shape=object" for n in articles],
        ),
        UrlSet(
            "list",
            f"article list `?chapter=N`, {len(chapters)} rotating",
            [f"{api}/articles/?chapter={n}" for n in chapters],
            [f"{table}.json?chapter={n}&_shape=objects" for n in chapters],
        ),
        UrlSet(
            "search",
            f"search, {len(queries)} different queries",
            [f"/api/v1/search/?q={q}" for q in quoted],
            [f"{table}.json?_search={q}&_shape=objects" for q in quoted],
        ),
        UrlSet(
            "csv",
            "CSV of all articles",
            [f"{api}/articles/?format=csv"],
            [f"{table}.csv?_size=max"],
        ),
    ]


# --- small helpers --------------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def fetch(url, timeout=30):
    """GET a loopback URL: (status, headers, body)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def run(command, timeout, **kwargs):
    """Run a setup command; on failure, show its output and stop."""
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, **kwargs)
    if result.returncode != 0:
        sys.exit(f"failed: {shlex.join(map(str, command))}\n{result.stdout}{result.stderr}")
    return result.stdout


def output_of(command):
    """First line a version command prints (on stdout or stderr), or '?' when it cannot run."""
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    lines = (result.stdout + result.stderr).strip().splitlines()
    return lines[0] if lines else "?"


def cpu_snapshot(pid):
    """CPU seconds (user + system) of a process and each descendant, by pid.

    Each entry includes the process's children that have exited and been reaped (a recycled gunicorn worker,
    a PostgreSQL backend whose connection closed), so the sum over a tree counts every process it ever had.
    """
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return {}
    snapshot = {}
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        snapshot[process.pid] = times.user + times.system + times.children_user + times.children_system
    return snapshot


def machine_busy_seconds():
    """CPU seconds all cores together spent on anything but idling since boot."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def children_cpu_seconds():
    """CPU seconds of this script's reaped children (wrk, once it has exited)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# --- servers --------------------------------------------------------------------------------------------------


class Server:
    """A server process in its own session, so that Ctrl-C reaches this script only and it stops the server."""

    name = "server"
    ready_path = "/"
    stop_signal = signal.SIGTERM

    def __init__(self):
        self.port = free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        self.log = LOG_DIR / f"{self.name}.log"
        self.process = None

    def start(self, command, env=None):
        self.command = [str(part) for part in command]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=env,
                start_new_session=True,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, seconds=120):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"{self.name} exited with {self.process.returncode}; its log, {self.log}:\n{self.tail()}")
            with contextlib.suppress(OSError):
                if fetch(self.base_url + self.ready_path, timeout=2)[0] == 200:
                    return
            time.sleep(0.3)
        sys.exit(f"{self.name} did not answer 200 at {self.ready_path} within {seconds} s; {self.log}:\n{self.tail()}")

    def tail(self, lines=30):
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def cpu_snapshot(self):
        return cpu_snapshot(self.process.pid)

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(self.stop_signal)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


class Gunicorn(Server):
    """plan-api as `make prod` serves it; gunicorn reads gunicorn.conf.py from the working directory (ROOT)."""

    ready_path = "/readyz"

    def __init__(self, cache, secret_key):
        self.name = f"plan-api-cache-{cache}"
        super().__init__()
        self.start(
            [ROOT / ".venv" / "bin" / "gunicorn"],
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "plan_api.settings_production",
                "SECRET_KEY": secret_key,
                "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback; TLS ends at a proxy in production
                "THROTTLE_ANON_RATE": "off",  # 32 clients from one address would otherwise be throttled
                "RESPONSE_CACHE_ENABLED": "true" if cache == "on" else "false",
                "HOST": HOST,
                "PORT": str(self.port),
            },
        )

    def workers(self):
        return psutil.Process(self.process.pid).children()


class Datasette(Server):
    name = "datasette"
    ready_path = "/-/versions.json"

    def __init__(self, database):
        super().__init__()
        # -i: immutable, the way Datasette serves published data that only a rebuild changes.
        self.start([BENCH_VENV / "bin" / "datasette", "serve", "-i", database, "--host", HOST, "--port", self.port])


class Nginx(Server):
    """nginx with a configuration of its own in a temporary folder (never the system's service)."""

    name = "nginx"
    ready_path = "/"
    stop_signal = signal.SIGQUIT  # graceful: finish the requests in flight

    def __init__(self, directory):
        super().__init__()
        config = directory / "nginx.conf"
        config.write_text(NGINX_CONFIG.format(directory=directory, host=HOST, port=self.port))
        self.start(["nginx", "-p", directory, "-c", config, "-e", LOG_DIR / "nginx-error.log"])


# Static files named after the request: /a/b/?x=1 is www/a/b/@x=1.json (or .csv); / answers "ok" for readiness.
NGINX_CONFIG = """\
daemon off;
worker_processes auto;  # one per core, as gunicorn's workers
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {directory}/tmp-body;
    proxy_temp_path {directory}/tmp-proxy;
    fastcgi_temp_path {directory}/tmp-fastcgi;
    uwsgi_temp_path {directory}/tmp-uwsgi;
    scgi_temp_path {directory}/tmp-scgi;
    types {{ application/json json; text/csv csv; }}
    sendfile on;
    tcp_nopush on;
    server {{
        listen {host}:{port} reuseport;  # each worker its own socket: connections spread over them
        root {directory}/www;
        location = / {{ return 200 "ok"; }}
        location / {{ try_files "$uri@$args.json" "$uri@$args.csv" =404; }}
    }}
}}
"""


# --- setting the systems up -----------------------------------------------------------------------------------


def install_datasette():
    """.venv-bench/ with requirements-bench.txt, made again whenever the requirements file is newer."""
    marker = BENCH_VENV / ".installed"
    if marker.exists() and marker.stat().st_mtime >= BENCH_REQUIREMENTS.stat().st_mtime:
        return
    print(f"installing {BENCH_REQUIREMENTS.name} into {BENCH_VENV.name}/ (first use only)", flush=True)
    run([sys.executable, "-m", "venv", BENCH_VENV], timeout=300)
    pip = [BENCH_VENV / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    run([*pip, "-r", BENCH_REQUIREMENTS], timeout=900)
    marker.touch()


def build_sqlite(data, path):
    """Datasette's database: one row per article of the plan's generated data, with full-text search.

    The FTS5 table is declared the way sqlite-utils' enable_fts() declares it (content=[articles]), which is
    how Datasette finds it for ?_search=; its tokenizer is SQLite's default, unicode61, as there.
    """
    chapter_titles = {chapter["number"]: chapter["title"] for chapter in data["chapters"]}
    rows = [
        (
            article["number"],
            article["chapter"],
            chapter_titles[article["chapter"]],
            article["title"],
            "\n".join(article["paragraphs"]),
            min(article["lines"]),
            max(article["lines"]),
        )
        for article in data["articles"]
    ]
    path.unlink(missing_ok=True)
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.executescript("""
            CREATE TABLE articles (
                number INTEGER PRIMARY KEY,
                chapter INTEGER NOT NULL,
                chapter_title TEXT NOT NULL,
                title TEXT NOT NULL,
                text TEXT NOT NULL,
                line_start INTEGER NOT NULL,
                line_end INTEGER NOT NULL
            );
            CREATE INDEX articles_chapter ON articles (chapter);
            CREATE VIRTUAL TABLE [articles_fts] USING FTS5 ([title], [text], content=[articles]);
        """)
        db.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
        db.commit()


def prepare_plan_api(secret_key):
    """What `make prod` does before it starts gunicorn: `make db` (migrate, load every plan), collectstatic."""
    manage = [VENV_PYTHON, "manage.py"]
    run([*manage, "migrate", "--noinput"], timeout=600)
    run([*manage, "load_plan"], timeout=600)
    production = {**os.environ, "DJANGO_SETTINGS_MODULE": "plan_api.settings_production", "SECRET_KEY": secret_key}
    run([*manage, "collectstatic", "--noinput", "-v0"], timeout=600, env=production)


def database_pid():
    """The postmaster of the PostgreSQL plan-api uses, when it runs on this machine; None when it cannot tell."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        data_dir = Path(os.environ.get("PLAN_API_PGDATA", ROOT / ".pgdata"))
        with contextlib.suppress(OSError, ValueError, IndexError):
            return int((data_dir / "postmaster.pid").read_text().split()[0])
        return None
    parsed = urllib.parse.urlsplit(url)
    if parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
        return None
    for connection in psutil.net_connections(kind="inet"):
        if connection.status == psutil.CONN_LISTEN and connection.laddr.port == (parsed.port or 5432):
            return connection.pid
    return None


def top_terms(base_url, plan, count):
    """The plan's most frequent words, as plan-api counts them: the search queries, the same for everyone."""
    status, _, body = fetch(f"{base_url}/api/v1/plans/{plan}/terms/?top={count}")
    if status != 200:
        sys.exit(f"plan-api's terms/ answered {status}: {body[:300]!r}")
    return [term["term"] for term in json.loads(body)["results"]]


def check(system, base_url, url_set):
    """Fetch every URL of the set once; each must answer 200. Returns {path: (content type, body)}."""
    responses = {}
    for path in url_set.paths(system):
        status, headers, body = fetch(base_url + path)
        if status != 200:
            sys.exit(f"{SYSTEMS[system]} answered {status} to {path}, not 200: {body[:300]!r}")
        if system == "off" and headers.get("X-Cache") == "HIT":
            sys.exit(f"plan-api with RESPONSE_CACHE_ENABLED=false answered {path} from its cache")
        responses[path] = (headers.get_content_type(), body)
    return responses


def found(system, url_set, responses):
    """What the set's responses hold: results per search, rows per CSV; None for other sets."""
    bodies = [body for _, body in responses.values()]
    if url_set.key == "search":
        key = "filtered_table_rows_count" if system == "datasette" else "count"
        counts = [json.loads(body)[key] for body in bodies]
        return {"queries_with_results": sum(1 for n in counts if n), "queries": len(counts), "results": sum(counts)}
    if url_set.key == "csv":
        rows = list(csv.reader(io.StringIO(bodies[0].decode("utf-8-sig"))))
        return {"rows": len(rows) - 1, "columns": len(rows[0])}
    return None


def write_static_copy(www, responses):
    """plan-api's responses as files that NGINX_CONFIG's try_files finds: /a/b/?x=1 is www/a/b/@x=1.json."""
    for path, (content_type, body) in responses.items():
        parsed = urllib.parse.urlsplit(path)
        extension = "csv" if content_type == "text/csv" else "json"
        file = www / f"{parsed.path.lstrip('/')}@{parsed.query}.{extension}"
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(body)


# --- measuring ------------------------------------------------------------------------------------------------


def wrk(base_url, paths_file, threads, connections, seconds, count_misses=False):
    """One wrk run rotating over the paths in paths_file: the JSON that bench/rotate.lua prints.

    With count_misses, it counts the responses that plan-api's cache did not answer (no `X-Cache: HIT`).
    """
    options = [f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s", "-s", ROTATE_LUA]
    script_arguments = [paths_file, threads, *(["count-cache-misses"] if count_misses else [])]
    command = ["wrk", *options, base_url, "--", *script_arguments]
    result = subprocess.run([str(part) for part in command], capture_output=True, text=True, timeout=seconds + 60)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        sys.exit(f"wrk failed: {shlex.join(map(str, command))}\n{result.stdout}{result.stderr}")
    return json.loads(lines[-1])


def warm_up(server, system, paths_file, urls, threads, connections, seconds):
    """wrk for `seconds`, results unused.

    For plan-api with its cache on, again until two runs in a row are answered from the cache, so that the
    timed run measures the cache rather than filling it; unless the URLs are not cached at all (a streamed
    CSV), or a minute has passed. The cache is per worker and each wrk run opens new connections, which the
    workers share out anew: two clean runs make it likelier that every worker has every URL.
    """
    if system != "on":
        if seconds:
            wrk(server.base_url, paths_file, threads, connections, seconds)
        return
    workers = len(server.workers())
    deadline = time.monotonic() + 60
    sent = clean_runs = 0
    while time.monotonic() < deadline:
        result = wrk(server.base_url, paths_file, threads, connections, max(seconds, 1), count_misses=True)
        sent += result["requests"]
        clean_runs = clean_runs + 1 if result["cache_misses"] == 0 else 0
        if clean_runs == 2:
            return
        if sent >= 3 * urls * workers and result["cache_misses"] > 0.9 * result["requests"]:
            return  # each worker was asked for each URL several times and still missed: not cached
    print("  (after a minute of warm-up, the cache still missed)")


def wait_until_idle(servers, database, seconds=15):
    """Wait until no server is still working on requests that wrk gave up on when its run ended.

    A view goes on computing its response after the client has gone; left alone, the CPU time of the warm-up's
    last requests would count in the timed run that follows.
    """
    roots = [server.process.pid for server in servers] + ([database] if database else [])

    def busy():
        return sum(sum(cpu_snapshot(pid).values()) for pid in roots)

    deadline = time.monotonic() + seconds
    before = busy()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        after = busy()
        if after - before < 0.02:  # under a tenth of a core
            return
        before = after


def worker_split(before, after, master):
    """Each worker's share of the workers' CPU time during the cell, largest first, in percent."""
    deltas = [after[pid] - before.get(pid, 0.0) for pid in after if pid != master]
    total = sum(deltas)
    if len(deltas) < 2 or total <= 0:
        return None
    return [round(100 * delta / total) for delta in sorted(deltas, reverse=True)]


def measure(server, database, paths_file, seconds, connections, threads, count_misses):
    """One timed wrk run against a server, with the CPU time its processes and the database's spent meanwhile."""
    server_before = server.cpu_snapshot()
    database_before = cpu_snapshot(database) if database else {}
    machine_before, wrk_before = machine_busy_seconds(), children_cpu_seconds()
    result = wrk(server.base_url, paths_file, threads, connections, seconds, count_misses)
    machine_cpu = machine_busy_seconds() - machine_before
    wrk_cpu = children_cpu_seconds() - wrk_before
    server_after = server.cpu_snapshot()
    database_after = cpu_snapshot(database) if database else {}

    server_cpu = sum(server_after.values()) - sum(server_before.values())
    database_cpu = sum(database_after.values()) - sum(database_before.values())
    requests = result["requests"]
    elapsed = result["duration_us"] / 1e6
    return {
        "requests": requests,
        "seconds": elapsed,
        "rps": requests / elapsed,
        "p50_ms": result["p50_us"] / 1000 if requests else None,
        "p99_ms": result["p99_us"] / 1000 if requests else None,
        "non_2xx": result["status_errors"],
        "socket_errors": sum(result[key] for key in ("connect_errors", "read_errors", "write_errors", "timeouts")),
        "bytes_per_request": result["bytes"] / requests if requests else None,
        "cpu_ms": 1000 * (server_cpu + database_cpu) / requests if requests else None,
        "server_cpu_ms": 1000 * server_cpu / requests if requests else None,
        "database_cpu_ms": 1000 * database_cpu / requests if requests and database else None,
        "cache_misses": result["cache_misses"] if count_misses else None,
        "worker_split": worker_split(server_before, server_after, server.process.pid),
        "wrk_cores": wrk_cpu / elapsed,
        "other_cores": max(0.0, machine_cpu - server_cpu - database_cpu - wrk_cpu) / elapsed,
    }


def summarise(cells):
    """Medians over the repetitions of one cell (errors are summed)."""

    def median(key):
        values = [cell[key] for cell in cells if cell[key] is not None]
        return statistics.median(values) if values else None

    summary = {key: median(key) for key in ("rps", "p50_ms", "p99_ms", "cpu_ms", "server_cpu_ms", "database_cpu_ms")}
    summary.update(
        rps_min=min(cell["rps"] for cell in cells),
        rps_max=max(cell["rps"] for cell in cells),
        non_2xx=sum(cell["non_2xx"] for cell in cells),
        socket_errors=sum(cell["socket_errors"] for cell in cells),
        requests=sum(cell["requests"] for cell in cells),
        cache_misses=None if cells[0]["cache_misses"] is None else sum(cell["cache_misses"] for cell in cells),
        worker_splits=[cell["worker_split"] for cell in cells if cell["worker_split"]],
        repetitions=len(cells),
    )
    return summary


# --- reporting ------------------------------------------------------------------------------------------------


def ms(value):
    if value is None:
        return "–"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def cpu_cell(summary):
    """CPU ms per request, split as (server + database) where a database is counted."""
    if summary["cpu_ms"] is None:
        return "–"
    if summary["database_cpu_ms"] is None:
        return ms(summary["cpu_ms"])
    return f"{ms(summary['cpu_ms'])} ({ms(summary['server_cpu_ms'])} + {ms(summary['database_cpu_ms'])})"


def ratio(value, reference):
    return f"{value / reference:.2f}×" if value and reference else "–"


def cpu_model():
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def postgres_version():
    database = database_pid()
    if os.environ.get("DATABASE_URL"):
        return "PostgreSQL at DATABASE_URL" + ("" if database else " (elsewhere: its CPU is not counted)")
    version = output_of([psutil.Process(database).exe(), "--version"]) if database else "PostgreSQL ?"
    return version.replace("postgres (PostgreSQL)", "PostgreSQL") + " (embedded)"


def revision():
    commit = run(["git", "rev-parse", "--short", "HEAD"], timeout=30).strip()
    changed = run(["git", "status", "--porcelain", "--untracked-files=no"], timeout=30).strip()
    return f"{commit} with uncommitted changes" if changed else commit


def command_line():
    """How this script was run, with paths inside the clone written relative to it."""
    python = Path(sys.executable)
    python = python.relative_to(ROOT).as_posix() if python.is_relative_to(ROOT) else str(python)
    return shlex.join([python, os.path.relpath(__file__, ROOT), *sys.argv[1:]])


def environment(servers):
    """The machine, the versions and the revision measured."""
    python, django, drf, gunicorn = run(
        [
            VENV_PYTHON,
            "-c",
            (
                "import importlib.metadata as m, platform; "
                "print(platform.python_version(), *(m.version(p) for p in ('django', 'djangorestframework', 'gunicorn')))"
            ),
        ],
        timeout=60,
    ).split()
    datasette = json.loads(fetch(servers["datasette"].base_url + "/-/versions.json")[2])
    return {
        "cores": os.cpu_count(),
        "cpu": cpu_model(),
        "kernel": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": python,
        "django": django,
        "djangorestframework": drf,
        "gunicorn": gunicorn,
        "gunicorn_workers": len(servers["off"].workers()),
        "gunicorn_threads": int(os.environ.get("GUNICORN_THREADS", "4")),
        "postgresql": postgres_version(),
        "datasette": datasette["datasette"]["version"],
        "sqlite": datasette["sqlite"]["version"],
        "wrk": output_of(["wrk", "-v"]).split(" Copyright")[0],
        "nginx": output_of(["nginx", "-v"]).replace("nginx version: ", "") if "nginx" in servers else None,
        "revision": revision(),
        "command": command_line(),
    }


def print_header(report, args):
    env = report["environment"]
    nginx = env["nginx"] or "no nginx (apt-get install nginx for the static row)"
    others = [cell["other_cores"] for cell in report["cells"]]
    wrks = [cell["wrk_cores"] for cell in report["cells"] if cell["mode"] == "load"]
    print(
        f"\n# plan-api against Datasette: wrk -t{args.threads} -c{args.connections}, {args.duration} s per cell "
        f"after {args.warmup} s of warm-up, medians of {args.repeat} interleaved repetitions\n"
    )
    print(f"- command: `{env['command']}` (plan-api {env['revision']}, plan {args.plan})")
    print(
        f"- machine: {env['cores']} cores, {env['cpu']}, {env['kernel']}; load average "
        f"{report['load_before']:.2f} before, {report['load_after']:.2f} after; "
        f"{report['minutes']:.1f} min in all"
    )
    print(
        f"- versions: Python {env['python']}, Django {env['django']}, DRF {env['djangorestframework']}, "
        f"gunicorn {env['gunicorn']} ({env['gunicorn_workers']} gthread workers × {env['gunicorn_threads']} "
        f"threads), {env['postgresql']}, Datasette {env['datasette']} (SQLite {env['sqlite']}), "
        f"{env['wrk']}, {nginx}"
    )
    print(
        f"- during the timed runs wrk used {statistics.median(wrks):.2f} cores (median at c{args.connections}) and "
        f"processes other than wrk and the servers {statistics.median(others):.2f} cores (median; max "
        f"{max(others):.2f}): above 0.1 or so, the machine was not quiet"
    )


def print_set(url_set, report, systems, args):
    """One URL set: what each system answered, then a row per system."""
    medians = report["medians"]
    more = f" … ({len(url_set.api_paths)} URLs)" if len(url_set.api_paths) > 1 else ""
    print(f"\n## {url_set.title}\n")
    print(f"plan-api `{url_set.api_paths[0]}`, Datasette `{url_set.datasette_paths[0]}`{more}")
    for system in ("off", "datasette"):
        what = report["found"].get(f"{url_set.key}/{system}")
        if what and url_set.key == "search":
            print(
                f"- {SYSTEMS[system]} found something for {what['queries_with_results']} of {what['queries']} "
                f"queries, {what['results']} results in all"
            )
        elif what:
            print(f"- {SYSTEMS[system]}: {what['rows']} rows of {what['columns']} columns")
    print()
    print(
        "| system | req/s | min–max | p50 ms | p99 ms | CPU ms/request | non-2xx | socket errors | bytes/response "
        "| req/s ÷ Datasette | workers' CPU, % |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    reference = medians[f"{url_set.key}/datasette/load"]["rps"]
    for system in systems:
        summary = medians[f"{url_set.key}/{system}/load"]
        splits = " · ".join("/".join(map(str, split)) for split in summary["worker_splits"]) or "–"
        size = report["bytes"][f"{url_set.key}/{system}"]
        versus = ratio(summary["rps"], reference)
        print(
            f"| {SYSTEMS[system]} | {summary['rps']:,.0f} | {summary['rps_min']:,.0f}–{summary['rps_max']:,.0f} "
            f"| {ms(summary['p50_ms'])} | {ms(summary['p99_ms'])} | {cpu_cell(summary)} | {summary['non_2xx']} "
            f"| {summary['socket_errors']} | {size:,.0f} | {versus} | {splits} |"
        )
    on = medians[f"{url_set.key}/on/load"]
    print(
        f"\n{SYSTEMS['on']}: {on['cache_misses']:,} of {on['requests']:,} responses in the timed runs were not "
        "from the cache (X-Cache not HIT)"
    )


def print_one_connection(sets, report):
    if not any(url_set.key in ONE_CONNECTION_TARGETS for url_set in sets):
        return
    print("\n## one connection (wrk -t1 -c1)\n")
    print("| URL set | system | p50 ms | p99 ms | req/s | issue 12's target p50 |")
    print("|---|---|---:|---:|---:|---:|")
    for url_set in sets:
        if url_set.key not in ONE_CONNECTION_TARGETS:
            continue
        for system in ("off", "datasette"):
            summary = report["medians"][f"{url_set.key}/{system}/single"]
            target = ONE_CONNECTION_TARGETS[url_set.key] if system == "off" else ""
            print(
                f"| {url_set.title} | {SYSTEMS[system]} | {ms(summary['p50_ms'])} | {ms(summary['p99_ms'])} "
                f"| {summary['rps']:,.0f} | {target} |"
            )


def print_summary(sets, report, args):
    """Issue 12's table, once with the cache off and once with it on."""
    for system, label in (("off", "cache off"), ("on", "cache on")):
        print(
            f"\n| {label}, c{args.connections} | plan-api req/s | Datasette req/s | ratio "
            "| CPU per request (server + database) |"
        )
        print("|---|---:|---:|---:|---|")
        for url_set in sets:
            ours = report["medians"][f"{url_set.key}/{system}/load"]
            theirs = report["medians"][f"{url_set.key}/datasette/load"]
            versus = ratio(ours["rps"], theirs["rps"])
            print(
                f"| {url_set.title} | {ours['rps']:,.0f} | {theirs['rps']:,.0f} | {versus} "
                f"| {ms(ours['cpu_ms'])} ms vs {ms(theirs['cpu_ms'])} ms |"
            )


NOTES = """
Notes. CPU per request: the CPU time (user + system) that the server's process tree (gunicorn's master and
workers, Datasette's one process, nginx's master and workers) and, for plan-api, the PostgreSQL postmaster's
tree (backends included) used during the timed run, divided by the requests completed; for plan-api it is
split as (server + database). Each timed run starts once every server is idle; the requests still in flight
when it ends (up to one per connection) add their CPU but are not counted, which matters only where a cell
completes few requests. Datasette's SQLite runs inside its process. "workers' CPU" is each gunicorn or
nginx worker's share of the workers' CPU, per repetition. non-2xx is what wrk counts as errors (status 400 and
above); every URL answered 200 on every system before timing. Each wrk thread walks the URL list from its own
starting point (wrk's Lua has no hook per connection). Datasette serves its file immutable (-i) and, as
`datasette serve` always does, logs every request (gunicorn logs none by default); a detail is
`?_shape=object`, a list and a search `?_shape=objects` (rows as objects with Datasette's count and facet
suggestions, as its default table JSON); its full-text search uses SQLite FTS5's default tokenizer, which takes
a run of Chinese characters between punctuation for one word. plan-api's cache is local to each worker process
unless CACHE_URL names a Redis, so a connection that lands on another worker can miss after the warm-up; a
streamed CSV is never stored."""


def print_report(report, sets, systems, args):
    print_header(report, args)
    for url_set in sets:
        print_set(url_set, report, systems, args)
    print_one_connection(sets, report)
    print_summary(sets, report, args)
    print(NOTES)


# --- the run --------------------------------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds of each timed wrk run (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of wrk before each timed run (default 2)")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved repetitions, of which the medians (3)")
    parser.add_argument("--threads", "-t", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", "-c", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--sets", default="detail,list,search,csv", help="URL sets to run (default: all four)")
    parser.add_argument("--queries", type=int, default=60, help="search queries: the plan's most frequent words")
    parser.add_argument("--plan", default="tianjin-15th-fyp-proposals", help="the plan's slug (a folder of fixtures/)")
    parser.add_argument("--no-nginx", action="store_true", help="leave out the static copy even if nginx is installed")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every figure to FILE as JSON")
    args = parser.parse_args()
    args.sets = [key.strip() for key in args.sets.split(",") if key.strip()]
    unknown = set(args.sets) - {"detail", "list", "search", "csv"}
    if unknown or not args.sets:
        parser.error(f"--sets takes detail, list, search, csv (comma-separated), not {', '.join(unknown)}")
    if min(args.duration, args.repeat, args.threads, args.queries) < 1 or args.warmup < 0:
        parser.error("--duration, --repeat, --threads and --queries must be at least 1, --warmup at least 0")
    if args.connections < args.threads:
        parser.error("--connections must be at least --threads (wrk gives each thread its connections)")
    return args


def stop_on_signal(signum, frame):
    raise SystemExit(128 + signum)  # unwinds through the ExitStack, which stops every server


def start_servers(stack, data, work):
    """plan-api (cache off and on) and Datasette, ready; each stopped when the stack closes."""
    database_file = work / f"{DATASETTE_DB}.db"
    build_sqlite(data, database_file)
    secret_key = secrets.token_urlsafe(50)
    prepare_plan_api(secret_key)
    servers = {}
    for name in ("off", "on", "datasette"):
        servers[name] = Datasette(database_file) if name == "datasette" else Gunicorn(name, secret_key)
        stack.callback(servers[name].stop)
    for server in servers.values():
        server.wait_ready()
    return servers


def check_everything(stack, sets, servers, work, nginx):
    """Every URL on every system answers 200 (nginx started on the way, serving plan-api's answers).

    Returns what the answers hold, by set and system: {"found": …, "bytes": mean size of a response}.
    """
    responses = {}
    for url_set in sets:
        for system in ("off", "on", "datasette"):
            responses[url_set.key, system] = check(system, servers[system].base_url, url_set)
    if nginx:
        for url_set in sets:
            write_static_copy(work / "www", responses[url_set.key, "off"])
        servers["nginx"] = Nginx(work)
        stack.callback(servers["nginx"].stop)
        servers["nginx"].wait_ready()
        for url_set in sets:
            responses[url_set.key, "nginx"] = check("nginx", servers["nginx"].base_url, url_set)
    found_report, sizes = {}, {}
    for url_set in sets:
        for system in servers:
            answers = responses[url_set.key, system]
            sizes[f"{url_set.key}/{system}"] = statistics.mean(len(body) for _, body in answers.values())
            found_report[f"{url_set.key}/{system}"] = found(system, url_set, answers)
    return {"found": found_report, "bytes": sizes}


def run_cells(sets, servers, work, args):
    """Every timed run: for each repetition, each URL set, each system in turn (then one connection)."""
    paths_files = {}
    for url_set in sets:
        for system in servers:
            paths_files[url_set.key, system] = work / f"{url_set.key}-{system}.txt"
            paths_files[url_set.key, system].write_text("\n".join(url_set.paths(system)) + "\n")
    database = database_pid()
    cells = []
    for repetition in range(1, args.repeat + 1):
        for url_set in sets:
            runs = [(system, "load", args.threads, args.connections) for system in servers]
            if url_set.key in ONE_CONNECTION_TARGETS:
                runs += [("off", "single", 1, 1), ("datasette", "single", 1, 1)]
            for system, mode, threads, connections in runs:
                server, paths_file = servers[system], paths_files[url_set.key, system]
                urls = len(url_set.paths(system))
                warm_up(server, system, paths_file, urls, threads, connections, args.warmup)
                wait_until_idle(servers.values(), database)
                counted_database = database if system in ("off", "on") else None
                count_misses = system == "on"
                cell = measure(server, counted_database, paths_file, args.duration, connections, threads, count_misses)
                cell.update(set=url_set.key, system=system, mode=mode, connections=connections, repetition=repetition)
                cells.append(cell)
                print(
                    f"  {repetition}/{args.repeat} {url_set.key:<6} {SYSTEMS[system]:<19} c{connections:<3} "
                    f"{cell['rps']:9,.0f} req/s  p50 {ms(cell['p50_ms']):>5} ms  non-2xx {cell['non_2xx']}",
                    flush=True,
                )
                if not cell["requests"]:
                    print(f"  (no request completed within {args.duration} s: give the cells more time, --duration)")
    return cells


def main():
    args = parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed; on Debian or Ubuntu: apt-get install wrk")
    if not VENV_PYTHON.exists():
        sys.exit("no .venv in this clone: run `make install` (or `make bench`, which does)")
    plan_json = ROOT / "fixtures" / args.plan / "generated" / "plan.json"
    if not plan_json.exists():
        sys.exit(f"no {plan_json.relative_to(ROOT)}: is --plan a folder of fixtures/?")
    data = json.loads(plan_json.read_text())
    nginx = None if args.no_nginx else shutil.which("nginx")
    if not nginx and not args.no_nginx:
        print("nginx is not installed: no static-copy row (apt-get install nginx to have one)")

    systems = 3 + bool(nginx)
    cells = args.repeat * (len(args.sets) * systems + 2 * len(set(ONE_CONNECTION_TARGETS) & set(args.sets)))
    minutes = cells * (args.duration + args.warmup + 0.5) / 60
    print(
        f"{cells} runs of {args.warmup} + {args.duration} s: about {minutes:.1f} min once the servers are up, plus "
        f"the cache's warm-up; server logs in {LOG_DIR.relative_to(ROOT)}/",
        flush=True,
    )

    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGHUP, stop_on_signal)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    started, load_before = time.monotonic(), os.getloadavg()[0]
    install_datasette()
    with contextlib.ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="plan-api-bench-")))
        work.chmod(0o755)  # nginx's workers run as nobody when root starts it: they must read www/
        servers = start_servers(stack, data, work)
        queries = top_terms(servers["off"].base_url, args.plan, args.queries)
        sets = [url_set for url_set in url_sets(args.plan, data, queries) if url_set.key in args.sets]
        print(f"checking that every URL answers 200 ({', '.join(url_set.key for url_set in sets)})", flush=True)
        answers = check_everything(stack, sets, servers, work, nginx)
        cells = run_cells(sets, servers, work, args)
        env = environment(servers)

    by_cell = {}
    for cell in cells:
        by_cell.setdefault(f"{cell['set']}/{cell['system']}/{cell['mode']}", []).append(cell)
    report = {
        "environment": env,
        "arguments": {key: (str(value) if isinstance(value, Path) else value) for key, value in vars(args).items()},
        "queries": queries,
        "urls": {
            url_set.key: {"plan-api": url_set.api_paths, "datasette": url_set.datasette_paths} for url_set in sets
        },
        **answers,
        "cells": cells,
        "medians": {key: summarise(repetitions) for key, repetitions in by_cell.items()},
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        "minutes": (time.monotonic() - started) / 60,
    }
    print_report(report, sets, list(servers), args)
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
        print(f"\n(every figure in {args.json})")


if __name__ == "__main__":
    main()
