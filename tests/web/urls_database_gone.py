"""A URLconf for tests: the site and the API, plus a page whose database has gone away."""

from django.db import OperationalError
from django.urls import path

from plan_api.urls import urlpatterns as site_urlpatterns


def database_gone(request):
    raise OperationalError("connection refused")


urlpatterns = [path("plans/test-database-gone/", database_gone), *site_urlpatterns]
