# plan-api: everything a newcomer needs is python3 and make.
PYTHON3 ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install fixtures db serve test clean

$(VENV)/.installed: requirements.txt
	$(PYTHON3) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

install: $(VENV)/.installed

# Regenerate fixtures/<plan>/generated/plan.json from the source texts and curated inputs.
fixtures: install
	$(PY) manage.py build_fixtures

# Migrate and load every plan (idempotent: an unchanged plan is left as it is).
db: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_plan

serve: db
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest

clean:
	rm -rf $(VENV) .pgdata .run .pytest_cache
