"""Settings from the environment: each helper parses and checks one variable, and a bad value stops start-up.

A value that cannot be used raises ImproperlyConfigured naming the variable, when the settings module (or
gunicorn.conf.py) is read, so that a typo fails the deploy instead of turning every request into a 500. An unset
or empty variable gives the default. No Django settings are needed to use these (gunicorn.conf.py does).
"""

import os
import re
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from plan_api.rates import parse_rate

TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# A path segment of the admin's address: letters, digits and - . _ ~ (no slashes at either end, no dot segments).
URL_PATH = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9._~-]*(/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*")


def _raw(name):
    value = os.environ.get(name)
    return None if value is None or value.strip() == "" else value.strip()


def envstr(name, default):
    value = _raw(name)
    return default if value is None else value


def envbool(name, default):
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name, default, *, minimum=None, maximum=None):
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        bounds = f"from {minimum} to {maximum}" if maximum is not None else f"at least {minimum}"
        raise ImproperlyConfigured(f"{name} must be a whole number {bounds}, not {value!r}")
    return number


def envlist(name, default):
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def envrate(name, default):
    """A request rate, "120/minute" (second, minute, hour or day), or "off"; returned as written, once checked."""
    value = _raw(name)
    if value is None:
        return default
    try:
        parse_rate(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} {error}") from None
    return value


def envloglevel(name, default):
    value = envstr(name, default).upper()
    if value not in LOG_LEVELS:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(LOG_LEVELS)}, not {os.environ[name]!r}")
    return value


def envurlpath(name):
    """A relative URL path such as "staff-3f9c" or "ops/admin", without slashes at either end; "" when unset."""
    value = (_raw(name) or "").strip("/")
    if value and not URL_PATH.fullmatch(value):
        raise ImproperlyConfigured(
            f"{name} must be a URL path of letters, digits and - . _ ~ separated by slashes, not {os.environ[name]!r}"
        )
    return value


def envdatabase(name, value=None, **options):
    """The Django DATABASES entry for a PostgreSQL URL (dj-database-url), or ImproperlyConfigured naming `name`."""
    url = _raw(name) if value is None else value
    try:
        database = dj_database_url.parse(url, **options)
    except (ValueError, dj_database_url.ParseError) as error:  # an unknown scheme, a port that is not a number
        raise ImproperlyConfigured(f"{name} is not a database URL ({error}): {_without_password(url)!r}") from None
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            f"{name} must name a PostgreSQL database (postgresql://…), not {_without_password(url)!r}"
        )
    return database


def envdatabases(name, **options):
    """A comma-separated list of PostgreSQL URLs."""
    return [envdatabase(name, url, **options) for url in envlist(name, [])]


def check_cache_url(name, url):
    """A redis://host:port/db URL whose port and database are numbers (redis-py would fail on the first request)."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a port that is not a number
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} is not a valid URL ({error}): {url!r}") from None
    database = parts.path.strip("/")
    if parts.scheme in ("redis", "rediss") and (not parts.hostname or (database and not database.isdigit())):
        raise ImproperlyConfigured(f"{name} must be redis://host[:port][/database number], not {url!r}")
    return url


def _without_password(url):
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url or "")
