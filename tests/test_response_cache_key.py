"""What the response cache keys on: the release, the dataset version, the negotiated representation (media type
and script) and the query parameters the view recognises, in canonical form; and how much memory it may hold.

Equal keys must mean equal bytes, and what the key leaves out must not change the body: the tests below compare
bodies computed with the cache off as well as what the cache serves.
"""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from plan_api import release, response_cache
from tests.conftest import PLAN

ARTICLES = f"/api/v1/plans/{PLAN}/articles/"
ARTICLE = f"{ARTICLES}7/"


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- a throwaway parameter ------------------------------------------------------------------------------------


def test_a_throwaway_parameter_on_1000_requests_adds_no_entries_and_the_cache_stays_under_its_bound(api):
    first = api.get(ARTICLES, {"page_size": 5})
    assert first["X-Cache"] == "MISS"
    entries = len(cache._cache)
    for n in range(1000):
        response = api.get(ARTICLES, {"page_size": 5, "utm_source": f"campaign-{n}"})
        assert response.status_code == 200
        assert response["X-Cache"] == "HIT"
        assert response.content == first.content
        assert response["ETag"] == first["ETag"]
    assert len(cache._cache) == entries
    assert 0 < cache.used_bytes <= settings.RESPONSE_CACHE_MAX_BYTES == 64 * 1024 * 1024


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/",
        "/api/v1/plans/",
        f"{ARTICLES}?page=2&page_size=5",
        f"{ARTICLES}?chapter=3&ordering=-number&format=csv",
        f"/api/v1/plans/{PLAN}/initiatives/?kind=fund&format=ndjson",
        f"/api/v1/plans/{PLAN}/terms/?top=5",
        "/api/v1/search/?q=%E4%BA%AC%E6%B4%A5%E5%86%80&page_size=2&page=2",
        f"/api/v1/plans/{PLAN}/datapackage.zip",
        "/api/v1/schema/",
        "/api/v1/docs/",
    ],
)
@override_settings(RESPONSE_CACHE_ENABLED=False)
def test_a_parameter_the_view_does_not_recognise_does_not_change_the_body(api, url):
    separator = "&" if "?" in url else "?"
    plain, with_junk = api.get(url), api.get(f"{url}{separator}utm_source=newsletter&_=1718")
    assert plain.status_code == with_junk.status_code == 200
    assert body(with_junk) == body(plain)
    assert with_junk["ETag"] == plain["ETag"]


def test_pagination_links_carry_the_recognised_parameters_only_in_canonical_order(api):
    response = api.get(ARTICLES, {"page_size": 2, "utm_source": "x", "script": "zh-hans", "chapter": 3})
    assert response.json()["next"] == (f"http://testserver{ARTICLES}?chapter=3&page=2&page_size=2&script=zh-Hans")


def test_a_malformed_throwaway_parameter_is_still_refused_when_the_page_is_cached(api):
    assert api.get(ARTICLE).status_code == 200
    response = api.get(ARTICLE, {"junk": "x" * 201})
    assert response.status_code == 400
    assert response.json()["errors"] == {"junk": ["is 201 characters long; at most 200 are allowed"]}
    assert api.get(ARTICLE, {"format": "xls"}).status_code == 400


# --- equivalent requests share one entry ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "accepts",
    [
        [None, "*/*", "application/json", "application/json;q=0.9", "text/html;q=0.9, */*;q=0.8"],
        ["text/csv", "text/csv;q=1.0", "text/*"],
    ],
)
def test_accept_headers_that_negotiate_the_same_representation_share_one_entry(api, accepts):
    responses = [api.get(ARTICLE, **({"HTTP_ACCEPT": accept} if accept else {})) for accept in accepts]
    assert [r["X-Cache"] for r in responses] == ["MISS"] + ["HIT"] * (len(accepts) - 1)
    assert len({body(r) for r in responses}) == 1
    assert len({r["ETag"] for r in responses}) == 1


