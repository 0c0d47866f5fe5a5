"""The shape of every error: RFC 9457 problem details, served as application/problem+json.

{"type": "about:blank", "title": "Not Found", "status": 404, "detail": "No article 99 in plan …",
 "errors": {"page_size": ["must be a whole number from 1 to 100, not 'x'"]}}   # field errors, when any

Free of Django, so that what answers below Django (gunicorn's worker, plan_api/gunicorn_worker.py) writes the
same shape as the views and middleware (plan_api/exceptions.py).
"""

import json
from http import HTTPStatus

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_body(status, detail, *, errors=None):
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return body


def problem_json(status, detail, *, errors=None):
    """The body as bytes, written as DRF writes JSON (UTF-8, no spaces)."""
    return json.dumps(problem_body(status, detail, errors=errors), ensure_ascii=False, separators=(",", ":")).encode()
