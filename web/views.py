"""The reading site: one thin view per page type, on the API's selectors, querysets and serializers.

Each view reads through web.selectors (the API's own querysets) or an app's selector, serializes with the
API's serializers (so a page shows exactly what its API twin returns), writes the text in the page's script
with the API's convert_data, and renders one template. The script is part of the URL (`?script=zh-Hans`, the
API's own parameter and tags), so that a shared link shows the same script.
"""

import functools

from django.core.exceptions import BadRequest
from django.core.paginator import EmptyPage
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from articles.api.serializers import (
    ArticleBriefSerializer,
    ChapterBriefSerializer,
    PlanBriefSerializer,
    PlanSerializer,
)
from indicators.api.serializers import (
    ArticleSerializer,
    GoalSerializer,
    InitiativeSerializer,
    MentionedInitiativeSerializer,
    PrincipleSerializer,
)
from opendata.selectors import term_get, term_list, term_places
from plan_api.error_pages import error_response
from plan_api.pagination import OneQueryPaginator
from plan_api.scripts import DEFAULT_SCRIPT, SCRIPT_PARAM, UnknownScript, convert_data, parse_script
from search.api.serializers import SearchResultSerializer
from search.models import SearchEntry
from search.selectors import plan_lexicon, search_entries, suggestions
from web import pages, selectors
from web.downloads import plan_downloads
from web.pages import ApiRequest, serialized
from web.templatetags.site import with_script

# The script switch: each script named in itself.
SCRIPT_LABELS = {"zh-Hant": "繁體（原文）", "zh-Hans": "简体", "zh-Hant-TW": "臺灣正體", "zh-Hant-HK": "香港繁體"}
SEARCH_PAGE_SIZE = 20
TERMS_TOP = 100
TERMS_MIN_LENGTH = 2  # one-character words are mostly particles; the reader can ask for longer ones
ALLOWED_MIN_LENGTHS = (2, 3, 4)


def page_view(view):
    """GET and HEAD only (anything else a 405 page or problem), and the page's script read from the URL."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return error_response(
                request,
                405,
                f"Method {request.method!r} not allowed: this site only reads.",
                headers={"Allow": "GET, HEAD"},
            )
        try:
            request.page_script = parse_script(request.GET.get(SCRIPT_PARAM, DEFAULT_SCRIPT))
        except UnknownScript as exc:
            return error_response(request, 400, f"Invalid script: {exc}", errors={SCRIPT_PARAM: [str(exc)]})
        return view(request, *args, **kwargs)

    wrapped.csrf_exempt = True  # reads only: a POST is told 405, not a CSRF failure
    return wrapped


def _page(request, template, context, *, api_url=None, status=200):
    """Render a page in its script: `lang`, Content-Language, the script switch, the API twin's link."""
    script = getattr(request, "page_script", DEFAULT_SCRIPT)
    query = request.GET.copy()
    switch = []
    for tag, label in SCRIPT_LABELS.items():
        query.pop(SCRIPT_PARAM, None)
        if tag != DEFAULT_SCRIPT:
            query[SCRIPT_PARAM] = tag
        url = f"{request.path}?{query.urlencode()}" if query else request.path
        switch.append({"tag": tag, "label": label, "url": url, "current": tag == script})
    context = {
        **context,
        "script": script,
        "script_switch": switch,
        "api_url": with_script(api_url, script) if api_url else None,
        "today": timezone.localdate(),
    }
    response = render(request, template, context, status=status)
    response["Content-Language"] = script
    return response


def _api(name, **kwargs):
    return reverse(name, kwargs={"version": "v1", **kwargs})


# --- pages --------------------------------------------------------------------------------------------


@page_view
def index(request):
    plans = selectors.plan_list()
    rows = serialized(PlanBriefSerializer, plans, request, many=True)
    for row, plan in zip(rows, plans, strict=True):
        row["counts"] = plan.counts
    return _page(request, "web/index.html", {"plans": rows}, api_url=_api("plan-list"))


@page_view
def plan(request, plan):
    found = selectors.plan_or_404(plan)
    contents = selectors.plan_contents(found)
    chapters = serialized(ChapterBriefSerializer, contents["chapters"], request, many=True)
    for data, chapter in zip(chapters, contents["chapters"], strict=True):
        data["articles"] = serialized(ArticleBriefSerializer, chapter.articles.all(), request, many=True)
    publication = getattr(found, "publication", None)
    official = {"title": publication.official_title, "url": publication.official_url} if publication else {}
    context = {
        "plan": serialized(PlanSerializer, found, request),
        "chapters": chapters,
        "principles": serialized(PrincipleSerializer, contents["principles"], request, many=True),
        "goals": serialized(GoalSerializer, contents["goals"], request, many=True),
        "initiative_groups": pages.initiatives_by_kind(
            serialized(InitiativeSerializer, contents["initiatives"], request, many=True)
        ),
        "license": publication.license if publication else "",
        "official": convert_data(official, request.page_script) if official.get("url") else None,
        "downloads": pages.download_table(plan_downloads(request, found, request.page_script)),
    }
    return _page(request, "web/plan.html", context, api_url=_api("plan-detail", plan=found.slug))


