"""plan-api settings, read from the environment.

Every setting that differs between a laptop and production comes from an environment variable; a bad
value raises ImproperlyConfigured naming the variable.
"""

from datetime import timedelta
from pathlib import Path

from corsheaders.defaults import default_headers as default_cors_headers
from django.core.exceptions import ImproperlyConfigured

from plan_api import embedded_db, limits
from plan_api.env import (
    check_cache_url,
    envbool,
    envdatabase,
    envdatabases,
    envint,
    envlist,
    envloglevel,
    envrate,
    envstr,
    envurlpath,
)

BASE_DIR = Path(__file__).resolve().parent.parent


def caches_from_url(url, *, max_bytes=64 * 1024 * 1024, timeout_ms=250):
    """The default cache from CACHE_URL: redis://… (shared by every process) or, when empty, local memory
    bounded to `max_bytes` (Redis is bounded by its own maxmemory)."""
    if not url or url.startswith("locmem://"):
        return {
            "BACKEND": "plan_api.memory_cache.ByteBoundedLocMemCache",
            "LOCATION": "plan-api",
            "OPTIONS": {"MAX_BYTES": max_bytes},
        }
    if url.startswith(("redis://", "rediss://", "unix://")):
        timeout = timeout_ms / 1000
        return {
            "BACKEND": "plan_api.cache.RedisCache",  # a miss, never an error or a long wait, when Redis is away
            "LOCATION": check_cache_url("CACHE_URL", url),
            "KEY_PREFIX": envstr("CACHE_KEY_PREFIX", "plan-api"),
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        }
    if url.startswith("dummy://"):
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(f"CACHE_URL must be redis://…, locmem:// or dummy://, not {url!r}")


