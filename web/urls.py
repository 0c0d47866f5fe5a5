"""The reading site's URLs: the API's paths without /api/v1/, so that a page and its data are one step apart.

    /                                     the plans and a search box
    /plans/{plan}/                        a plan: contents, principles, goals, initiatives, errata, downloads
    /plans/{plan}/chapters/{n}/           a chapter's text, paragraph by paragraph (#p1 …)
    /plans/{plan}/articles/{n}/           an article's text (#p1 …), to cite
    /plans/{plan}/initiatives/{slug}/     every mention of an initiative, in context, with a chart per chapter
    /plans/{plan}/terms/[{word}/]         the plan's most frequent words; one word's counts per chapter
    /search/?q=…                          search every plan

Every page takes `?script=` (zh-Hant, zh-Hans, zh-Hant-TW, zh-Hant-HK), as the API does.
"""

from django.urls import path

from web import views

app_name = "web"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("plans/<str:plan>/", views.plan, name="plan"),
    path("plans/<str:plan>/chapters/", views.collection_redirect, {"anchor": "contents"}),
    path("plans/<str:plan>/chapters/<int:number>/", views.chapter, name="chapter"),
    path("plans/<str:plan>/articles/", views.collection_redirect, {"anchor": "contents"}),
    path("plans/<str:plan>/articles/<int:number>/", views.article, name="article"),
    path("plans/<str:plan>/initiatives/", views.collection_redirect, {"anchor": "initiatives"}),
    path("plans/<str:plan>/initiatives/<str:slug>/", views.initiative, name="initiative"),
    path("plans/<str:plan>/terms/", views.terms, name="terms"),
    path("plans/<str:plan>/terms/<str:word>/", views.term, name="term"),
]
