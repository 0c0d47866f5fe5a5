"""Errors answered outside Django's views: by gunicorn (a real one, on a loopback port, sent raw bytes), by
WhiteNoise, and the limits on a request's size, which must agree from gunicorn to the search's `q`.

Every one is problem+json with the right status, like every error of the API.
"""

import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings

from plan_api import limits
from tests import live
from tests.conftest import PLAN

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), live.development_server() as base:
        yield base


def send_raw(base, request):
    """Send `request` as bytes on a fresh connection; return (status, headers, body) of the answer."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    received = bytearray()
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        try:
            sock.sendall(request)
        except OSError:
            pass  # the server may answer and close before it has read everything
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
    head, _, body = bytes(received).partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), {name.lower(): value for name, value in headers.items()}, body


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def assert_problem(status, content_type, body, expected):
    assert (status, content_type) == (expected, PROBLEM)
    problem = json.loads(body)
    assert problem["status"] == expected
    assert problem["type"] == "about:blank"
    assert problem["title"] and problem["detail"]
    return problem


def request(target=b"/api/v1/", *, version=b"HTTP/1.1", method=b"GET", headers=b""):
    return method + b" " + target + b" " + version + b"\r\nHost: 127.0.0.1\r\n" + headers + b"\r\n"


# What a client can send that gunicorn refuses before Django sees it, and the status it must get.
MALFORMED = {
    "a request line over the limit": (request(b"/api/v1/?q=" + b"x" * limits.REQUEST_LINE), 414),
    "a header field over the limit": (request(headers=b"X-Long: " + b"x" * limits.REQUEST_FIELD_SIZE + b"\r\n"), 431),
    "too many header fields": (
        request(headers=b"".join(b"X-N%d: 1\r\n" % n for n in range(limits.REQUEST_FIELDS))),
        431,
    ),
    "a malformed request line": (b"GARBAGE\r\n\r\n", 400),
    "a bad HTTP version": (request(version=b"HTTP/9.9"), 400),
    "a method in lower case": (request(method=b"get"), 400),
    "a header without a colon": (request(headers=b"No colon here\r\n"), 400),
    "a header name with a space": (request(headers=b"Bad Name: x\r\n"), 400),
    "a folded header": (request(headers=b"X-A: 1\r\n folded\r\n"), 400),
    "a NUL byte in the path": (request(b"/api/v1/\x00"), 400),
    "a malformed Content-Length": (request(headers=b"Content-Length: many\r\n"), 400),
    "an unknown expectation": (request(headers=b"Expect: 200-ok\r\n"), 417),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_a_request_gunicorn_refuses_is_answered_as_problem_json(server, name):
    raw, expected = MALFORMED[name]
    status, headers, body = send_raw(server, raw)
    assert_problem(status, headers.get("content-type"), body, expected)
    assert int(headers["content-length"]) == len(body)
    assert headers["connection"] == "close"


def test_gunicorns_problems_say_which_limit_was_passed(server):
    _, _, body = send_raw(server, MALFORMED["a request line over the limit"][0])
    assert json.loads(body) == {
        "type": "about:blank",
        "title": "Request-URI Too Long",
        "status": 414,
        "detail": "The request line (method, path and query string) is longer than the 8190 bytes this server reads.",
    }
    _, _, body = send_raw(server, MALFORMED["too many header fields"][0])
    assert json.loads(body)["detail"] == (
        "The request's header fields are too large: at most 100 fields of at most 8190 bytes each are read."
    )
    _, _, body = send_raw(server, MALFORMED["a bad HTTP version"][0])
    assert json.loads(body)["detail"] == "The request could not be read: Invalid HTTP Version: (9, 9)"


# The longest searches a client may send: `q` of the documented maximum (200 characters, each 9 bytes once
# percent-encoded) with the other parameters of /search/, and of a plan's articles, at their longest.
LONGEST_Q = ("京津冀協同發展" * 29)[:200]
LONGEST_SEARCHES = {
    "/api/v1/search/": {
        "q": LONGEST_Q,
        "type": ["article", "chapter", "goal", "principle", "initiative"],
        "plan": PLAN,
        "page": 1,
        "page_size": 100,
        "script": "zh-Hant-TW",
        "format": "json",
    },
    f"/api/v1/plans/{PLAN}/articles/": {
        "q": LONGEST_Q,
        "chapter": 11,
        "number_min": 1,
        "number_max": 52,
        "initiative": "zdly-zdhy-cheng-xiang-ji-ceng-he-zhong-xiao-wei-qi-ye-jiu-ye-zhi-chi-ji-hua",  # the longest slug
        "ordering": "-number,title",
        "page": 1,
        "page_size": 100,
        "script": "zh-Hant-TW",
        "format": "json",
    },
}


@pytest.mark.parametrize("path", LONGEST_SEARCHES)
def test_a_search_of_the_longest_query_is_answered_by_the_view(server, path):
    query = urllib.parse.urlencode(LONGEST_SEARCHES[path], doseq=True)
    assert len(LONGEST_Q) == 200 and len(query) > 9 * 200
    status, headers, body = get(f"{server}{path}?{query}")
    assert (status, headers["Content-Type"]) == (200, "application/json")
    # The phrase typed 29 times without spaces is read as its words close together, each looked for once, and
    # answered as quickly as the phrase typed once.
    once = urllib.parse.urlencode({**LONGEST_SEARCHES[path], "q": "京津冀協同發展"}, doseq=True)
    assert json.loads(body)["count"] == json.loads(get(f"{server}{path}?{once}")[2])["count"]


def test_a_search_one_character_too_long_is_a_400_naming_q(server):
    query = urllib.parse.urlencode({**LONGEST_SEARCHES["/api/v1/search/"], "q": LONGEST_Q + "京"}, doseq=True)
    status, headers, body = get(f"{server}/api/v1/search/?{query}")
    problem = assert_problem(status, headers["Content-Type"], body, 400)
    assert problem["errors"] == {"q": ["is 201 characters long; at most 200 are allowed"]}


def test_a_query_string_over_the_limit_is_djangos_414_not_gunicorns(server):
    query = "&".join(f"p{n}={'x' * 100}" for n in range(settings.MAX_QUERY_STRING_LENGTH // 100))
    assert settings.MAX_QUERY_STRING_LENGTH < len(query) < limits.REQUEST_LINE - limits.METHOD_PATH_AND_VERSION
    status, headers, body = get(f"{server}/api/v1/plans/?{query}")
    problem = assert_problem(status, headers["Content-Type"], body, 414)
    assert problem["detail"] == f"The query string is {len(query)} bytes long; at most 4096 are accepted."


def test_the_query_limits_agree_with_each_other_and_with_gunicorn():
    assert limits.query_limits_problem(settings.MAX_QUERY_STRING_LENGTH, settings.MAX_QUERY_VALUE_LENGTH) is None
    assert settings.MAX_QUERY_STRING_LENGTH >= 9 * settings.MAX_QUERY_VALUE_LENGTH + limits.OTHER_PARAMETERS
    assert limits.query_limits_problem(2000, 200) == (
        "MAX_QUERY_STRING_LENGTH must be at least 2824 bytes, so that a value of MAX_QUERY_VALUE_LENGTH (200) "
        "Chinese characters, percent-encoded, fits with the other parameters; it is 2000"
    )
    assert "must be at most 7166 bytes" in limits.query_limits_problem(8000, 200)


def test_query_limits_that_disagree_stop_the_start_naming_the_variable():
    env = {**os.environ, "MAX_QUERY_STRING_LENGTH": "2000"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=live.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: MAX_QUERY_STRING_LENGTH must be at least 2824 bytes" in result.stderr


STATIC_FILE = "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css"


def _response_problem(response, expected):
    return assert_problem(response.status_code, response["Content-Type"], response.content, expected)


def test_a_static_file_read_with_another_method_is_405_problem_json(api):
    for method in (api.post, api.put, api.delete, api.options):
        response = method(STATIC_FILE)
        problem = _response_problem(response, 405)
        assert response["Allow"] == "GET, HEAD"
    assert problem["detail"] == "Method 'OPTIONS' not allowed: static files are read with GET or HEAD."


def test_a_range_beyond_a_static_file_is_416_problem_json(api):
    size = len(b"".join(api.get(STATIC_FILE).streaming_content))
    response = api.get(STATIC_FILE, HTTP_RANGE=f"bytes={size + 10}-")
    problem = _response_problem(response, 416)
    assert response["Content-Range"] == f"bytes */{size}"
    assert problem["detail"] == f"The range 'bytes={size + 10}-' is not within the file."


def test_static_files_are_still_served_ranged_and_revalidated(api):
    whole = api.get(STATIC_FILE)
    assert whole.status_code == 200
    assert whole["Content-Type"].startswith("text/css")
    body = b"".join(whole.streaming_content)
    part = api.get(STATIC_FILE, HTTP_RANGE="bytes=0-9")
    assert (part.status_code, b"".join(part.streaming_content)) == (206, body[:10])
    assert api.get(STATIC_FILE, HTTP_IF_NONE_MATCH=whole["ETag"]).status_code == 304