@pytest.mark.parametrize(
    ("languages", "script"),
    [
        (["zh-CN", "zh-Hans", "zh-SG, en;q=0.5", "en;q=0.9, zh-hans-cn;q=0.8"], "zh-Hans"),
        ([None, "en", "zh", "zh-Hant", "fr-FR, de;q=0.5"], "zh-Hant"),
        (["zh-TW", "zh-Hant-TW", "zh-tw, zh-CN;q=0.5"], "zh-Hant-TW"),
    ],
)
def test_accept_languages_that_pick_the_same_script_share_one_entry(api, languages, script):
    responses = [api.get(ARTICLE, **({"HTTP_ACCEPT_LANGUAGE": lang} if lang else {})) for lang in languages]
    assert [r["X-Cache"] for r in responses] == ["MISS"] + ["HIT"] * (len(languages) - 1)
    assert {r["Content-Language"] for r in responses} == {script}
    assert len({r.content for r in responses}) == 1


@override_settings(RESPONSE_CACHE_ENABLED=False)
def test_what_the_key_leaves_out_of_accept_and_accept_language_does_not_change_the_body(api):
    accepts = [api.get(ARTICLE, **h) for h in ({}, {"HTTP_ACCEPT": "*/*"}, {"HTTP_ACCEPT": "application/json"})]
    assert len({r.content for r in accepts}) == 1
    languages = [api.get(ARTICLE, HTTP_ACCEPT_LANGUAGE=lang) for lang in ("zh-CN", "zh-SG", "zh-Hans,en;q=0.1")]
    assert len({r.content for r in languages}) == 1


def test_parameters_in_any_order_or_script_spelling_share_one_entry_and_bytes(api):
    urls = [
        f"{ARTICLES}?chapter=3&ordering=-number&page_size=2&script=zh-Hans",
        f"{ARTICLES}?page_size=2&script=zh-hans&chapter=3&ordering=-number",
        f"{ARTICLES}?script=zh_Hans&ordering=-number&chapter=3&page_size=2&utm_medium=email",
    ]
    responses = [api.get(url) for url in urls]
    assert [r["X-Cache"] for r in responses] == ["MISS", "HIT", "HIT"]
    assert len({r.content for r in responses}) == 1
    assert responses[0].json()["next"].endswith("?chapter=3&ordering=-number&page=2&page_size=2&script=zh-Hans")


def test_parameters_that_change_the_answer_get_their_own_entries(api):
    assert api.get(ARTICLES, {"page_size": 2})["X-Cache"] == "MISS"
    assert api.get(ARTICLES, {"page_size": 3})["X-Cache"] == "MISS"
    # The last of a repeated value is the one used: another order is another request.
    assert api.get(f"{ARTICLES}?page_size=2&page_size=3").json()["results"].__len__() == 3
    assert api.get(f"{ARTICLES}?page_size=3&page_size=2").json()["results"].__len__() == 2
    assert api.get(ARTICLE, HTTP_ACCEPT_LANGUAGE="zh-CN")["X-Cache"] == "MISS"
    assert api.get(ARTICLE, HTTP_ACCEPT="text/csv")["X-Cache"] == "MISS"
    assert api.get(ARTICLE, HTTP_ACCEPT="application/json; indent=4").content.startswith(b'{\n    "url"')


# --- a new release --------------------------------------------------------------------------------------------


@pytest.fixture
def deploy(monkeypatch):
    """Switch the process to another release, as a deploy that shares the cache (Redis) would."""

    def to(name):
        monkeypatch.setenv("RELEASE", name)
        release.release.cache_clear()

    yield to
    release.release.cache_clear()


def test_a_new_release_never_serves_the_old_releases_schema_or_etag(api, deploy, monkeypatch):
    from drf_spectacular.settings import spectacular_settings

    deploy("release-1")
    old = api.get("/api/v1/schema/", {"format": "json"})
    assert old.json()["info"]["title"] == "plan-api"
    deploy("release-2")
    monkeypatch.setattr(spectacular_settings, "TITLE", "plan-api, renamed")  # what the new code says
    new = api.get("/api/v1/schema/", {"format": "json"})
    assert new["X-Cache"] == "MISS"
    assert new.json()["info"]["title"] == "plan-api, renamed"
    assert new["ETag"] != old["ETag"]
    assert api.get("/api/v1/schema/", {"format": "json"}, HTTP_IF_NONE_MATCH=old["ETag"]).status_code == 200


