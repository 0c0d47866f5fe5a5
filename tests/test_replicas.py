"""Read replicas: every read of one request goes to one database, the response cache's version read included.

Two real databases stand in for two replicas: copies of the test database, each made recognisable (every
article title, initiative name and the plan's title start with 【replica1】 or 【replica2】, and the plan's
version differs), as replicas at different points of a plan's reload would be. They are configured the way
an operator does it, through DATABASE_REPLICA_URLS.
"""

import itertools
import runpy
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.core.cache import cache
from django.db import connections
from django.test.utils import CaptureQueriesContext

from plan_api import response_cache
from search.selectors import forget_corpora
from tests.conftest import PLAN
from tests.live import libpq_arguments

BASE_DIR = Path(__file__).resolve().parent.parent
REPLICAS = ("replica1", "replica2")


@pytest.fixture(scope="module", autouse=True)
def replicas(django_db_blocker):
    """This process reads through DATABASE_REPLICA_URLS naming two copies of the test database whose data differ,
    as a server started with it would."""
    with django_db_blocker.unblock():
        connections["default"].ensure_connection()
        database = dict(connections["default"].settings_dict)
        connections.close_all()  # a database is copied only while no one is connected to it
    names = {alias: f"{database['NAME']}_{alias}" for alias in REPLICAS}
    with psycopg.connect(**libpq_arguments(database, "postgres")) as admin:
        # A server another test left running in this process (the browser tests' live server lasts the session)
        # may still hold idle sessions on the test database, and a database is copied only while no one is on it.
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database["NAME"]],
        )
        for name in names.values():
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{database["NAME"]}"')
    for alias, name in names.items():
        with psycopg.connect(**libpq_arguments(database, name)) as replica:
            marker = f"【{alias}】"
            replica.execute("UPDATE articles_plan SET title = %s || title, version = %s", [marker, alias * 8])
            replica.execute("UPDATE articles_article SET title = %s || title", [marker])
            replica.execute("UPDATE indicators_initiative SET name = %s || name", [marker])
    host = quote(database["HOST"] or "localhost", safe="")
    credentials = database["USER"] + (f":{quote(database['PASSWORD'])}" if database["PASSWORD"] else "")
    urls = ",".join(f"postgresql://{credentials}@{host}:{database['PORT'] or 5432}/{name}" for name in names.values())
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DATABASE_REPLICA_URLS", urls)
        configured = runpy.run_path(str(BASE_DIR / "plan_api" / "settings.py"))["DATABASES"]
    assert [alias for alias in configured if alias != "default"] == list(REPLICAS)
    for alias in REPLICAS:
        connections.settings[alias] = configured[alias]
    connections.configure_settings(connections.settings)  # Django's defaults for the new aliases
    yield
    for alias in REPLICAS:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]
    with psycopg.connect(**libpq_arguments(database, "postgres")) as admin:
        # Only the copies go; the sessions on the test database itself (this process's own among them, which the
        # tests that follow go on using) are left alone.
        for name in names.values():
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _marker(text):
    return text[1 : text.index("】")]


def _read_from(get):
    """(the response of get(), the aliases of the databases it read), every cache emptied first so that the request
    reads the plans' versions, lexicon and rankings too, not only what its view reads."""
    cache.clear()
    response_cache.forget_everything()
    forget_corpora()
    captured = {alias: CaptureQueriesContext(connections[alias]) for alias in ("default", *REPLICAS)}
    for context in captured.values():
        context.__enter__()
    try:
        response = get()
    finally:
        for context in captured.values():
            context.__exit__(None, None, None)
    return response, {alias for alias, context in captured.items() if len(context)}


pytestmark = pytest.mark.django_db(databases=["default", *REPLICAS])


def test_every_query_of_a_request_goes_to_one_replica(api):
    used = set()
    for number in range(7, 27):
        response, read_from = _read_from(lambda n=number: api.get(f"/api/v1/plans/{PLAN}/articles/{n}/"))
        article = response.json()
        assert len(read_from) == 1 and read_from <= set(REPLICAS), (number, read_from)
        alias = read_from.pop()
        used.add(alias)
        # What the response shows came from that replica alone.
        assert {_marker(article["title"])} | {_marker(i["name"]) for i in article["initiatives"]} == {alias}
    assert used == set(REPLICAS)  # 20 requests, each replica chosen at random: both were used


@pytest.mark.parametrize(
    "q",
    [
        "推进",  # a common word: its precomputed rankings, then the page
        "托育服务",  # words the plan writes apart: the sentences that hold them, then the page
        "京津冀 -交通",  # an exclusion
        "民企",  # an alias
    ],
)
def test_every_query_of_a_search_goes_to_one_replica(api, q):
    for _ in range(4):
        response, read_from = _read_from(lambda: api.get("/api/v1/search/", {"q": q}))
        assert response.status_code == 200 and response.json()["count"] > 0
        assert len(read_from) == 1 and read_from <= set(REPLICAS), (q, read_from)


def test_a_cached_answer_is_only_served_for_the_replica_it_was_read_from(api, monkeypatch):
    # The dice of the replica choice, loaded: requests alternate between the two replicas.
    turns = itertools.cycle(REPLICAS)
    monkeypatch.setattr("plan_api.db_router.random.choice", lambda candidates: next(turns))

    answers = [api.get(f"/api/v1/plans/{PLAN}/") for _ in range(6)]

    assert [(_marker(a.json()["title"]), a.json()["version"]) for a in answers] == [
        (alias, alias * 8) for alias in REPLICAS
    ] * 3
    assert [a["X-Cache"] for a in answers] == ["MISS", "MISS", "HIT", "HIT", "HIT", "HIT"]


def test_outside_a_request_reads_and_writes_go_to_the_primary():
    from articles.models import Plan

    assert Plan.objects.get(slug=PLAN).title.startswith("【") is False
    assert Plan.objects.db == "default"
