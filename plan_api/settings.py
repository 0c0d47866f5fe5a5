"""plan-api settings, read from the environment.

Every setting that differs between a laptop and production comes from an environment variable; a bad
value raises ImproperlyConfigured naming the variable.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)
# The development key is only good for a machine nobody else reaches; production sets SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY") or "plan-api-development-key-not-for-production"
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "articles",
    "indicators",
    "opendata",
    "search",
    "django.contrib.postgres",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "plan_api.middleware.RejectMalformedQueryMiddleware",
    "plan_api.middleware.ContentLanguageMiddleware",
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

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    from plan_api import embedded_db

    DATABASES = {"default": embedded_db.start()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "zh-hant"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
# WhiteNoise serves the Swagger UI assets (drf-spectacular-sidecar) from the installed apps themselves, so
# /api/v1/docs/ works under `make serve` and in production without DEBUG or a collectstatic step.
# STATIC_ROOT is only needed by collectstatic; unset, WhiteNoise does not warn about a missing folder.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True

# Where the plan folders live: one folder per plan (see articles/builder.py).
PLAN_FIXTURES_DIR = Path(os.environ.get("PLAN_FIXTURES_DIR", BASE_DIR / "fixtures"))

REST_FRAMEWORK = {
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.URLPathVersioning",
    "DEFAULT_VERSION": "v1",
    "ALLOWED_VERSIONS": ["v1"],
    "DEFAULT_RENDERER_CLASSES": [
        "plan_api.renderers.ScriptJSONRenderer",
        "plan_api.renderers.CSVRenderer",
        "plan_api.renderers.NDJSONRenderer",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "plan_api.negotiation.ContentNegotiation",
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "plan_api.filters.StrictOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "plan_api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "plan_api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "plan_api.schema.AutoSchema",
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
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "plan_api.schema.add_problem_responses",
    ],
}

CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"jieba": {"level": "WARNING"}},
}
