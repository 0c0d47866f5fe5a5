"""Throttling: who a client is, where its requests are counted, and the limits of `make serve` and production."""

import runpy
import secrets
from pathlib import Path

from tests.conftest import PLAN

BASE_DIR = Path(__file__).resolve().parent.parent


def _settings_of(module, monkeypatch, **env):
    """The settings a freshly started process gets from plan_api/<module>.py with this environment."""
    monkeypatch.delenv("THROTTLE_ANON_RATE", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_DIR / "plan_api" / f"{module}.py"))


def _walk_every_article_and_initiative(api):
    """What a journalist's script does: list the articles and initiatives, then fetch each one. 174 requests."""
    statuses = []
    for collection in ("articles", "initiatives"):
        page = f"/api/v1/plans/{PLAN}/{collection}/?page_size=100"
        while page:
            response = api.get(page)
            statuses.append(response.status_code)
            if response.status_code != 200:
                break
            body = response.json()
            for item in body["results"]:
                statuses.append(api.get(item["url"]).status_code)
            page = body["next"]
    return statuses


def test_make_serve_lets_a_script_walk_every_article_and_initiative(api, settings, monkeypatch):
    development = _settings_of("settings", monkeypatch)
    assert development["REST_FRAMEWORK"]["DEFAULT_THROTTLE_RATES"] == {"anon": "off"}
    settings.REST_FRAMEWORK = development["REST_FRAMEWORK"]

    statuses = _walk_every_article_and_initiative(api)

    assert len(statuses) == 1 + 52 + 2 + 119
    assert set(statuses) == {200}


def test_production_keeps_its_limit_of_120_requests_a_minute(api, settings, monkeypatch):
    production = _settings_of("settings_production", monkeypatch, SECRET_KEY=secrets.token_urlsafe(50))
    assert production["REST_FRAMEWORK"]["DEFAULT_THROTTLE_RATES"] == {"anon": "120/minute"}
    settings.REST_FRAMEWORK = production["REST_FRAMEWORK"]

    statuses = _walk_every_article_and_initiative(api)

    # The walk takes seconds, in which a client earns back two requests a second.
    assert 120 <= statuses.count(200) < 140
    assert statuses[-1] == 429
