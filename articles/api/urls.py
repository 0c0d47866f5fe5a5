from django.urls import path
from rest_framework.routers import SimpleRouter

from articles.api import views

router = SimpleRouter()
router.register("plans", views.PlanViewSet, basename="plan")
router.register(r"plans/(?P<plan>[^/]+)/chapters", views.ChapterViewSet, basename="chapter")

urlpatterns = [
    path("plans/<str:plan>/source", views.plan_source, name="plan-source"),
    *router.urls,
]
