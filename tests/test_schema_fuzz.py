"""schemathesis over every operation of /api/v1/schema/, in-process through the WSGI application.

All of schemathesis' checks apply: no server errors, responses (status, headers, body) conform to the schema,
status codes are documented, invalid input is rejected. The suite runs a few examples per operation;
`make fuzz` runs FUZZ_MAX_EXAMPLES (200) per operation.
"""

import json
import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import RequestFactory
from drf_spectacular.views import SpectacularAPIView
from hypothesis import HealthCheck, settings

from plan_api.wsgi import application

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "8"))
# The suite's short run is the same on every machine; `make fuzz` explores afresh each time.
DERANDOMIZE = "FUZZ_MAX_EXAMPLES" not in os.environ


def _served_schema():
    """The document /api/v1/schema/ serves, from its view (called directly: collection may not use the database)."""
    request = RequestFactory().get("/api/v1/schema/", {"format": "json"})
    response = SpectacularAPIView.as_view()(request, version="v1")
    response.render()
    return json.loads(response.content)


schema = schemathesis.openapi.from_dict(_served_schema())


@pytest.fixture(autouse=True)
def _in_process(settings):
    """Every generated request reaches the views, inside the test's transaction.

    Like Django's test client, keep the WSGI handler from closing the test's database connection at the
    start and end of each request; and turn throttling off.
    """
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "off"}}
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=DERANDOMIZE,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_conforms_to_the_schema(case):
    case.call_and_validate(app=application)
