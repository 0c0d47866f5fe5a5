"""Circuit breakers for what the API depends on (the database, Redis), and their log lines.

After a call to a dependency fails, the dependency is not tried again for DEPENDENCY_RETRY_SECONDS: callers
skip it at once (a cache miss, a 503, a request let through unthrottled) instead of each waiting for a
timeout. Then one caller tries it; if that works, everyone uses it again. Each process keeps its own state, so
a process learns of an outage from its own first failure.

A failure is logged when the dependency goes down, then at most once per DEPENDENCY_LOG_SECONDS while it stays
down (with the number of failed and skipped calls since the last line), and once when it is back: a refused
or silent Redis costs a few log lines a minute, not one per request.

Hand-written rather than pybreaker: pybreaker holds one lock for the whole duration of each call through the
breaker, so every thread would queue behind one that waits on a silent dependency.
"""

import logging
import threading
import time

from django.conf import settings

logger = logging.getLogger(__name__)

_registry = {}
_registry_lock = threading.Lock()


class Dependency:
    def __init__(self, name):
        self.name = name
        self._lock = threading.Lock()
        self._down_since = None  # when the current outage began (time.monotonic()), None while up
        self._retry_at = 0.0
        self._logged_at = 0.0
        self._failures = 0
        self._skipped = 0

    @property
    def down(self):
        """Whether the last call failed (and no call has succeeded since)."""
        return self._down_since is not None

    def available(self):
        """Whether a call may be made now: always while up; while down, once per retry interval."""
        if self._down_since is None:
            return True
        with self._lock:
            now = time.monotonic()
            if self._down_since is not None and now < self._retry_at:
                self._skipped += 1
                return False
            # This caller tries; the others keep skipping until it has failed or succeeded.
            self._retry_at = now + settings.DEPENDENCY_RETRY_SECONDS
            return True

    def failed(self, error):
        with self._lock:
            now = time.monotonic()
            self._failures += 1
            self._retry_at = now + settings.DEPENDENCY_RETRY_SECONDS
            if self._down_since is None:
                self._down_since = now
                message = "%s unavailable (%s); not tried again for %s s after each failure"
                args = (self.name, _describe(error), settings.DEPENDENCY_RETRY_SECONDS)
            elif now - self._logged_at >= settings.DEPENDENCY_LOG_SECONDS:
                message = "%s still unavailable after %.0f s (%s): %d failed and %d skipped calls since the last report"
                args = (self.name, now - self._down_since, _describe(error), self._failures, self._skipped)
            else:
                return
            self._logged_at, self._failures, self._skipped = now, 0, 0
        logger.warning(message, *args)

    def succeeded(self):
        if self._down_since is None:
            return
        with self._lock:
            if self._down_since is None:
                return
            seconds = time.monotonic() - self._down_since
            self._down_since, self._retry_at, self._failures, self._skipped = None, 0.0, 0, 0
        logger.warning("%s is back after %.1f s", self.name, seconds)


def dependency(name):
    """The process' breaker for `name` ("database", "database replica1", "redis")."""
    try:
        return _registry[name]
    except KeyError:
        with _registry_lock:
            return _registry.setdefault(name, Dependency(name))


def forget_everything():
    """Every dependency up again (tests)."""
    _registry.clear()


def _describe(error):
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text[:200]}" if text else type(error).__name__
