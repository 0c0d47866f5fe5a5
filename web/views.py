"""The reading site: one thin view per page type, on the API's selectors, querysets and serializers.

Each view reads through web.selectors (the API's own querysets) or an app's selector, serializes with the
API's serializers (so a page shows exactly what its API twin returns), writes the text in the page's script
with the API's convert_data, and renders one template. The script is part of the URL (`?script=zh-Hans`, the
API's own parameter and tags), so that a shared link shows the same script.
"""

import functools
from collections import defaultdict

from django.core.exceptions import BadRequest
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from rest_framework.exceptions import ValidationError
from rest_framework.versioning import URLPathVersioning

from articles.api.serializers import ChapterBriefSerializer, PlanBriefSerializer, PlanSerializer
from indicators.api.serializers import ArticleSerializer, GoalSerializer, InitiativeSerializer, PrincipleSerializer
from opendata.selectors import term_get, term_list, term_places
from plan_api.error_pages import error_response
from plan_api.export import UrlRequest
from plan_api.scripts import DEFAULT_SCRIPT, SCRIPT_PARAM, UnknownScript, convert_data, parse_script
from search.api.serializers import SearchResultSerializer
from search.models import SearchEntry
from search.selectors import search_entries
from web import selectors
from web.charts import bar_chart
from web.downloads import plan_downloads
from web.templatetags.site import with_script
from web.text import first_matching_paragraph, sentences_naming

# The script switch: each script named in itself.
SCRIPT_LABELS = {"zh-Hant": "繁體（原文）", "zh-Hans": "简体", "zh-Hant-TW": "臺灣正體", "zh-Hant-HK": "香港繁體"}
KIND_LABELS = {
    "action": "行動",
    "project": "工程",
    "programme": "計劃",
    "strategy": "戰略",
    "platform": "平臺",
    "zone": "園區與功能區",
    "fund": "基金",
    "brand": "品牌",
    "event": "活動",
    "slogan": "提法",
}
TYPE_LABELS = {"article": "條目", "chapter": "章", "goal": "目標", "principle": "原則", "initiative": "舉措"}
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


class ApiRequest(UrlRequest):
    """The page's request as the API's serializers see it: version v1, so that their URLs point at /api/v1/…."""

    version = "v1"
    versioning_scheme = URLPathVersioning()


def _data(serializer_class, instance, request, **kwargs):
    """What the API shows for `instance` (URLs to the API), in the page's script."""
    data = serializer_class(instance, context={"request": ApiRequest(request)}, **kwargs).data
    return convert_data(data, request.page_script)


def _api(name, **kwargs):
    return reverse(name, kwargs={"version": "v1", **kwargs})


# --- pages --------------------------------------------------------------------------------------------


@page_view
def index(request):
    plans = selectors.plan_list()
    rows = _data(PlanBriefSerializer, plans, request, many=True)
    for row, plan in zip(rows, plans, strict=True):
        row["counts"] = plan.counts
    return _page(request, "web/index.html", {"plans": rows}, api_url=_api("plan-list"))


@page_view
def plan(request, plan):
    found = selectors.plan_or_404(plan)
    contents = selectors.plan_contents(found)
    initiatives = defaultdict(list)
    for item in _data(InitiativeSerializer, contents["initiatives"], request, many=True):
        initiatives[item["kind"]].append(item)
    publication = getattr(found, "publication", None)
    context = {
        "plan": _data(PlanSerializer, found, request),
        "chapters": _data(ChapterBriefSerializer, contents["chapters"], request, many=True),
        "articles_by_chapter": {
            chapter.number: [{"number": a.number, "title": a.title} for a in chapter.articles.all()]
            for chapter in contents["chapters"]
        },
        "principles": _data(PrincipleSerializer, contents["principles"], request, many=True),
        "goals": _data(GoalSerializer, contents["goals"], request, many=True),
        "initiative_groups": [
            {"kind": kind, "label": KIND_LABELS.get(kind, kind), "items": initiatives[kind]}
            for kind in KIND_LABELS
            if initiatives.get(kind)
        ],
        "license": publication.license if publication else "",
        "official": convert_data(
            {"title": publication.official_title, "url": publication.official_url}, request.page_script
        )
        if publication and publication.official_url
        else None,
        "downloads": _download_table(plan_downloads(request, found, request.page_script)),
    }
    for chapter in context["chapters"]:
        chapter["articles"] = convert_data(context["articles_by_chapter"][chapter["number"]], request.page_script)
    return _page(request, "web/plan.html", context, api_url=_api("plan-detail", plan=found.slug))