def test_a_new_release_never_serves_the_old_releases_json_shapes(api, deploy, monkeypatch):
    from articles.api.serializers import ErratumSerializer

    deploy("release-1")
    old = api.get(f"/api/v1/plans/{PLAN}/")
    assert "correction" in old.json()["source"]["errata"][0]
    deploy("release-2")
    monkeypatch.setattr(ErratumSerializer.Meta, "fields", ["number", "line", "column", "article", "as_received"])
    new = api.get(f"/api/v1/plans/{PLAN}/")
    assert new["X-Cache"] == "MISS"
    assert "correction" not in new.json()["source"]["errata"][0]
    assert new["ETag"] != old["ETag"]


def test_every_entry_of_the_old_release_is_missed_by_the_new_one(api, deploy):
    urls = ["/api/v1/docs/", "/api/v1/", ARTICLE, f"/api/v1/plans/{PLAN}/datapackage.zip"]
    deploy("release-1")
    assert [api.get(url)["X-Cache"] for url in urls] == ["MISS"] * len(urls)
    deploy("release-2")
    assert [api.get(url)["X-Cache"] for url in urls] == ["MISS"] * len(urls)
    deploy("release-1")  # a rollback finds its own entries again
    assert [api.get(url)["X-Cache"] for url in urls] == ["HIT"] * len(urls)


# --- the byte bound ------------------------------------------------------------------------------------------


def small_cache(max_bytes):
    return override_settings(
        CACHES={
            "default": {
                "BACKEND": "plan_api.memory_cache.ByteBoundedLocMemCache",
                "LOCATION": f"test-small-{max_bytes}",
                "OPTIONS": {"MAX_BYTES": max_bytes},
            }
        }
    )


def test_the_cache_evicts_the_least_recently_used_responses_beyond_its_byte_bound(api):
    with small_cache(60_000):
        from django.core.cache import cache as small

        small.clear()
        response_cache.forget_everything()
        sizes = []
        for number in range(1, 53):
            assert api.get(f"{ARTICLES}{number}/").status_code == 200
            sizes.append(small.used_bytes)
            assert small.used_bytes <= 60_000
        assert max(sizes) > 40_000  # it fills up to its bound …
        assert len(small._cache) < 52  # … and no further
        assert api.get(f"{ARTICLES}52/")["X-Cache"] == "HIT"  # the most recent are kept
        assert api.get(f"{ARTICLES}1/")["X-Cache"] == "MISS"  # the oldest went first
        small.clear()


def test_the_byte_bounded_cache_keeps_what_was_used_last_and_never_an_entry_larger_than_itself():
    from plan_api.memory_cache import ENTRY_OVERHEAD, ByteBoundedLocMemCache

    small = ByteBoundedLocMemCache("test-lru", {"OPTIONS": {"MAX_BYTES": 3 * (ENTRY_OVERHEAD + 1100)}})
    small.clear()
    for name in "abc":
        small.set(name, b"x" * 1000)
    assert small.get("a") == b"x" * 1000  # a is now the most recently used …
    small.set("d", b"x" * 1000)  # … so b, the least recently used, makes room for d
    assert [small.get(name) is not None for name in "abcd"] == [True, False, True, True]
    assert small.used_bytes <= small.max_bytes
    small.set("huge", b"x" * small.max_bytes)
    assert small.get("huge") is None
    assert small.get("a") is not None  # storing nothing evicted nothing
    small.set("count", 1)
    assert small.incr("count", 41) == 42
    before = small.used_bytes
    small.delete("count")
    assert small.used_bytes < before
    small.clear()
    assert small.used_bytes == 0


def test_the_canonical_forms_remembered_are_bounded():
    from django.test import RequestFactory

    from plan_api import canonical

    factory = RequestFactory()
    for n in range(canonical.MEMO_SIZE + 10):
        canonical.canonical_request(factory.get(f"/api/v1/plans/{PLAN}/articles/", {"utm_source": n}))
    assert 0 < len(canonical._memo) <= canonical.MEMO_SIZE
