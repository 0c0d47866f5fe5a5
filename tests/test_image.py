"""The Docker image, read rather than built (Docker does not run on the machines that run this suite).

What can be checked without building it is checked: the image installs the runtime requirements only, runs
as an unprivileged user created for it, starts gunicorn with the same settings file as `make prod`, and
docker-compose.yml runs it without overriding any of that, on a read-only disk.
"""

import re
from pathlib import Path

import yaml

BASE_DIR = Path(__file__).resolve().parent.parent


def instructions():
    """The Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined, comments dropped."""
    text = (BASE_DIR / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    return [tuple(line.strip().split(None, 1)) for line in joined.splitlines() if line.strip()]


def requirement_names(path):
    names = set()
    for line in (BASE_DIR / path).read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            names.add(re.split(r"[\[=<>~! ]", line)[0].lower())
    return names


def test_the_image_installs_only_the_runtime_requirements():
    installs = [args for keyword, args in instructions() if keyword == "RUN" and "pip install" in args]
    assert installs == ["pip install --no-cache-dir -r requirements.txt"]
    assert not any("requirements-test" in args for _, args in instructions())
    ignored = (BASE_DIR / ".dockerignore").read_text().splitlines()
    assert "requirements-test.txt" in ignored and "tests/" in ignored  # not even in the build context
    # The runtime set holds nothing that only the tests need.
    test_only = requirement_names("requirements-test.txt")
    assert test_only and not test_only & requirement_names("requirements.txt")
    assert "-r requirements.txt" in (BASE_DIR / "requirements-test.txt").read_text()


def test_the_image_runs_as_an_unprivileged_user_it_creates():
    steps = instructions()
    users = [args for keyword, args in steps if keyword == "USER"]
    assert users, "no USER: the image would run as root"
    uid, _, gid = users[-1].partition(":")
    assert uid not in ("root", "0") and gid not in ("root", "0")
    created = " ".join(args for keyword, args in steps if keyword == "RUN")
    assert re.search(rf"useradd .*--uid {uid}\b", created) and re.search(rf"groupadd .*--gid {gid}\b", created)
    # Everything the image copies or builds happens before the switch, as root: the user can read it, not change it.
    last_user = max(i for i, (keyword, _) in enumerate(steps) if keyword == "USER")
    assert all(keyword not in ("RUN", "COPY", "ADD") for keyword, _ in steps[last_user:])
    assert not any("--chown" in args for _, args in steps)


def test_the_image_and_compose_run_gunicorn_with_the_settings_of_make_prod():
    steps = dict(instructions())
    assert steps["CMD"] == '["gunicorn"]'  # reads gunicorn.conf.py from WORKDIR, as `make prod` does
    assert steps["WORKDIR"] == "/app"
    assert (BASE_DIR / "gunicorn.conf.py").exists()
    assert "exec $(VENV)/bin/gunicorn'" in (BASE_DIR / "Makefile").read_text()  # make prod: no options either
    assert any(
        "DJANGO_SETTINGS_MODULE=plan_api.settings_production" in args
        for keyword, args in instructions()
        if keyword == "ENV"
    )

    web = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())["services"]["web"]
    assert web["build"] == "."
    assert "command" not in web and "entrypoint" not in web and "user" not in web
    assert web["environment"]["DJANGO_SETTINGS_MODULE"] == "plan_api.settings_production"
    assert web["read_only"] is True and web["tmpfs"] == ["/tmp"]
