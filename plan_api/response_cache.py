"""HTTP caching for every GET of the API and the reading site: validators, Cache-Control, and a response cache in front of the views.

Every successful GET gets a strong `ETag` (a hash of the dataset version and the response body),
`Last-Modified` (when the data it shows was loaded) and `Cache-Control: public, max-age=…`, and answers
`If-None-Match` / `If-Modified-Since` with a bodiless 304.

The response cache is Django's default cache (local memory per process, bounded in bytes by
RESPONSE_CACHE_MAX_BYTES, see plan_api.memory_cache; or Redis shared by every app server when CACHE_URL names
one). A response is stored under a key made of

- the code release (plan_api.release): a deploy never serves what older code made, even from a shared Redis;
- the dataset version it depends on: for a path under /api/v1/plans/{slug}/, that plan's `version` (which
  changes whenever the ingest pipeline changes anything for the plan); for anything else (the index, the list
  of plans, search across plans, the schema), a hash of every plan's version;
- the request in canonical form (plan_api.canonical): scheme, host (responses hold absolute URLs) and path; the
  negotiated representation (format and media type, as DRF's negotiation picks it, and the script, as
  plan_api.scripts picks it), so that `Accept: */*`, no Accept and `Accept: application/json` share an entry,
  and so do Accept-Language values that pick one script; and the query parameters the view recognises,
  sorted and in canonical form. A parameter no view reads neither enters the key nor changes the body.

A response that varies on a header other than Accept and Accept-Language is not stored. A request whose query
is malformed (plan_api.middleware.RejectMalformedQueryMiddleware) or whose negotiation fails goes to the view,
which answers the error, even when the same URL without the bad parameter is cached.

The plans' versions themselves live in the cache under one small key per database (a replica may lag behind the
primary: a request keys on the versions of the database its views read), as a digest that names them (the
versions are stored under the digest, and each process keeps those it has seen), re-read from the database at
most every DATASET_VERSION_CHECK_SECONDS. Loading a plan deletes those keys (ingest/pipeline.py calls
dataset_changed()), so the next request sees the new version: the loaded plan's responses and the cross-plan
ones get new keys, and every other plan's cached responses stay valid. Old entries are never read again and
expire (or are evicted first, being the least recently used).

Streaming responses (large exports) are not stored, unless they were prepared (plan_api.prepared: their bytes
are known): they get the same headers, with an ETag derived from the key (the output is a deterministic
function of it), and are answered 304 when the client already has them. Only 200 responses are stored; errors
are recomputed.

When the database is unreachable, the last versions this process saw are used, so what is cached is still
served; anything else falls through to the view, which answers 503.
"""

import functools
import hashlib
import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.module_loading import import_string

from plan_api import release
from plan_api.canonical import canonical_request
from plan_api.db_router import read_alias
from plan_api.middleware import RejectMalformedQueryMiddleware
from plan_api.prepared import lookup, throttled

logger = logging.getLogger(__name__)

VERSIONS_KEY = "dataset-versions"
# Headers that a stored response may vary on: the first two through the negotiated representation in the key;
# the others are not produced below this middleware (compression and CORS happen outside it or at the CDN).
VARY_ALLOWED = {"accept", "accept-language", "accept-encoding", "origin"}

_last_known = {}  # {database alias: the versions last read from it}
_by_token = {}  # {token: Versions}: the versions this process has seen, by the digest that names them
_KEEP_TOKENS = 16


class Versions(dict):
    """{slug: (version, loaded_at)} for every plan, with `token`, a digest of them all (what a response that
    depends on every plan keys on) and `loaded_at`, the latest load.

    The cache holds the token under the versions key, and the versions under the token: a process that knows the
    token already (every request but the first after a load) reads a few bytes instead of unpickling a mapping as
    long as the list of plans, and hashes nothing (at 1,000 plans both cost more than a search).
    """

    def __init__(self, versions):
        super().__init__(versions)
        self.token = _digest(versions)
        self.loaded_at = max((loaded_at for _, loaded_at in self.values()), default=0)

    def __reduce__(self):  # pickled (by a test's copy, say) as the mapping it is
        return (Versions, (dict(self),))


def _digest(versions):
    return hashlib.sha256(repr(sorted(versions.items())).encode()).hexdigest()


