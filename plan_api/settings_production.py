"""Production settings: plan_api.settings plus what `manage.py check --deploy` asks for.

DJANGO_SETTINGS_MODULE=plan_api.settings_production. SECRET_KEY must be set, and strong. TLS is expected to end
at a proxy or CDN that sets X-Forwarded-Proto; plain-HTTP requests are redirected to HTTPS unless
SECURE_SSL_REDIRECT=false (a loopback benchmark, a health check from the load balancer is exempt anyway).
"""

from django.conf.global_settings import STORAGES as _STORAGES
from django.core.exceptions import ImproperlyConfigured

from plan_api.settings import *  # noqa: F403
from plan_api.settings import DEVELOPMENT_SECRET_KEY, REST_FRAMEWORK, envbool, envint, envrate, envstr

SECRET_KEY = envstr("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production (a long random string)")
# Django's own bar for a key that signs sessions and password resets (check --deploy, security.W009).
if (
    len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith("django-insecure-")
    or SECRET_KEY == DEVELOPMENT_SECRET_KEY
):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use at least 50 random characters, "
        "e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
DEBUG = False

# A public server limits each client (a new dict: the development settings' one stays as it was).
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": envrate("THROTTLE_ANON_RATE", "120/minute")}}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# HSTS is only ever sent on HTTPS responses, so it takes effect behind TLS and nowhere else.
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# collectstatic compresses and fingerprints the static files (the API docs' assets); WhiteNoise serves them
# with far-future cache headers.
WHITENOISE_USE_FINDERS = False
STORAGES = {
    **_STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
