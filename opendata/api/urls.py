from django.urls import path

from opendata.api import views

urlpatterns = [
    path("plans/<str:plan>/terms/", views.term_list_view, name="term-list"),
    path("plans/<str:plan>/terms/<str:term>/", views.term_detail_view, name="term-detail"),
    path("plans/<str:plan>/datapackage.zip", views.datapackage_view, name="plan-datapackage"),
]
