from django.conf import settings
from django.urls import include, path, re_path

from articles.api.views import api_root
from articles.views import readyz
from plan_api import views

# The composition root: the only module of plan_api that imports the apps.
api_v1 = [
    path("", api_root, name="api-root"),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(url_name="schema"), name="docs"),
    # Search before the plans' routes (no path matches both): Django tries the patterns in order, and each that
    # fails costs a little (a search resolved after the plans' sixteen in 45 µs, and is resolved twice a request).
    path("", include("search.api.urls")),
    path("", include("articles.api.urls")),
    path("", include("indicators.api.urls")),
    path("", include("opendata.api.urls")),
]

urlpatterns = [
    re_path(r"^api/(?P<version>v1)/", include(api_v1)),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    # The reading site: pages for people on the same data (web/urls.py).
    path("", include("web.urls")),
]

# The Django admin is off unless ADMIN_PATH names where to mount it (a path nobody guesses); it then needs a
# staff account (manage.py createsuperuser), like any Django admin.
if settings.ADMIN_PATH:
    from django.contrib import admin

    urlpatterns.append(path(settings.ADMIN_PATH, admin.site.urls))

handler400 = views.bad_request
handler403 = views.permission_denied
handler404 = views.not_found
handler500 = views.server_error
