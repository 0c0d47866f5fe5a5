import pytest
from django.conf import settings
from rest_framework.test import APIClient

from ingest.pipeline import load_all

PLAN = "tianjin-15th-fyp-proposals"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load every plan under fixtures/ once into the test database, with its prepared responses; each test then
    runs in a transaction. A test that loads a plan again does not prepare its responses (it would take
    seconds) unless it sets PREPARE_ON_LOAD: that plan's responses then come from its views."""
    with django_db_blocker.unblock():
        load_all(settings.PLAN_FIXTURES_DIR)
    settings.PREPARE_ON_LOAD = False


@pytest.fixture(autouse=True)
def _db(db):
    """Every test may read the loaded plans."""


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def plan_url():
    return f"/api/v1/plans/{PLAN}/"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty response cache and throttle history (the cache outlives a test's rollback)."""
    from django.core.cache import cache

    from plan_api import dependencies, response_cache

    cache.clear()
    response_cache.forget_everything()
    dependencies.forget_everything()  # no test inherits another's Redis or database outage
    # The cache middleware reads the plans' versions (one query) at most every DATASET_VERSION_CHECK_SECONDS;
    # read them now, so that the query counts the tests pin are those of the views themselves.
    response_cache.dataset_versions()


@pytest.fixture(autouse=True)
def _no_throttling(settings):
    """Tests make many requests from one client: throttling is off unless a test sets a rate
    (tests/test_limits_and_errors.py does, to test it)."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "off"}}


@pytest.fixture
def computed_by_views(settings):
    """Every request answered by its view, even one whose response was prepared: for tests of a view's own cost."""
    settings.PREPARED_RESPONSES = False