def _download_table(downloads):
    """Downloads as the page lists them: the source, one row per collection (CSV, Excel, NDJSON), the package."""
    rows, other = {}, []
    for download in downloads:
        if download.format in ("csv", "xlsx", "ndjson"):
            rows.setdefault(download.name, {})[download.format] = download
        else:
            other.append(download)
    return {"collections": [{"name": name, **formats} for name, formats in rows.items()], "files": other}


@page_view
def chapter(request, plan, number):
    chapter, articles, intro_mentions = selectors.chapter_page(plan, number)
    outline = selectors.chapter_outline(plan)
    data = _data(ChapterBriefSerializer, chapter, request)
    data["intro"] = convert_data(chapter.intro, request.page_script)
    article_data = _data(ArticleSerializer, articles, request, many=True)
    intro_initiatives = [
        {"slug": m.initiative.slug, "name": m.initiative.name, "kind": m.initiative.kind, "count": m.count}
        for m in intro_mentions
    ]
    here = reverse("web:chapter", args=[plan, number])
    context = {
        "plan": _plan_head(chapter.plan, request),
        "chapter": data,
        "intro": _paragraphs(request, data["intro"], here),
        "articles": [
            {
                "article": item,
                "paragraphs": _paragraphs(
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
        "initiatives": _merge_initiatives(
            convert_data(intro_initiatives, request.page_script), *(a["initiatives"] for a in article_data)
        ),
        "previous": _neighbour(outline, number, -1),
        "next": _neighbour(outline, number, +1),
        "cite": _citation(chapter.plan, request, f"第{chapter.numeral}章"),
    }
    return _page(request, "web/chapter.html", context, api_url=_api("chapter-detail", plan=plan, number=number))


def _merge_initiatives(*groups):
    merged = {}
    for group in groups:
        for item in group:
            if item["slug"] in merged:
                merged[item["slug"]]["count"] += item["count"]
            else:
                merged[item["slug"]] = dict(item)
    return list(merged.values())


@page_view
def article(request, plan, number):
    found = selectors.article_or_404(plan, number)
    outline = selectors.article_outline(found.plan)
    data = _data(ArticleSerializer, found, request)
    context = {
        "plan": _plan_head(found.plan, request),
        "article": data,
        "paragraphs": _paragraphs(request, data["paragraphs"], reverse("web:article", args=[plan, number])),
        "previous": convert_data(_neighbour(outline, number, -1), request.page_script),
        "next": convert_data(_neighbour(outline, number, +1), request.page_script),
        "cite": _citation(found.plan, request, f"第{number}條"),
    }
    return _page(request, "web/article.html", context, api_url=_api("article-detail", plan=plan, number=number))


def _paragraphs(request, texts, page, *, anchor="p"):
    """Paragraphs as a page shows them: numbered from 1, each with its anchor here and its link on its own page."""
    link = with_script(page, request.page_script)
    return [
        {
            "number": number,
            "anchor": f"{anchor}{number}",
            "text": text,
            "link": f"{link}#p{number}",
            "absolute": request.build_absolute_uri(f"{link}#p{number}"),
        }
        for number, text in enumerate(texts, start=1)
    ]


def _neighbour(outline, number, step):
    numbers = {row["number"]: row for row in outline}
    return numbers.get(number + step)


def _plan_head(plan, request):
    """What every page under a plan shows of it: slug, title, issuer, adoption date."""
    return {
        "slug": plan.slug,
        "title": convert_data(plan.title, request.page_script),
        "issuer": convert_data(plan.issuer, request.page_script),
        "adopted_on": plan.adopted_on,
    }


def _citation(plan, request, part):
    """The parts of a GB/T 7714-2015 reference to an online document ([EB/OL]), in the page's script."""
    return {
        "issuer": convert_data(plan.issuer, request.page_script),
        "title": convert_data(plan.title, request.page_script),
        "part": convert_data(part, request.page_script),
        "adopted_on": plan.adopted_on,
        "url": request.build_absolute_uri(with_script(request.path, request.page_script)),
    }


@page_view
def initiative(request, plan, slug):
    found = selectors.initiative_or_404(plan, slug)
    outline = selectors.chapter_outline(plan)
    data = _data(InitiativeSerializer, found, request)
    groups = _mention_groups(found, request)
    per_chapter = {group["chapter"]["number"]: group["count"] for group in groups if group["chapter"]}
    chart = bar_chart(
        [
            (
                f"{row['numeral']}",
                convert_data(row["title"], request.page_script),
                per_chapter.get(row["number"], 0),
                with_script(reverse("web:chapter", args=[plan, row["number"]]), request.page_script),
            )
            for row in outline
        ]
    )
    context = {
        "plan": _plan_head(found.plan, request),
        "initiative": data,
        "kind_label": KIND_LABELS.get(found.kind, found.kind),
        "groups": groups,
        "chart": chart,
    }
    return _page(request, "web/initiative.html", context, api_url=_api("initiative-detail", plan=plan, slug=slug))


def _mention_groups(initiative, request):
    """The initiative's mentions in context, grouped by chapter in the order of the text (preamble first)."""
    plan = initiative.plan
    groups = {}
    order = {"preamble": 0, "chapter": 1, "article": 1, "closing": 2}
    for mention in sorted(
        initiative.mentions.all(),
        key=lambda m: (order[m.place], m.chapter.number if m.chapter else 0, m.article.number if m.article else 0),
    ):
        if mention.place == "preamble":
            key, paragraphs, page = (
                ("preamble",),
                list(enumerate(plan.preamble, 1)),
                reverse("web:plan", args=[plan.slug]),
            )
            anchor = "preamble-p"
        elif mention.place == "closing":
            key, paragraphs, page = (
                ("closing",),
                list(enumerate(plan.closing, 1)),
                reverse("web:plan", args=[plan.slug]),
            )
            anchor = "closing-p"
        elif mention.article is not None:
            key = ("chapter", mention.chapter.number if mention.chapter else None)
            paragraphs = list(enumerate(mention.article.paragraphs, 1))
            page, anchor = reverse("web:article", args=[plan.slug, mention.article.number]), "p"
        else:
            key = ("chapter", mention.chapter.number)
            paragraphs = [(0, mention.chapter.title), *enumerate(mention.chapter.intro, 1)]
            page, anchor = reverse("web:chapter", args=[plan.slug, mention.chapter.number]), "p"
        group = groups.setdefault(
            key,
            {
                "place": key[0],
                "chapter": {
                    "number": mention.chapter.number,
                    "numeral": mention.chapter.numeral,
                    "title": mention.chapter.title,
                }
                if mention.chapter
                else None,
                "count": 0,
                "places": [],
            },
        )
        group["count"] += mention.count
        sentences = [
            {
                "html": mark_safe(convert_data(html, request.page_script)),
                "url": with_script(page, request.page_script) + (f"#{anchor}{number}" if number else ""),
            }
            for number, html in sentences_naming(paragraphs, initiative.name)
        ]
        group["places"].append(
            {
                "article": {"number": mention.article.number, "title": mention.article.title}
                if mention.article
                else None,
                "count": mention.count,
                "sentences": sentences,
            }
        )
    for group in groups.values():
        if group["chapter"]:
            group["chapter"] = convert_data(group["chapter"], request.page_script)
        for place in group["places"]:
            if place["article"]:
                place["article"] = convert_data(place["article"], request.page_script)
    return list(groups.values())


@page_view
def search(request):
    q = request.GET.get("q", "")
    plans = selectors.plan_list()
    plan_slugs = [p.slug for p in plans]
    types = [t for t in request.GET.getlist("type") if t]
    unknown = [t for t in types if t not in SearchEntry.Type.values]
    plan_filter = request.GET.get("plan", "")
    chapter_filter = request.GET.get("chapter", "")
    context = {
        "q": q,
        "plans": [{"slug": p.slug, "title": convert_data(p.title, request.page_script)} for p in plans],
        "chapter_options": [],
        "types": [{"value": t, "label": TYPE_LABELS[t], "checked": t in types} for t in SearchEntry.Type.values],
        "types_checked": bool(types),
        "plan_filter": plan_filter,
        "chapter_filter": chapter_filter,
        "results": None,
        "message": None,
    }
    if plan_filter in plan_slugs:
        context["chapter_options"] = convert_data(selectors.chapter_outline(plan_filter), request.page_script)
    status = 200
    try:
        if unknown:
            raise BadRequest(f"unknown type {unknown[0][:50]!r}; use one of {', '.join(SearchEntry.Type.values)}")
        if plan_filter and plan_filter not in plan_slugs:
            raise BadRequest(f"no plan with slug {plan_filter[:100]!r}")
        chapter = _chapter_number(chapter_filter, context["chapter_options"]) if chapter_filter else None
        if q.strip():
            context.update(_search_results(request, q, plan_filter, types, chapter))
    except BadRequest as exc:
        context["message"] = str(exc)
        status = 400
    return _page(request, "web/search.html", context, api_url=_api("search") if q.strip() else None, status=status)


def _chapter_number(value, options):
    numbers = {str(option["number"]) for option in options}
    if not options:
        raise BadRequest("choose a plan before a chapter")
    if value not in numbers:
        raise BadRequest(f"no chapter {value[:20]!r} in this plan")
    return int(value)


def _search_results(request, q, plan, types, chapter):
    try:
        results = search_entries(q=q, plans=[plan] if plan else None, types=types or None)
    except ValidationError as exc:
        raise BadRequest(_first_message(exc.detail)) from None
    entries = results.entries
    if chapter is not None:
        entries = selectors.in_chapter(entries, plan=plan, chapter=chapter)
    paginator = Paginator(entries, SEARCH_PAGE_SIZE)
    number = request.GET.get("page", "1")
    if not (number.isascii() and number.isdigit() and 0 < int(number) < 100000):
        raise BadRequest(f"page must be a whole number from 1, not {number[:20]!r}")
    try:
        page = paginator.page(int(number))
    except EmptyPage:
        if int(number) == 1:
            page = None
        else:
            raise Http404(f"Page {number} is past the last page of results.") from None
    highlights = results.query.highlights
    hits = []
    if page is not None:
        paragraphs = selectors.hit_paragraphs(page.object_list)
        serialized = SearchResultSerializer(
            page.object_list, many=True, context={"request": ApiRequest(request), "highlights": highlights}
        ).data
        for entry, item in zip(page.object_list, convert_data(serialized, request.page_script), strict=True):
            item["snippet"] = mark_safe(item["snippet"])
            item["type_label"] = TYPE_LABELS.get(entry.type, entry.type)
            item["page_url"] = _hit_url(entry, paragraphs, highlights, request.page_script)
            hits.append(item)
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "results": hits,
        "page": page,
        "count": paginator.count,
        "page_query": query.urlencode(),
        # How the query was read: what the search selector says (an `interpretation` when it gives one), and
        # the words it looked for; suggestions when it gives them.
        "interpretation": getattr(results, "interpretation", None),
        "highlights": highlights,
        "suggestions": getattr(results, "suggestions", None) or [],
    }


def _first_message(detail):
    if isinstance(detail, dict):
        detail = next(iter(detail.values()), "")
    if isinstance(detail, list):
        detail = detail[0] if detail else ""
    return str(detail)


def _hit_url(entry, paragraphs, highlights, script):
    if entry.type == SearchEntry.Type.INITIATIVE:
        return with_script(reverse("web:initiative", args=[entry.plan_slug, entry.slug]), script)
    page_type, number, texts = paragraphs.get((entry.type, entry.plan_slug, entry.number), (None, None, []))
    if page_type is None:
        return with_script(reverse("web:plan", args=[entry.plan_slug]), script)
    url = with_script(reverse(f"web:{page_type}", args=[entry.plan_slug, number]), script)
    paragraph = first_matching_paragraph(texts, highlights)
    return f"{url}#p{paragraph}" if paragraph else url


@page_view
def terms(request, plan):
    found = selectors.plan_head_or_404(plan)
    value = request.GET.get("min_length", str(TERMS_MIN_LENGTH))
    if value not in {str(n) for n in ALLOWED_MIN_LENGTHS}:
        return error_response(
            request,
            400,
            f"Invalid min_length: use one of {', '.join(map(str, ALLOWED_MIN_LENGTHS))}, not {value[:20]!r}",
        )
    min_length = int(value)
    words = convert_data(term_list(plan=found, top=TERMS_TOP, min_length=min_length), request.page_script)
    context = {
        "plan": _plan_head(found, request),
        "terms": words,
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
    per_chapter = {row["chapter"].number: row["count"] for row in chapters}
    chart = bar_chart(
        [
            (
                row["numeral"],
                convert_data(row["title"], request.page_script),
                per_chapter.get(row["number"], 0),
                with_script(reverse("web:chapter", args=[plan, row["number"]]), request.page_script),
            )
            for row in outline
        ]
    )
    context = {
        "plan": _plan_head(found, request),
        "word": convert_data(entry.text, request.page_script),
        "key": entry.key,
        "count": entry.count,
        "chart": chart,
        "articles": [
            {
                "number": row["article"].number,
                "title": convert_data(row["article"].title, request.page_script),
                "count": row["count"],
            }
            for row in articles
        ],
        "elsewhere": elsewhere,
    }
    return _page(request, "web/term.html", context, api_url=_api("term-detail", plan=plan, term=entry.text))


@page_view
def collection_redirect(request, plan, anchor):
    """/plans/{plan}/chapters/ and the like: the plan page, at that part of it."""
    return redirect(with_script(reverse("web:plan", args=[plan]), request.page_script) + f"#{anchor}")


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
