"""Identical data and code give identical bytes, whichever process answers and whenever: so every worker of a
deploy gives a response the same strong ETag, and a client's conditional request gets its 304 from any of them.
"""

import hashlib
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import time_machine
from django.core.cache import cache
from django.db import connection

from plan_api import response_cache
from tests.conftest import PLAN

BASE_DIR = Path(__file__).resolve().parent.parent
URLS = [
    "/api/v1/",
    "/api/v1/?format=csv",
    "/api/v1/plans/",
    f"/api/v1/plans/{PLAN}/",
    f"/api/v1/plans/{PLAN}/articles/?page=2&page_size=5",
    f"/api/v1/plans/{PLAN}/articles/7/",
    f"/api/v1/plans/{PLAN}/articles/13/?script=zh-Hant-TW",
    f"/api/v1/plans/{PLAN}/chapters/3/",
    f"/api/v1/plans/{PLAN}/goals/?format=csv",
    f"/api/v1/plans/{PLAN}/principles/",
    f"/api/v1/plans/{PLAN}/initiatives/lu-ban-gong-fang/",
    f"/api/v1/plans/{PLAN}/source",
    f"/api/v1/plans/{PLAN}/articles/?format=csv",
    f"/api/v1/plans/{PLAN}/initiatives/?format=ndjson",
    f"/api/v1/plans/{PLAN}/terms/?top=20",
    f"/api/v1/plans/{PLAN}/terms/{quote('高質量發展')}/",
    f"/api/v1/search/?q={quote('京津冀')}&page_size=3",
    f"/api/v1/search/?q={quote('京津冀')}&format=csv",
    f"/api/v1/search/?q={quote('港 OR 碳达峰')}&format=ndjson&script=zh-Hans",
    f"/api/v1/plans/{PLAN}/articles/?q={quote('科创')}",
    f"/api/v1/plans/{PLAN}/terms/?format=csv&chapter=3",
    f"/api/v1/plans/{PLAN}/datapackage.zip",
    f"/api/v1/plans/{PLAN}/datapackage.zip?script=zh-Hans",
    "/api/v1/schema/",
    "/api/v1/schema/?format=json",
    "/api/v1/docs/",
]

# What another worker does: a fresh process (its own hash seed, its own caches) answering the same URLs.
WORKER = """
import hashlib, json, sys
import django
django.setup()
from django.test import Client
client = Client()
answers = {}
for url in json.loads(sys.argv[1]):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    answers[url] = [response.status_code, response["Content-Type"], response.get("ETag"), hashlib.sha256(body).hexdigest()]
print(json.dumps(answers))
"""


def answer(api, url, **headers):
    response = api.get(url, **headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return [response.status_code, response.get("Content-Type"), response.get("ETag"), hashlib.sha256(body).hexdigest()]


def this_database_url():
    """The test database this process uses, as a DATABASE_URL another process can connect to."""
    connection.ensure_connection()
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host = quote(str(db["HOST"]), safe="")
    return f"postgresql://{db['USER']}{password}@{host}:{db['PORT']}/{db['NAME']}"


def another_worker(urls):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "plan_api.settings",
        "DATABASE_URL": this_database_url(),
        "PYTHONHASHSEED": "12345",  # sets and dicts of str iterate in another order than here
        "THROTTLE_ANON_RATE": "off",
    }
    result = subprocess.run(
        [sys.executable, "-c", WORKER, json.dumps(urls)],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def fresh_process_state():
    """Forget what this process cached, as a worker that has not served these URLs yet."""
    cache.clear()
    response_cache.forget_everything()


def test_another_process_serves_identical_bytes_under_the_same_etag_and_honours_its_etags(api):
    here = {url: answer(api, url) for url in URLS}
    assert {url: status for url, (status, *_) in here.items()} == dict.fromkeys(URLS, 200)

    there = another_worker(URLS)

    assert there == here
    # A client that got its copy from the other worker revalidates here without a body.
    fresh_process_state()
    for url in URLS:
        response = api.get(url, HTTP_IF_NONE_MATCH=there[url][2])
        assert (url, response.status_code) == (url, 304)


def test_the_data_package_is_the_same_bytes_after_the_clock_moved(api):
    url = f"/api/v1/plans/{PLAN}/datapackage.zip"
    before = api.get(url)
    with time_machine.travel(timedelta(days=3), tick=True):
        fresh_process_state()
        after = api.get(url)
        assert after["X-Cache"] == "MISS"  # built again, not served from the cache
        assert after.content == before.content
        assert after["ETag"] == before["ETag"]
        fresh_process_state()
        assert api.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