def dataset_changed():
    """Forget the cached plan versions so that the next request re-reads them (called by the loader).

    Called once inside the loader's transaction (so that the loading process itself sees its change) and
    once after it commits (so that another process cannot keep a version it read in between). The keys of the
    release before (which held the versions themselves) go too, for its processes still running beside this one.
    """
    keys = [key for alias in settings.DATABASES for key in (_versions_key(alias), f"{VERSIONS_KEY}:{alias}")]
    _safe(cache.delete_many, keys)
    transaction.on_commit(lambda: _safe(cache.delete_many, keys))


def _versions_key(alias):
    # Each database's own versions, read from the database the request's views read (a replica may lag): their
    # token. A key of its own, not the one where the release before kept the versions themselves, so that a
    # process of either release never reads what the other wrote (a deploy over several servers shares Redis).
    return f"{VERSIONS_KEY}-token:{alias}"


def _token_key(token):
    return f"{VERSIONS_KEY}-of:{token}"


def forget_everything():
    """Clear the process' memory of versions (tests, after cache.clear())."""
    _last_known.clear()
    _by_token.clear()


def _remember(versions):
    if len(_by_token) >= _KEEP_TOKENS:
        _by_token.clear()
    _by_token[versions.token] = versions
    return versions


def _cached_versions(alias):
    """The versions the cache holds for the database, or None."""
    token = _safe(cache.get, _versions_key(alias))
    if not isinstance(token, str):  # none, or what another release keeps there
        return None
    versions = _by_token.get(token)
    if versions is None:
        found = _safe(cache.get, _token_key(token))
        versions = _remember(Versions(found)) if isinstance(found, dict) else None
    return versions


def dataset_versions():
    """The Versions of every plan, from the cache or the database.

    Raises DatabaseError when neither the cache nor the database can say, and no version was ever seen.
    """
    alias = read_alias()
    versions = _cached_versions(alias)
    if versions is not None:
        return versions
    try:
        versions = Versions(_read_versions())  # at once, when the database failed lately (plan_api/postgres/base.py)
    except DatabaseError:
        if _last_known.get(alias) is None:
            raise
        return _last_known[alias]  # the database's breaker logs the outage, once per interval
    _last_known[alias] = _remember(versions)
    # The versions under their token first (for longer: a token always names the same versions), so that a process
    # that reads the token can find them.
    _safe(cache.set, _token_key(versions.token), dict(versions), settings.RESPONSE_CACHE_TIMEOUT)
    _safe(cache.set, _versions_key(alias), versions.token, settings.DATASET_VERSION_CHECK_SECONDS)
    return versions


@functools.cache
def _versions_reader():
    return import_string(settings.DATASET_VERSIONS)


def _read_versions():
    """The plans' versions from the database, through the selector that settings.DATASET_VERSIONS names.

    A setting rather than an import: plan_api is HTTP infrastructure, below the apps that own the plans.
    """
    return _versions_reader()()


# A path under one plan, in the API or on the reading site: its responses depend on that plan's data alone.
_ONE_PLAN = re.compile(r"/(?:api/v1/)?plans/(?P<plan>[^/]+)/")


def version_of(path, versions):
    """The dataset version a path's response depends on, and when that data was loaded."""
    match = _ONE_PLAN.match(path)
    if match and match["plan"] in versions:
        version, loaded_at = versions[match["plan"]]
        return f"plan:{match['plan']}:{version}", loaded_at
    if not isinstance(versions, Versions):
        versions = Versions(versions)
    return f"all:{versions.token}", versions.loaded_at


def request_key(request, version, canonical):
    """The cache key of a request: release, dataset version, scheme, host, path and the canonical request."""
    parts = [release.release(), version, request.scheme, request.get_host(), request.path, *canonical.parts()]
    return "response:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


