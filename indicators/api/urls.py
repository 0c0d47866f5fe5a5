from rest_framework.routers import SimpleRouter

from indicators.api import views

router = SimpleRouter()
router.register(r"plans/(?P<plan>[^/]+)/articles", views.ArticleViewSet, basename="article")
router.register(r"plans/(?P<plan>[^/]+)/goals", views.GoalViewSet, basename="goal")
router.register(r"plans/(?P<plan>[^/]+)/principles", views.PrincipleViewSet, basename="principle")
router.register(r"plans/(?P<plan>[^/]+)/initiatives", views.InitiativeViewSet, basename="initiative")

urlpatterns = router.urls
