from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from plan_api import views

api_v1 = [
    path("", views.api_root, name="api-root"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("", include("articles.api.urls")),
    path("", include("indicators.api.urls")),
    path("", include("opendata.api.urls")),
    path("", include("search.api.urls")),
]

urlpatterns = [
    re_path(r"^api/(?P<version>v1)/", include(api_v1)),
]

handler400 = views.bad_request
handler403 = views.permission_denied
handler404 = views.not_found
handler500 = views.server_error