DEBUG = envbool("DEBUG", False)
# The development key is only good for a machine nobody else reaches; production sets SECRET_KEY.
DEVELOPMENT_SECRET_KEY = "plan-api-development-key-not-for-production"
SECRET_KEY = envstr("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "plan_api",  # its migrations: the throttle's counts
    "articles",
    "indicators",
    "opendata",
    "search",
    "web",
    "ingest",
    "django.contrib.postgres",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "plan_api.middleware.StaticFilesMiddleware",  # WhiteNoise, its errors as problem+json
    "corsheaders.middleware.CorsMiddleware",  # above the cache: CORS headers depend on the request's Origin
    # One database for all of a request's reads, the response cache's included (plan_api/db_router.py).
    "plan_api.db_router.ReadOneDatabaseMiddleware",
    # Near the top so that a cached answer skips everything below it; what is stored already carries the
    # headers the middleware below adds (Vary, X-Frame-Options), none of which depends on the client.
    "plan_api.response_cache.ResponseCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "plan_api.middleware.ContentLanguageMiddleware",  # outermost of ours, so that its errors say their script too
    "plan_api.middleware.RejectMalformedQueryMiddleware",
    "plan_api.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "plan_api.urls"
WSGI_APPLICATION = "plan_api.wsgi.application"
APPEND_SLASH = True

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

if envstr("DATABASE_URL", ""):
    DATABASES = {"default": envdatabase("DATABASE_URL")}
else:
    # The embedded server starts (or is joined) when a process first connects, not here.
    DATABASES = {"default": embedded_db.settings()}

# Fail fast when the database is away (the API answers 503 instead of hanging): libpq's shortest connect
# timeout is 2 s, and a refused connection fails at once. Every statement is cut off after
# DATABASE_STATEMENT_TIMEOUT milliseconds so that no request can hold a connection for long.
# (libpq reads 0 as "wait for ever", so at least 1.)
DATABASE_CONNECT_TIMEOUT = envint("DATABASE_CONNECT_TIMEOUT", 2, minimum=1)
DATABASE_STATEMENT_TIMEOUT = envint("DATABASE_STATEMENT_TIMEOUT", 5000, minimum=0)
# Persistent connections, for the embedded database as for DATABASE_URL: starting a PostgreSQL session costs
# about 1.7 ms of the server's CPU against 0.06 ms for a query on an open one. Each thread keeps its connection
# for DATABASE_CONN_MAX_AGE seconds (0: one per request), and Django checks it before a request reuses it, so a
# database that restarted costs a reconnection, not an error.
DATABASE_CONN_MAX_AGE = envint("DATABASE_CONN_MAX_AGE", 300, minimum=0)


def _connection_options(database):
    # Django's backend behind a circuit breaker (plan_api/postgres/base.py); the embedded one already is.
    if database["ENGINE"] == "django.db.backends.postgresql":
        database["ENGINE"] = "plan_api.postgres"
    database["CONN_MAX_AGE"] = DATABASE_CONN_MAX_AGE
    database["CONN_HEALTH_CHECKS"] = True
    options = database.setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
    options["options"] = f"{options.get('options', '')} -c statement_timeout={DATABASE_STATEMENT_TIMEOUT}".strip()
    return database


_connection_options(DATABASES["default"])
# Read replicas: each request reads from one of them, chosen at random; writes (the loader, migrations) and
# reads outside requests go to the primary.
_replicas = envdatabases("DATABASE_REPLICA_URLS", test_options={"MIRROR": "default"})
for _index, _replica in enumerate(_replicas):
    DATABASES[f"replica{_index + 1}"] = _connection_options(_replica)
DATABASE_ROUTERS = ["plan_api.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "zh-hant"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Without collectstatic (make serve, tests) WhiteNoise serves straight from the apps' static folders;
# production collects, compresses and fingerprints them (settings_production.py).
WHITENOISE_USE_FINDERS = envbool("WHITENOISE_USE_FINDERS", True)
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns about a missing folder even when it serves from the finders

# The most the local-memory cache (each process' own, when CACHE_URL is not Redis) may hold, in bytes; beyond it
# the least recently used responses are dropped.
RESPONSE_CACHE_MAX_BYTES = envint("RESPONSE_CACHE_MAX_BYTES", 64 * 1024 * 1024, minimum=0)
# Redis answers in well under a millisecond; a longer wait on each connect or read only makes a silent Redis hurt.
CACHE_TIMEOUT_MS = envint("CACHE_TIMEOUT_MS", 250, minimum=1)
CACHES = {
    "default": caches_from_url(envstr("CACHE_URL", ""), max_bytes=RESPONSE_CACHE_MAX_BYTES, timeout_ms=CACHE_TIMEOUT_MS)
}
# After a call to the database or Redis fails, they are not tried again for this many seconds (requests get
# a cache miss or a 503 at once instead of each waiting on a timeout); a failure is logged when it begins, at
# most once per DEPENDENCY_LOG_SECONDS while it lasts, and when it ends (plan_api/dependencies.py).
DEPENDENCY_RETRY_SECONDS = envint("DEPENDENCY_RETRY_SECONDS", 5, minimum=1)
DEPENDENCY_LOG_SECONDS = envint("DEPENDENCY_LOG_SECONDS", 60, minimum=1)
# How long browsers and CDNs may reuse a response (Cache-Control: public, max-age=…), in seconds.
HTTP_CACHE_MAX_AGE = envint("HTTP_CACHE_MAX_AGE", 300, minimum=0)
# How long the response cache keeps an entry; entries are keyed by dataset version, so they never go stale.
RESPONSE_CACHE_TIMEOUT = envint("RESPONSE_CACHE_TIMEOUT", 24 * 3600, minimum=1)
RESPONSE_CACHE_ENABLED = envbool("RESPONSE_CACHE_ENABLED", True)
# Responses rendered when a plan is loaded and served without running their views (plan_api/prepared.py).
PREPARED_RESPONSES = envbool("PREPARED_RESPONSES", True)
# Where prepared responses can be: the API's paths under one plan (ingest/prepare.py prepares no others).
PREPARED_RESPONSE_PATHS = r"^/api/v1/plans/[^/]+/"
# Whether the loader prepares them. Off, a load is quicker and the plan's responses are computed by their views
# until a load that prepares (the test suite prepares once, for the plans it loads at the start).
PREPARE_ON_LOAD = PREPARED_RESPONSES and envbool("PREPARE_ON_LOAD", True)
# The paths the response cache, the validators and the 304s cover: the API and the reading site's pages. Not
# the health checks (which touch neither database nor cache) nor static files (WhiteNoise, above it).
RESPONSE_CACHE_PATHS = r"^/(?:api/|plans/|search/|$)"
# How often (seconds) a process re-reads the plans' versions from the database; loading a plan refreshes them
# at once in a shared cache (Redis), while each process' local-memory cache notices within this delay.
DATASET_VERSION_CHECK_SECONDS = envint("DATASET_VERSION_CHECK_SECONDS", 5, minimum=1)
# The selector that reads every plan's version ({slug: (version, updated_at timestamp)}): named here, because
# plan_api, below the apps, does not import them.
DATASET_VERSIONS = "articles.selectors.dataset_versions"
# Refuse absurd queries before they reach a view: the whole query string in bytes as sent (percent-encoded), and
# any single value in characters. They must agree with each other and with gunicorn's request line (limits.py).
MAX_QUERY_STRING_LENGTH = envint("MAX_QUERY_STRING_LENGTH", 4096, minimum=1)
MAX_QUERY_VALUE_LENGTH = envint("MAX_QUERY_VALUE_LENGTH", 200, minimum=1)
if _problem := limits.query_limits_problem(MAX_QUERY_STRING_LENGTH, MAX_QUERY_VALUE_LENGTH):
    raise ImproperlyConfigured(_problem)
# Seconds a client is told to wait (Retry-After) when the database is unreachable.
DATABASE_RETRY_AFTER = envint("DATABASE_RETRY_AFTER", 5, minimum=0)

# Proxies in front of the app (load balancer, CDN) that append the address they saw to X-Forwarded-For: the
# client is then the address NUM_PROXIES from the right. Unset or 0: the connection's address (REMOTE_ADDR).
NUM_PROXIES = envint("NUM_PROXIES", None, minimum=0)

# Where the plan folders live: one folder per plan (see articles/builder.py).
PLAN_FIXTURES_DIR = Path(envstr("PLAN_FIXTURES_DIR", BASE_DIR / "fixtures"))

REST_FRAMEWORK = {
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.URLPathVersioning",
    "DEFAULT_VERSION": "v1",
    "ALLOWED_VERSIONS": ["v1"],
    "DEFAULT_RENDERER_CLASSES": [
        "plan_api.renderers.ScriptJSONRenderer",
        "plan_api.renderers.CSVRenderer",
        "plan_api.renderers.NDJSONRenderer",
        "plan_api.renderers.XLSXRenderer",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "plan_api.negotiation.ContentNegotiation",
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        # `q` on the collections whose views name a `search_type` (search sits above them: named, not imported).
        "search.filters.SearchFilterBackend",
        "plan_api.filters.StrictOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "plan_api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "plan_api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "plan_api.schema.AutoSchema",
    # Per client (its address; behind proxies set NUM_PROXIES). Cached answers never reach a view and are not
    # counted: like a CDN hit, they cost the database nothing. Off by default here: `make serve` is one person on
    # their own machine, whose scripts may walk the whole API; production (settings_production.py) limits.
    "DEFAULT_THROTTLE_CLASSES": ["plan_api.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": envrate("THROTTLE_ANON_RATE", "off")},
}

SPECTACULAR_SETTINGS = {
    "TITLE": "plan-api",
    "DESCRIPTION": (
        "Chinese government plans as structured, citable, searchable open data. "
        "Read-only; every object has a stable URL built from the plan's slug and the document's own numbering."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # OpenAPI 3.1, so that a nullable nested object is documented as oneOf [object, null]: 3.0 has no
    # true way to say it (3.0.3: `nullable` beside allOf/$ref does not admit null).
    "OAS_VERSION": "3.1.0",
    # Enum components named for what they are (not TypeEnum, KindEnum), for the types of generated clients.
    "ENUM_NAME_OVERRIDES": {
        "SearchType": "search.models.SearchEntry.Type",
        "InitiativeKind": "indicators.models.Initiative.Kind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "plan_api.schema.plain_version",
        "plan_api.schema.name_enums",
        "plan_api.schema.add_problem_responses",
    ],
}

CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
# Browsers may send conditional requests, and scripts may read the validators, the script and Retry-After.
CORS_ALLOW_HEADERS = (*default_cors_headers, "if-none-match", "if-modified-since", "accept-language")
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Content-Language", "Content-Disposition", "Retry-After"]

CSRF_FAILURE_VIEW = "plan_api.views.csrf_failure"
# The page that errors outside the API get when the client prefers HTML (plan_api.error_pages): named, because
# plan_api, below the apps, does not import them. Empty: problem details for everyone.
HTML_ERROR_VIEW = "web.views.error_page"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"


def not_an_outage(record):
    """Drop Django's log line for each 503: the database is away, which plan_api.dependencies logs once per
    interval rather than once per request."""
    return getattr(record, "status_code", None) != 503


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"not_an_outage": {"()": "django.utils.log.CallbackFilter", "callback": not_an_outage}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envloglevel("LOG_LEVEL", "WARNING")},
    "loggers": {"jieba": {"level": "WARNING"}, "django.request": {"filters": ["not_an_outage"]}},
}

# The Django admin, off by default: ADMIN_PATH (e.g. "staff-3f9c/") mounts it there, for staff accounts only.
ADMIN_PATH = envurlpath("ADMIN_PATH")
if ADMIN_PATH:
    ADMIN_PATH += "/"
    INSTALLED_APPS += [
        "django.contrib.admin",
        "django.contrib.auth",
        "django.contrib.sessions",
        "django.contrib.messages",
        "axes",
    ]
    _after_security = MIDDLEWARE.index("django.middleware.common.CommonMiddleware")
    MIDDLEWARE[_after_security:_after_security] = [
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
    ]
    MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as django-axes asks
    TEMPLATES[0]["OPTIONS"]["context_processors"] += [
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]
    # Failed logins are counted (django-axes) per client address and per username, each on its own: after
    # ADMIN_LOGIN_FAILURE_LIMIT failures the address, or the account, gets a 429 for ADMIN_LOGIN_LOCKOUT_MINUTES,
    # whoever tries. The address is the throttle's (NUM_PROXIES); the counts live where the throttle's do,
    # shared by every process: Redis when CACHE_URL names one, else the database.
    AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
    AXES_FAILURE_LIMIT = envint("ADMIN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
    AXES_COOLOFF_TIME = timedelta(minutes=envint("ADMIN_LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
    AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
    AXES_RESET_ON_SUCCESS = True
    AXES_CLIENT_IP_CALLABLE = "plan_api.throttling.client_address"
    AXES_LOCKOUT_CALLABLE = "plan_api.views.login_locked_out"
    AXES_HANDLER = (
        "axes.handlers.cache.AxesCacheHandler"
        if CACHES["default"]["BACKEND"] == "plan_api.cache.RedisCache"
        else "axes.handlers.database.AxesDatabaseHandler"
    )
