"""Django's Redis cache, made safe to depend on: a Redis that is away costs a cache miss, never an error or a wait.

Every call is bounded by the socket timeouts in OPTIONS (CACHE_TIMEOUT_MS) and goes through the "redis"
breaker (plan_api/dependencies.py): after a failure Redis is skipped for DEPENDENCY_RETRY_SECONDS, so a silent
Redis costs one timeout per process per interval instead of several per request, and a refused one a few
log lines a minute. While it is skipped, reads miss and writes are dropped: the API answers from the
database, uncached. (`incr`/`decr` are left as Django has them: nothing here uses them.)
"""

import redis
from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT

from plan_api.dependencies import dependency

DEPENDENCY = "redis"


class RedisCache(django_redis.RedisCache):
    def _guarded(self, fallback, method, *args, **kwargs):
        breaker = dependency(DEPENDENCY)
        if not breaker.available():
            return fallback
        try:
            result = method(*args, **kwargs)
        except (redis.RedisError, OSError) as error:
            breaker.failed(error)
            return fallback
        breaker.succeeded()
        return result

    def get(self, key, default=None, version=None):
        return self._guarded(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._guarded({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(False, super().has_key, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(None, super().set, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, super().add, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, super().touch, key, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(list(data), super().set_many, data, timeout, version)

    def delete(self, key, version=None):
        return self._guarded(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._guarded(None, super().delete_many, keys, version)

    def clear(self):
        return self._guarded(None, super().clear)
