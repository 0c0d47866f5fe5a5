"""Per-client rate limits counted where every process of the deployment sees them.

Who a client is: the address of the connection (REMOTE_ADDR). Behind NUM_PROXIES trusted proxies, each of which
appends the address it saw to X-Forwarded-For, the client is the address NUM_PROXIES from the right; anything
to its left was written by the client and is not trusted. A header shorter than that, or whose entry is not an
IP address, counts the connection itself. Without NUM_PROXIES the header is ignored, so forging it neither
escapes the limit nor spends another client's allowance.

How requests are counted: GCRA (the generic cell rate algorithm), one number per client, its "theoretical
arrival time" (TAT). A rate of N per period lets a client make N requests at once and then one every
period/N, which is what a rate means to a script that walks the API; a request is allowed when it leaves the
TAT no further than one period ahead of now, and a refused one is told exactly when the next will be allowed
(Retry-After). Unlike a fixed window it has no edge at which twice the limit gets through; unlike a
sliding-window counter it keeps one value per client and needs no second window read; and it is one atomic
step in either store:

- Redis, when CACHE_URL names one: a small Lua script (one round trip, Redis' own clock);
- otherwise the database, which every process already shares: one INSERT … ON CONFLICT DO UPDATE … RETURNING
  per request on an UNLOGGED table (plan_api/migrations/0001_throttle_counts.py), on the primary, with
  PostgreSQL's clock. Clients whose TAT has passed are back to a full allowance, the same as no row: each
  process deletes such rows at most once a minute.

A store that cannot be reached lets requests through: the API stays up, unthrottled, and says so in its log
once per DEPENDENCY_LOG_SECONDS (plan_api/dependencies.py); after a failure the store is skipped for
DEPENDENCY_RETRY_SECONDS rather than waited on by every request.
"""

import functools
import ipaddress
import time

import redis
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from rest_framework.throttling import BaseThrottle

from plan_api.cache import DEPENDENCY as CACHE_DEPENDENCY
from plan_api.dependencies import dependency
from plan_api.rates import parse_rate

REDIS_BACKENDS = {"django.core.cache.backends.redis.RedisCache", "plan_api.cache.RedisCache"}
PURGE_SECONDS = 60


def client_address(request):
    """The client's IP address: the connection's, or the one NUM_PROXIES trusted proxies appended."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.NUM_PROXIES
    if not proxies:
        return remote
    forwarded = [address.strip() for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote


class AnonRateThrottle(BaseThrottle):
    """THROTTLE_ANON_RATE per client (see the module docstring), read from settings on each request."""

    scope = "anon"

    def __init__(self):
        self.retry_after = None

    def allow_request(self, request, view):
        rate = _rate(settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope) or "off")
        if rate is None or getattr(request, "preparing", False):  # the loader's own (plan_api.prepared)
            return True
        key = f"throttle:{self.scope}:{rate.limit}/{rate.period}:{client_address(request)}"
        wait = counts().hit(key, rate)
        if wait:
            self.retry_after = wait
            return False
        return True

    def wait(self):
        return self.retry_after


@functools.lru_cache(maxsize=16)
def _rate(text):
    return parse_rate(text)


def counts():
    """Where the counts live: Redis when the default cache is one, else the database."""
    cache = settings.CACHES["default"]
    if cache["BACKEND"] in REDIS_BACKENDS:
        options = cache.get("OPTIONS", {})
        return _redis_counts(
            cache["LOCATION"],
            cache.get("KEY_PREFIX", ""),
            options.get("socket_connect_timeout"),
            options.get("socket_timeout"),
        )
    return DATABASE_COUNTS


class RedisCounts:
    # KEYS[1]: the client's key; ARGV: the interval between requests and the period, in milliseconds.
    # Returns the milliseconds to wait: 0 when the request is allowed (and counted).
    SCRIPT = """
    local now = redis.call('TIME')
    now = tonumber(now[1]) * 1000 + tonumber(now[2]) / 1000
    local interval, period = tonumber(ARGV[1]), tonumber(ARGV[2])
    local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or 0), now) + interval
    if tat - now > period then
        return math.ceil(tat - now - period)
    end
    redis.call('SET', KEYS[1], string.format('%.3f', tat), 'PX', math.ceil(tat - now))
    return 0
    """

    def __init__(self, location, prefix, connect_timeout, timeout):
        pool = redis.ConnectionPool.from_url(location, socket_connect_timeout=connect_timeout, socket_timeout=timeout)
        self.prefix = prefix
        self.script = redis.Redis(connection_pool=pool).register_script(self.SCRIPT)

    def hit(self, key, rate):
        """Seconds to wait before the next request is allowed; 0 if this one is; None if Redis did not answer."""
        breaker = dependency(CACHE_DEPENDENCY)  # the same Redis as the cache's, skipped when it failed lately
        if not breaker.available():
            return None
        try:
            wait_ms = self.script(keys=[f"{self.prefix}:{key}"], args=[rate.interval * 1000, rate.period * 1000])
        except (redis.RedisError, OSError) as error:
            breaker.failed(error)
            return None
        breaker.succeeded()
        return wait_ms / 1000


@functools.lru_cache(maxsize=4)
def _redis_counts(location, prefix, connect_timeout, timeout):
    return RedisCounts(location, prefix, connect_timeout, timeout)


class DatabaseCounts:
    # The request's "now" is excluded.tat - interval: the row it would insert. Every SET expression reads the
    # row as it was. `allowed` is stored so that RETURNING can say which branch was taken. Requests run in
    # autocommit, so the transaction's timestamp is the statement's (and a test's transaction is one instant).
    HIT = """
    INSERT INTO plan_api_throttle AS t (key, tat, allowed)
    VALUES (%(key)s, extract(epoch FROM transaction_timestamp()) * 1000 + %(interval)s, true)
    ON CONFLICT (key) DO UPDATE SET
        allowed = greatest(t.tat + %(interval)s, excluded.tat) - excluded.tat <= %(slack)s,
        tat = CASE WHEN greatest(t.tat + %(interval)s, excluded.tat) - excluded.tat <= %(slack)s
                   THEN greatest(t.tat + %(interval)s, excluded.tat) ELSE t.tat END
    RETURNING allowed, tat - extract(epoch FROM transaction_timestamp()) * 1000
    """
    PURGE = "DELETE FROM plan_api_throttle WHERE tat < extract(epoch FROM transaction_timestamp()) * 1000"

    def __init__(self):
        self.purged_at = 0.0

    def hit(self, key, rate):
        """Seconds to wait before the next request is allowed; 0 if this one is; None if the database failed."""
        interval, period = rate.interval * 1000, rate.period * 1000
        breaker = dependency("throttle counts")
        if not breaker.available():
            return None
        try:
            with connections["default"].cursor() as cursor:  # the primary, even when the request reads a replica
                self._purge_now_and_then(cursor)
                cursor.execute(self.HIT, {"key": key, "interval": interval, "slack": period - interval})
                allowed, ahead_ms = cursor.fetchone()
        except DatabaseError as error:
            # An unreachable database is the database breaker's to report (plan_api/postgres/base.py) and to
            # skip; anything else (a missing table) is this breaker's.
            if not isinstance(error, (OperationalError, InterfaceError)):
                breaker.failed(error)
            return None
        breaker.succeeded()
        return 0 if allowed else max(ahead_ms + interval - period, 1) / 1000

    def _purge_now_and_then(self, cursor):
        if time.monotonic() - self.purged_at > PURGE_SECONDS:
            self.purged_at = time.monotonic()
            cursor.execute(self.PURGE)


DATABASE_COUNTS = DatabaseCounts()