class ResponseCacheMiddleware:
    """Validators and Cache-Control on every GET whose path settings.RESPONSE_CACHE_PATHS matches, and answers
    from the response cache."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.paths = re.compile(settings.RESPONSE_CACHE_PATHS)
        # The very check the middleware below makes: the key leaves unread parameters out, but a malformed one
        # must still get its 400, not a cached 200.
        self.malformed = RejectMalformedQueryMiddleware(lambda request: None)

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not self.paths.match(request.path):
            return self.get_response(request)
        if getattr(request, "preparing", False):
            # The loader preparing this response (plan_api.prepared), in its transaction: no version is read (it
            # would be shared before the transaction commits) and nothing is stored in the cache.
            response = self.get_response(request)
            if response.status_code == 200 and _cacheable(response):
                request.capture(response)
            return response
        if self.malformed(request) is not None:
            return self.get_response(request)  # the middleware below answers the problem
        canonical = canonical_request(request)
        if canonical is None:
            return self.get_response(request)  # no view, or a failed negotiation: the view answers 4xx
        try:
            versions = dataset_versions()
            version, loaded_at = version_of(request.path, versions)
            key = request_key(request, version, canonical)
        except (DatabaseError, DisallowedHost):
            return self.get_response(request)  # the view answers 503 (or 400 for a bad Host)

        entry = _safe(cache.get, key) if settings.RESPONSE_CACHE_ENABLED else None
        if entry is not None:
            response = _rebuild(entry)
            response["X-Cache"] = "HIT"
        else:
            response = self._prepared(request, version, canonical) or self.get_response(request)
            if response.status_code in (429, 500, 503) and "Cache-Control" not in response:
                response["Cache-Control"] = "no-store"  # a passing condition: no cache may keep it
            if response.status_code != 200 or not _cacheable(response):
                return response
            self._add_headers(response, version, key, loaded_at)
            content = getattr(response, "prepared_content", None) if response.streaming else response.content
            if settings.RESPONSE_CACHE_ENABLED and content is not None:
                entry = (response.status_code, list(response.items()), content, response.streaming)
                _safe(cache.set, key, entry, settings.RESPONSE_CACHE_TIMEOUT)
            response["X-Cache"] = "MISS"

        conditional = get_conditional_response(
            request, etag=response["ETag"], last_modified=loaded_at or None, response=response
        )
        if conditional is not response:
            # An unread stream is dropped, as Django's ConditionalGetMiddleware drops it: closing it here would
            # send request_finished before the request is over (and close the database connection in use).
            conditional["X-Cache"] = response["X-Cache"]
            return conditional
        if request.method == "HEAD" and not response.streaming:
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return response

    def _prepared(self, request, version, canonical):
        """The response prepared when the plan was loaded, as the view below would answer it; None if there is
        none (or the database cannot say: the view answers), or if the view's throttle refuses the request."""
        try:
            prepared = lookup(request, version, canonical)
        except DatabaseError:
            return None
        if prepared is None or throttled(request, canonical):
            return None
        return _rebuild((200, *prepared))

    def _add_headers(self, response, version, key, loaded_at):
        digest = hashlib.sha256(version.encode())
        digest.update(key.encode() if response.streaming else response.content)
        response["ETag"] = f'"{digest.hexdigest()[:40]}"'
        if loaded_at:
            response["Last-Modified"] = http_date(loaded_at)
        if "Cache-Control" not in response:
            patch_cache_control(response, public=True, max_age=settings.HTTP_CACHE_MAX_AGE)
        # The representation is negotiated on Accept (and ?format=); tell shared caches, as this cache keys on it.
        patch_vary_headers(response, ["Accept"])


def _cacheable(response):
    if (
        response.cookies
        or "no-store" in response.get("Cache-Control", "")
        or "private" in response.get("Cache-Control", "")
    ):
        return False
    vary = {name.strip().lower() for name in response.get("Vary", "").split(",") if name.strip()}
    return vary <= VARY_ALLOWED


def _rebuild(entry):
    """The response an entry holds: (status, headers, content, streamed). A streamed one (a prepared export) is
    streamed again, so that its headers and ETag are those of the view's stream."""
    status, headers, content, streamed = entry
    if streamed:
        response = StreamingHttpResponse([content], status=status)
        response.prepared_content = content
    else:
        response = HttpResponse(content, status=status)
    if not any(name.lower() == "content-type" for name, _ in headers):
        del response["Content-Type"]  # not Django's text/html default: the stored response had none
    for name, value in headers:
        response[name] = value
    return response


def _safe(method, *args):
    """A cache call that degrades to a miss when the cache (Redis) is away, instead of failing the request."""
    try:
        return method(*args)
    except Exception:  # a cache backend may raise anything from its client library
        logger.warning("cache unavailable for %s", method.__name__, exc_info=True)
        return None
