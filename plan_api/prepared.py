"""Responses prepared when a plan is loaded, served in place of running the view.

A plan's data changes only when the ingest pipeline loads it, so the responses that readers and scripts ask for
most — every object's detail, every collection's pages and exports, the lists a facet selects — are rendered
then (ingest/prepare.py), each by the view itself through the whole middleware stack, and stored here with the
request's origin left as a placeholder. A request for one of them costs one primary-key read and a byte
replacement instead of the view's queries, serializers and renderers; the bytes are the view's own, so a
prepared response and a computed one are identical, headers and ETag included (tests/test_prepared_responses.py
compares every one).

A prepared response is keyed like the response cache (plan_api.response_cache): the code release, the
dataset version the path depends on, the path and the request in canonical form (plan_api.canonical), but not
the scheme and host, which are applied per request. The loader deletes a plan's prepared responses and makes
them again in the transaction that changes the plan; a key made by another release or for another version is
never read. The throttle still counts a request answered this way (its view's throttle classes); a request
it refuses goes on to the view, which answers 429.

PREPARED_RESPONSES=false turns both the preparing and the serving off.
"""

import functools
import hashlib
import io
import json
import re

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.db import connections

from plan_api import release
from plan_api.db_router import PRIMARY, read_alias

# The origin the responses are rendered for: replaced by the request's own. `.invalid` is reserved (RFC 6761),
# so it occurs in no real response; https, so that a production server's SSL redirect leaves it alone.
PLACEHOLDER_HOST = "prepared.plan-api.invalid"
PLACEHOLDER_ORIGIN = f"https://{PLACEHOLDER_HOST}"
_PLACEHOLDER_BYTES = PLACEHOLDER_ORIGIN.encode("ascii")

_LOOKUP = "SELECT headers, body, streamed FROM plan_api_preparedresponse WHERE key = %s"


def prepared_key(version, path, canonical):
    """The key of a prepared response: the response cache's key without the scheme and host."""
    parts = [release.release(), version, path, *canonical.parts()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def lookup(request, version, canonical):
    """(headers, body, streamed) of the prepared response for this request, with its origin, or None."""
    if not settings.PREPARED_RESPONSES or not _paths().match(request.path):
        return None
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(_LOOKUP, [prepared_key(version, request.path, canonical)])
        row = cursor.fetchone()
    if row is None:
        return None
    headers, body, streamed = row
    origin = f"{request.scheme}://{request.get_host()}"
    body = bytes(body).replace(_PLACEHOLDER_BYTES, origin.encode("ascii"))
    headers = [
        (name, str(len(body)) if name == "Content-Length" else value.replace(PLACEHOLDER_ORIGIN, origin))
        for name, value in json.loads(headers)
    ]
    return headers, body, streamed


@functools.cache
def _paths():
    return re.compile(settings.PREPARED_RESPONSE_PATHS)


def throttled(request, canonical):
    """Whether one of the view's throttles refuses this request (then the view answers, with its 429)."""
    return any(not throttle().allow_request(request, None) for throttle in canonical.throttles)


class PreparingRequest(WSGIRequest):
    """A GET made by the loader: for the placeholder origin, read from the primary (it must see the loader's
    transaction), and answered by the view even when a response is cached or prepared."""

    preparing = True
    read_alias = PRIMARY

    def __init__(self, path, query="", accept_language=None):
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": PLACEHOLDER_HOST,
            "SERVER_PORT": "443",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "https",
            "wsgi.input": io.BytesIO(b""),
        }
        if accept_language:
            environ["HTTP_ACCEPT_LANGUAGE"] = accept_language
        super().__init__(environ)
        self.captured = None

    def get_host(self):
        return PLACEHOLDER_HOST  # whatever ALLOWED_HOSTS says: it never leaves this process

    def capture(self, response):
        """Keep the view's response as the response cache would store it (called by its middleware)."""
        body = b"".join(response.streaming_content) if response.streaming else response.content
        self.captured = (list(response.items()), body, response.streaming)
