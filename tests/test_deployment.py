"""Production settings and the pieces configured from the environment."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from plan_api.db_router import ReplicaRouter
from plan_api.settings import caches_from_url

BASE_DIR = Path(__file__).resolve().parent.parent


def test_check_deploy_with_production_settings_prints_no_warnings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "plan_api.settings_production",
        "SECRET_KEY": secrets.token_urlsafe(50),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "plan_api.settings_production"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_cache_url_names_the_shared_cache():
    assert caches_from_url("", max_bytes=1000) == {
        "BACKEND": "plan_api.memory_cache.ByteBoundedLocMemCache",
        "LOCATION": "plan-api",
        "OPTIONS": {"MAX_BYTES": 1000},
    }
    redis = caches_from_url("redis://cache.internal:6379/1")
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://cache.internal:6379/1"
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        caches_from_url("memcached://somewhere")


def test_the_router_sends_writes_and_migrations_to_the_primary():
    router = ReplicaRouter()
    router.replicas = ["replica1"]  # as DATABASE_REPLICA_URLS with one URL would configure it
    assert router.db_for_write(None) == "default"
    assert router.allow_migrate("default", "articles") is True
    assert router.allow_migrate("replica1", "articles") is False
    # Inside a transaction (the loader; here, the test's own) reads see that transaction's writes.
    assert router.db_for_read(None) == "default"


def test_without_replicas_every_read_goes_to_the_primary():
    assert ReplicaRouter().db_for_read(None) == "default"


def test_every_connection_cuts_off_statements_after_the_timeout():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("5s",)