@page_view
def chapter(request, plan, number):
    chapter, articles, intro_mentions = selectors.chapter_page(plan, number)
    outline = selectors.chapter_outline(plan)
    data = serialized(ChapterBriefSerializer, chapter, request)
    article_data = serialized(ArticleSerializer, articles, request, many=True)
    intro_initiatives = serialized(MentionedInitiativeSerializer, intro_mentions, request, many=True)
    context = {
        "plan": pages.plan_head(chapter.plan, request),
        "chapter": data,
        "intro": pages.paragraphs(
            request, convert_data(chapter.intro, request.page_script), reverse("web:chapter", args=[plan, number])
        ),
        "articles": [
            {
                "article": item,
                "paragraphs": pages.paragraphs(
                    request,
                    item["paragraphs"],
                    reverse("web:article", args=[plan, item["number"]]),
                    anchor=f"a{item['number']}-p",
                ),
            }
            for item in article_data
        ],
        "principles": [p for a in article_data for p in a["principles"]],
        "goals": [g for a in article_data for g in a["goals"]],
        "initiatives": pages.merged_initiatives(intro_initiatives, *(a["initiatives"] for a in article_data)),
        "previous": convert_data(pages.neighbour(outline, number, -1), request.page_script),
        "next": convert_data(pages.neighbour(outline, number, +1), request.page_script),
        "cite": pages.citation(chapter.plan, request, f"第{chapter.numeral}章"),
    }
    return _page(request, "web/chapter.html", context, api_url=_api("chapter-detail", plan=plan, number=number))


@page_view
def article(request, plan, number):
    found = selectors.article_or_404(plan, number)
    outline = selectors.article_outline(found.plan)
    data = serialized(ArticleSerializer, found, request)
    context = {
        "plan": pages.plan_head(found.plan, request),
        "article": data,
        "paragraphs": pages.paragraphs(request, data["paragraphs"], reverse("web:article", args=[plan, number])),
        "previous": convert_data(pages.neighbour(outline, number, -1), request.page_script),
        "next": convert_data(pages.neighbour(outline, number, +1), request.page_script),
        "cite": pages.citation(found.plan, request, f"第{number}條"),
    }
    return _page(request, "web/article.html", context, api_url=_api("article-detail", plan=plan, number=number))


@page_view
def initiative(request, plan, slug):
    found = selectors.initiative_or_404(plan, slug)
    outline = selectors.chapter_outline(plan)
    groups = pages.mention_groups(found, request)
    per_chapter = {group["chapter"]["number"]: group["count"] for group in groups if group["chapter"]}
    context = {
        "plan": pages.plan_head(found.plan, request),
        "initiative": serialized(InitiativeSerializer, found, request),
        "kind_label": pages.KIND_LABELS.get(found.kind, found.kind),
        "groups": groups,
        "chart": pages.chapter_chart(request, plan, outline, per_chapter),
    }
    return _page(request, "web/initiative.html", context, api_url=_api("initiative-detail", plan=plan, slug=slug))


@page_view
def search(request):
    q = request.GET.get("q", "")
    plans = selectors.plan_list()
    types = [t for t in request.GET.getlist("type") if t]
    plan_filter = request.GET.get("plan", "")
    chapter_filter = request.GET.get("chapter", "")
    chapter_options = []
    if plan_filter in {p.slug for p in plans}:
        chapter_options = convert_data(selectors.chapter_outline(plan_filter), request.page_script)
    context = {
        "q": q,
        "plans": [{"slug": p.slug, "title": convert_data(p.title, request.page_script)} for p in plans],
        "chapter_options": chapter_options,
        "types": [{"value": t, "label": pages.TYPE_LABELS[t], "checked": t in types} for t in SearchEntry.Type.values],
        "types_checked": bool(types),
        "plan_filter": plan_filter,
        "chapter_filter": chapter_filter,
        "results": None,
        "message": None,
    }
    status = 200
    try:
        _check_filters(types, plan_filter, chapter_options, plans)
        chapter = _chapter_number(chapter_filter, chapter_options) if chapter_filter else None
        if q.strip():
            context.update(_search_results(request, q, plan_filter, types, chapter))
    except BadRequest as exc:
        context["message"] = str(exc)
        status = 400
    return _page(request, "web/search.html", context, api_url=_api("search") if q.strip() else None, status=status)


def _check_filters(types, plan_filter, chapter_options, plans):
    unknown = [t for t in types if t not in SearchEntry.Type.values]
    if unknown:
        raise BadRequest(f"unknown type {unknown[0][:50]!r}; use one of {', '.join(SearchEntry.Type.values)}")
    if plan_filter and plan_filter not in {p.slug for p in plans}:
        raise BadRequest(f"no plan with slug {plan_filter[:100]!r}")


