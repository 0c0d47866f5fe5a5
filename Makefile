# plan-api: everything a newcomer needs is python3 and make.
PYTHON3 ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install fixtures db serve prod test lint fuzz bench screenshots clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON3) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# The test runner and the checks, on top of the runtime requirements.
$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

install: $(VENV)/.installed

# Regenerate fixtures/<plan>/generated/plan.json from the source texts and curated inputs.
fixtures: install
	$(PY) manage.py build_fixtures

# Migrate and load every plan (idempotent: an unchanged plan is left as it is).
db: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_plan

# One process, without the autoreloader: its parent would SIGKILL the server process on exit, leaving the
# embedded database a stale handle (recovered on the next start, but untidy). Developers who want reloading
# run `.venv/bin/python manage.py runserver` themselves.
serve: db
	$(PY) manage.py runserver --noreload $(HOST):$(PORT)

# Production serving: gunicorn (gunicorn.conf.py) with plan_api.settings_production, static files through
# WhiteNoise. Everything comes from the environment (README, "Deploying"); without SECRET_KEY a random one is
# made for this run only.
prod: db
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-plan_api.settings_production} \
	SECRET_KEY="$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
	sh -c '$(PY) manage.py collectstatic --noinput -v0 && HOST=$(HOST) PORT=$(PORT) exec $(VENV)/bin/gunicorn'

# The layering contract (import-linter, pyproject.toml), the linter and formatter (ruff), then the suite.
test: $(VENV)/.installed-test
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest

# Rewrite the code in ruff's format and apply its safe fixes (make test only checks).
lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# A longer schemathesis run than the suite's, over every operation of /api/v1/schema/.
fuzz: $(VENV)/.installed-test
	FUZZ_MAX_EXAMPLES=$${FUZZ_MAX_EXAMPLES:-200} $(PY) -m pytest -p no:cacheprovider tests/test_schema_fuzz.py

# The README's screenshots of the reading site, taken by the browser tests (Chromium at /usr/bin/chromium and a
# CJK font, e.g. apt-get install chromium fonts-wqy-microhei) and copied into docs/screenshots/.
SCREENSHOTS := page-index-1280 search-1280 article-1280 initiative-1280 plan-1280 search-375 article-375 not-found-375
screenshots: $(VENV)/.installed-test
	@fc-list :lang=zh | grep -q . || { echo "no Chinese font: apt-get install fonts-wqy-microhei"; exit 1; }
	REQUIRE_BROWSER=1 SCREENSHOT_DIR=.run/screenshots $(PY) -m pytest -q -p no:cacheprovider tests/browser
	mkdir -p docs/screenshots
	for name in $(SCREENSHOTS); do cp .run/screenshots/$$name.png docs/screenshots/; done

# plan-api (cache off and on) against Datasette and nginx under wrk, issue 12's table (bench/compare.py --help);
# options through BENCH_ARGS, e.g. make bench BENCH_ARGS="--duration 3 --warmup 1 --repeat 1".
bench: install
	$(PY) bench/compare.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pgdata .run .pytest_cache
