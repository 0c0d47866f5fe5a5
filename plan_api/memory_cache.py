"""A local-memory cache bounded in bytes: Django's LocMemCache, evicting the least recently used entries.

Django's own LocMemCache bounds the number of entries, which says nothing about memory: a few thousand data
packages are gigabytes, a few thousand small answers a few megabytes. This one counts the bytes it holds (each
entry's pickled value and key, plus a fixed allowance for the bookkeeping around them) and, before storing an
entry, drops the least recently used ones until the new entry fits under MAX_BYTES. An entry larger than the
whole bound is not stored. MAX_ENTRIES, when given, still bounds the number of entries.

    CACHES = {"default": {"BACKEND": "plan_api.memory_cache.ByteBoundedLocMemCache",
                          "OPTIONS": {"MAX_BYTES": 64 * 1024 * 1024}}}
"""

import pickle
import sys
from threading import Lock

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

# What one entry costs besides its key and pickled value: the key's and the value's object headers, the
# ordered dict's node and the expiry float (about 190 bytes on CPython 3.11, measured with tracemalloc).
ENTRY_OVERHEAD = 200
DEFAULT_MAX_BYTES = 64 * 1024 * 1024

# Like LocMemCache's own stores: per cache name, shared by every thread's instance of that cache.
_ledgers = {}
_ledgers_lock = Lock()


class _Ledger:
    def __init__(self):
        self.sizes = {}
        self.total = 0

    def add(self, key, size):
        self.sizes[key] = size
        self.total += size

    def remove(self, key):
        self.total -= self.sizes.pop(key, 0)

    def clear(self):
        self.sizes.clear()
        self.total = 0


class ByteBoundedLocMemCache(LocMemCache):
    def __init__(self, name, params):
        super().__init__(name, params)
        options = params.get("OPTIONS", {})
        self.max_bytes = int(options.get("MAX_BYTES", DEFAULT_MAX_BYTES))
        if "MAX_ENTRIES" not in options and "max_entries" not in params:
            self._max_entries = sys.maxsize  # the bound is in bytes
        with _ledgers_lock:
            self._ledger = _ledgers.setdefault(name, _Ledger())

    @property
    def used_bytes(self):
        """The bytes the entries take, as counted against MAX_BYTES."""
        return self._ledger.total

    def _set(self, key, value, timeout=DEFAULT_TIMEOUT):
        self._store(key, value, self.get_backend_timeout(timeout))

    def _store(self, key, pickled, expiry):
        """Store one entry (the lock held), evicting least recently used entries until it fits."""
        self._delete(key)
        size = len(key) + len(pickled) + ENTRY_OVERHEAD
        if size > self.max_bytes:
            return  # larger than the whole cache: answered, but never kept
        while self._cache and (self._ledger.total + size > self.max_bytes or len(self._cache) >= self._max_entries):
            oldest, _ = self._cache.popitem(last=True)  # the end of the order is the least recently used
            self._expire_info.pop(oldest, None)
            self._ledger.remove(oldest)
        self._cache[key] = pickled
        self._cache.move_to_end(key, last=False)
        self._expire_info[key] = expiry
        self._ledger.add(key, size)

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(self._cache[key]) + delta
            self._store(key, pickle.dumps(value, self.pickle_protocol), self._expire_info[key])
        return value

    def _delete(self, key):
        deleted = super()._delete(key)
        self._ledger.remove(key)
        return deleted

    def clear(self):
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()
            self._ledger.clear()