def _chapter_number(value, options):
    if not options:
        raise BadRequest("choose a plan before a chapter")
    if value not in {str(option["number"]) for option in options}:
        raise BadRequest(f"no chapter {value[:20]!r} in this plan")
    return int(value)


def _search_results(request, q, plan, types, chapter):
    """One page of results of search.selectors.search_entries (the API's search), and how the query was read."""
    try:
        results = search_entries(q=q, plans=[plan] if plan else None, types=types or None)
    except ValidationError as exc:
        raise BadRequest(_first_message(exc.detail)) from None
    entries = results.entries
    if chapter is not None:
        entries = selectors.in_chapter(entries, plan=plan, chapter=chapter)
    page = _page_of(OneQueryPaginator(entries, SEARCH_PAGE_SIZE), request.GET.get("page", "1"))
    highlights = results.query.highlights
    hits = []
    if page is not None:
        entries_here = list(page.object_list)
        context = {"request": ApiRequest(request), "query": results.query, "segmented": results.segmented}
        data = SearchResultSerializer(entries_here, many=True, context=context).data
        hits = pages.search_hits(
            request,
            entries_here,
            convert_data(data, request.page_script),
            selectors.hit_paragraphs(entries_here),
            highlights,
        )
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "results": hits,
        "page": page,
        "count": page.paginator.count if page is not None else 0,
        "page_query": query.urlencode(),
        # How the query was read, and (when nothing matched) words the plans do contain: as the API says them.
        "interpretation": pages.query_reading(results.query.describe()),
        "highlights": highlights,
        "suggestions": suggestions(results.query, plan_lexicon(results.plans), plans=results.plans) if not hits else [],
    }


def _page_of(paginator, number):
    """The page numbered `number` (a 400 if that is not a number, a 404 past the last); None when nothing matched."""
    if not (number.isascii() and number.isdigit() and 0 < int(number) < 100000):
        raise BadRequest(f"page must be a whole number from 1, not {number[:20]!r}")
    try:
        return paginator.page(int(number))
    except EmptyPage:
        if int(number) == 1:
            return None
        raise Http404(f"Page {number} is past the last page of results.") from None


def _first_message(detail):
    if isinstance(detail, dict):
        detail = next(iter(detail.values()), "")
    if isinstance(detail, list):
        detail = detail[0] if detail else ""
    return str(detail)


@page_view
def terms(request, plan):
    found = selectors.plan_head_or_404(plan)
    value = request.GET.get("min_length", str(TERMS_MIN_LENGTH))
    if value not in {str(n) for n in ALLOWED_MIN_LENGTHS}:
        allowed = ", ".join(map(str, ALLOWED_MIN_LENGTHS))
        return error_response(request, 400, f"Invalid min_length: use one of {allowed}, not {value[:20]!r}")
    min_length = int(value)
    context = {
        "plan": pages.plan_head(found, request),
        "terms": convert_data(term_list(plan=found, top=TERMS_TOP, min_length=min_length), request.page_script),
        "min_length": min_length,
        "min_lengths": ALLOWED_MIN_LENGTHS,
        "top": TERMS_TOP,
    }
    api_url = _api("term-list", plan=plan) + f"?top={TERMS_TOP}&min_length={min_length}"
    return _page(request, "web/terms.html", context, api_url=api_url)


@page_view
def term(request, plan, word):
    found = selectors.plan_head_or_404(plan)
    entry = term_get(plan=found, term=word) if len(word) <= 100 else None
    if entry is None:
        raise Http404(f"No word {word[:50]!r} in plan {plan!r}.")
    chapters, articles, elsewhere = term_places(entry)
    outline = selectors.chapter_outline(plan)
    context = {
        "plan": pages.plan_head(found, request),
        "word": convert_data(entry.text, request.page_script),
        "count": entry.count,
        "chart": pages.chapter_chart(request, plan, outline, {row["chapter"].number: row["count"] for row in chapters}),
        "articles": convert_data(
            [
                {"number": row["article"].number, "title": row["article"].title, "count": row["count"]}
                for row in articles
            ],
            request.page_script,
        ),
        "elsewhere": elsewhere,
    }
    return _page(request, "web/term.html", context, api_url=_api("term-detail", plan=plan, term=entry.text))


@page_view
def collection_redirect(request, plan, anchor):
    """/plans/{plan}/chapters/ and the like: the plan page, at that part of it."""
    return redirect(pages.link(request, "web:plan", plan) + f"#{anchor}")


def error_page(request, status, detail):
    """The page for an error, in the site's look (named by settings.HTML_ERROR_VIEW; see plan_api.error_pages).

    It makes no query, so that it can also say that the database is away.
    """
    try:
        request.page_script = parse_script(request.GET.get(SCRIPT_PARAM, DEFAULT_SCRIPT))
    except UnknownScript:
        request.page_script = DEFAULT_SCRIPT
    context = {"status": status, "detail": detail, "path": request.path}
    return _page(request, "web/error.html", context, status=status)
