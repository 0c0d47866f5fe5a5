"""Settings come from the environment, and a value that cannot be used stops start-up naming its variable.

Each case reads the settings module (or gunicorn.conf.py) afresh with one variable set, the way a process
starting with that environment would; two cases start the real commands (manage.py, gunicorn).
"""

import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
STRONG_KEY = "k" + secrets.token_urlsafe(50)


def read(path, monkeypatch, **env):
    """The settings a process would get from `path` (relative to the project) with `env` set."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_DIR / path))


BAD_VALUES = [
    ("THROTTLE_ANON_RATE", "lots"),
    ("THROTTLE_ANON_RATE", "120/fortnight"),
    ("THROTTLE_ANON_RATE", "0/minute"),
    ("NUM_PROXIES", "two"),
    ("NUM_PROXIES", "-1"),
    ("DEBUG", "sometimes"),
    ("DATABASE_URL", "mysql://somewhere/plans"),
    ("DATABASE_URL", "postgresql://postgres@db:port/plans"),
    ("DATABASE_REPLICA_URLS", "postgresql://postgres@replica/plans,nonsense"),
    ("DATABASE_CONNECT_TIMEOUT", "soon"),
    ("DATABASE_CONNECT_TIMEOUT", "0"),
    ("DATABASE_STATEMENT_TIMEOUT", "5s"),
    ("DATABASE_CONN_MAX_AGE", "forever"),
    ("DATABASE_RETRY_AFTER", "-1"),
    ("CACHE_URL", "memcached://cache:11211"),
    ("CACHE_URL", "redis://cache:port/0"),
    ("CACHE_URL", "redis://cache:6379/first"),
    ("CACHE_TIMEOUT_MS", "quick"),
    ("DEPENDENCY_RETRY_SECONDS", "0"),
    ("DEPENDENCY_LOG_SECONDS", "minute"),
    ("HTTP_CACHE_MAX_AGE", "5m"),
    ("RESPONSE_CACHE_ENABLED", "maybe"),
    ("RESPONSE_CACHE_TIMEOUT", "a day"),
    ("PREPARED_RESPONSES", "yes please"),
    ("PREPARE_ON_LOAD", "later"),
    ("DATASET_VERSION_CHECK_SECONDS", "x"),
    ("MAX_QUERY_STRING_LENGTH", "0"),
    ("MAX_QUERY_VALUE_LENGTH", "long"),
    ("WHITENOISE_USE_FINDERS", "2"),
    ("LOG_LEVEL", "loud"),
    ("ADMIN_PATH", "staff/../admin"),
]


@pytest.mark.parametrize(("variable", "value"), BAD_VALUES)
def test_a_bad_value_stops_the_settings_naming_its_variable(monkeypatch, variable, value):
    with pytest.raises(ImproperlyConfigured, match=f"^{variable} "):
        read("plan_api/settings.py", monkeypatch, **{variable: value})


PRODUCTION_BAD_VALUES = [
    ("SECURE_SSL_REDIRECT", "perhaps"),
    ("SECURE_HSTS_SECONDS", "a year"),
    ("SECURE_HSTS_INCLUDE_SUBDOMAINS", "y"),
    ("SECURE_HSTS_PRELOAD", "n"),
    ("THROTTLE_ANON_RATE", "fast"),
]


@pytest.mark.parametrize(("variable", "value"), PRODUCTION_BAD_VALUES)
def test_a_bad_value_stops_the_production_settings_naming_its_variable(monkeypatch, variable, value):
    with pytest.raises(ImproperlyConfigured, match=f"^{variable} "):
        read("plan_api/settings_production.py", monkeypatch, SECRET_KEY=STRONG_KEY, **{variable: value})


GUNICORN_BAD_VALUES = [
    ("PORT", "eighty"),
    ("PORT", "70000"),
    ("WEB_CONCURRENCY", "0"),
    ("GUNICORN_THREADS", "many"),
    ("GUNICORN_TIMEOUT", "30s"),
    ("GUNICORN_KEEPALIVE", "-5"),
    ("GUNICORN_MAX_REQUESTS", "lots"),
    ("GUNICORN_MAX_WORKER_MEMORY", "1GB"),
    ("LOG_LEVEL", "chatty"),
]


@pytest.mark.parametrize(("variable", "value"), GUNICORN_BAD_VALUES)
def test_a_bad_value_stops_gunicorn_naming_its_variable(monkeypatch, variable, value):
    with pytest.raises(ImproperlyConfigured, match=f"^{variable} "):
        read("gunicorn.conf.py", monkeypatch, **{variable: value})


def test_good_values_are_read_as_documented(monkeypatch):
    settings = read(
        "plan_api/settings.py",
        monkeypatch,
        THROTTLE_ANON_RATE="30/m",
        NUM_PROXIES="2",
        DATABASE_CONNECT_TIMEOUT="3",
        LOG_LEVEL="info",
        ADMIN_PATH="/staff-3f9c/",
        CACHE_URL="redis://cache.internal:6379/2",
    )
    assert settings["REST_FRAMEWORK"]["DEFAULT_THROTTLE_RATES"] == {"anon": "30/m"}
    assert settings["NUM_PROXIES"] == 2
    assert settings["DATABASES"]["default"]["OPTIONS"]["connect_timeout"] == 3
    assert settings["LOGGING"]["root"]["level"] == "INFO"
    assert settings["ADMIN_PATH"] == "staff-3f9c/"
    assert settings["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/2"
    quick_load = read("plan_api/settings.py", monkeypatch, PREPARE_ON_LOAD="false")
    assert (quick_load["PREPARED_RESPONSES"], quick_load["PREPARE_ON_LOAD"]) == (True, False)
    neither = read("plan_api/settings.py", monkeypatch, PREPARED_RESPONSES="false", PREPARE_ON_LOAD="true")
    assert (neither["PREPARED_RESPONSES"], neither["PREPARE_ON_LOAD"]) == (False, False)
    gunicorn = read("gunicorn.conf.py", monkeypatch, PORT="8123", WEB_CONCURRENCY="3", GUNICORN_THREADS="2")
    assert (gunicorn["bind"], gunicorn["workers"], gunicorn["threads"]) == ("127.0.0.1:8123", 3, 2)


@pytest.mark.parametrize("url", [None, "postgresql://postgres@db.internal/plans"])
def test_every_database_keeps_its_connections_and_checks_them_before_reuse(monkeypatch, url):
    if url:
        monkeypatch.setenv("DATABASE_URL", url)
    else:
        monkeypatch.delenv("DATABASE_URL", raising=False)  # the embedded database
    default = read("plan_api/settings.py", monkeypatch)["DATABASES"]["default"]
    assert (default["CONN_MAX_AGE"], default["CONN_HEALTH_CHECKS"]) == (300, True)
    replica = read(
        "plan_api/settings.py", monkeypatch, DATABASE_CONN_MAX_AGE="0", DATABASE_REPLICA_URLS="postgresql://r/plans"
    )["DATABASES"]
    assert replica["default"]["CONN_MAX_AGE"] == replica["replica1"]["CONN_MAX_AGE"] == 0


def _env(**changes):
    env = {**os.environ, **changes}
    return {name: value for name, value in env.items() if value is not None}


def test_manage_py_refuses_to_start_with_a_malformed_throttle_rate():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=_env(THROTTLE_ANON_RATE="120 per minute"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert (
        "ImproperlyConfigured: THROTTLE_ANON_RATE must be a number of requests per second, minute, hour or day "
        '("120/minute") or "off", not \'120 per minute\'' in result.stderr
    )


def test_gunicorn_refuses_to_start_with_a_malformed_number_of_threads():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "gunicorn"), "--check-config"],
        cwd=BASE_DIR,
        env=_env(GUNICORN_THREADS="four", SECRET_KEY=STRONG_KEY, DJANGO_SETTINGS_MODULE="plan_api.settings_production"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: GUNICORN_THREADS must be a whole number, not 'four'" in result.stderr


@pytest.mark.parametrize(
    "key",
    [
        "plan-api-development-key-not-for-production",  # the development key
        "change-me",  # too short
        "ab" * 40,  # long, but two distinct characters
        "django-insecure-" + secrets.token_urlsafe(50),  # what startproject writes
    ],
)
def test_production_refuses_a_weak_or_default_secret_key(monkeypatch, key):
    with pytest.raises(ImproperlyConfigured, match="^SECRET_KEY is too weak for production"):
        read("plan_api/settings_production.py", monkeypatch, SECRET_KEY=key)


def test_production_takes_a_strong_secret_key(monkeypatch):
    assert read("plan_api/settings_production.py", monkeypatch, SECRET_KEY=STRONG_KEY)["SECRET_KEY"] == STRONG_KEY


@pytest.mark.parametrize(
    ("variable", "value"), [("ADMIN_LOGIN_FAILURE_LIMIT", "none"), ("ADMIN_LOGIN_LOCKOUT_MINUTES", "0")]
)
def test_a_bad_admin_login_limit_stops_the_settings_when_the_admin_is_on(monkeypatch, variable, value):
    with pytest.raises(ImproperlyConfigured, match=f"^{variable} "):
        read("plan_api/settings.py", monkeypatch, ADMIN_PATH="staff-3f9c", **{variable: value})
