"""A URLconf for tests: the API plus a streaming endpoint under /api/, as exports (issue 5) will add."""

from django.db import OperationalError
from django.http import StreamingHttpResponse
from django.urls import path

from plan_api.urls import urlpatterns as api_urlpatterns


def export(request):
    return StreamingHttpResponse((f"line {n}\n" for n in range(3)), content_type="text/csv")


def database_gone(request):
    raise OperationalError("connection refused")


urlpatterns = [
    path("api/v1/test-export/", export),
    path("api/v1/test-database-gone/", database_gone),
    *api_urlpatterns,
]
