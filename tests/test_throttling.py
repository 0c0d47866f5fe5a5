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

    # The test runs in one transaction, whose clock stands still: no request is earned back during the walk.
    assert statuses[:120] == [200] * 120
    assert set(statuses[120:]) == {429}


def _rate(settings, rate, num_proxies=None):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": rate}}
    settings.NUM_PROXIES = num_proxies


def _article(api, number, **headers):
    # A different article each time: a cached answer never reaches the throttle.
    return api.get(f"/api/v1/plans/{PLAN}/articles/{number}/", **headers).status_code


def test_a_forged_x_forwarded_for_does_not_make_a_new_client(api, settings):
    _rate(settings, "3/minute")
    statuses = [
        _article(api, n, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}") for n in range(1, 6)
    ]
    assert statuses == [200, 200, 200, 429, 429]


def test_a_forged_x_forwarded_for_does_not_spend_another_clients_quota(api, settings):
    _rate(settings, "3/minute")
    for n in range(1, 6):
        _article(api, n, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert [_article(api, n, REMOTE_ADDR="198.51.100.8") for n in range(6, 10)] == [200, 200, 200, 429]


def test_behind_one_proxy_the_client_is_the_address_the_proxy_appended(api, settings):
    _rate(settings, "2/minute", num_proxies=1)
    proxy = "10.0.0.254"
    # The proxy appends the address it saw; whatever the client wrote before it is not to be trusted.
    first = [_article(api, n, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.5") for n in range(1, 4)]
    other = _article(api, 4, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert first == [200, 200, 429]
    assert other == 200


def test_behind_two_proxies_the_client_is_the_second_address_from_the_right(api, settings):
    _rate(settings, "1/minute", num_proxies=2)
    headers = {"REMOTE_ADDR": "10.0.0.254"}
    assert _article(api, 1, HTTP_X_FORWARDED_FOR="203.0.113.5, 10.0.0.1", **headers) == 200
    assert _article(api, 2, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.5, 10.0.0.2", **headers) == 429
    assert _article(api, 3, HTTP_X_FORWARDED_FOR="203.0.113.6, 10.0.0.1", **headers) == 200


def test_a_short_or_malformed_forwarded_header_counts_the_connection(api, settings):
    _rate(settings, "2/minute", num_proxies=2)
    proxy = {"REMOTE_ADDR": "10.0.0.254"}
    assert _article(api, 1, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy) == 200  # one address for two proxies
    assert _article(api, 2, HTTP_X_FORWARDED_FOR="not-an-address, 10.0.0.1", **proxy) == 200
    assert _article(api, 3, **proxy) == 429  # all three were the proxy's own address


def test_429_says_when_to_come_back(api, settings):
    _rate(settings, "3/minute")
    for n in (1, 2, 3):
        _article(api, n)
    response = api.get(f"/api/v1/plans/{PLAN}/articles/4/")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    # 3 a minute: one more request is allowed 20 s after the last allowed one.
    assert 0 < int(response["Retry-After"]) <= 20
    assert (
        response.json()["detail"] == f"Request was throttled. Expected available in {response['Retry-After']} seconds."
    )
