"""What the pages show, built from what the selectors read: no queries here, and no decisions about what to read.

Everything is written in the page's script with the API's convert_data, and every link keeps the script.
"""

from collections import defaultdict

from django.urls import reverse
from django.utils.safestring import mark_safe
from rest_framework.versioning import URLPathVersioning

from plan_api.export import UrlRequest
from plan_api.scripts import convert_data
from search.models import SearchEntry
from web.charts import bar_chart
from web.templatetags.site import with_script
from web.text import first_matching_paragraph, sentences_naming

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
PLACE_ORDER = {"preamble": 0, "chapter": 1, "article": 1, "closing": 2}


class ApiRequest(UrlRequest):
    """The page's request as the API's serializers see it: version v1, so that their URLs point at /api/v1/…."""

    version = "v1"
    versioning_scheme = URLPathVersioning()


def serialized(serializer_class, instance, request, **kwargs):
    """What the API shows for `instance` (its URLs to the API), in the page's script."""
    data = serializer_class(instance, context={"request": ApiRequest(request)}, **kwargs).data
    return convert_data(data, request.page_script)


def link(request, name, *args):
    """The site's URL of a page, in the page's script."""
    return with_script(reverse(name, args=args), request.page_script)


def plan_head(plan, request):
    """What every page under a plan shows of it: slug, title, issuer, adoption date."""
    return {
        "slug": plan.slug,
        "title": convert_data(plan.title, request.page_script),
        "issuer": convert_data(plan.issuer, request.page_script),
        "adopted_on": plan.adopted_on,
    }


def paragraphs(request, texts, page, *, anchor="p"):
    """Paragraphs as a page shows them: numbered from 1, each with its anchor here and its link on its own page."""
    url = with_script(page, request.page_script)
    return [
        {
            "number": number,
            "anchor": f"{anchor}{number}",
            "text": text,
            "link": f"{url}#p{number}",
            "absolute": request.build_absolute_uri(f"{url}#p{number}"),
        }
        for number, text in enumerate(texts, start=1)
    ]


def citation(plan, request, part):
    """The parts of a GB/T 7714-2015 reference to an online document ([EB/OL]), in the page's script."""
    return {
        "issuer": convert_data(plan.issuer, request.page_script),
        "title": convert_data(plan.title, request.page_script),
        "part": convert_data(part, request.page_script),
        "adopted_on": plan.adopted_on,
        "url": request.build_absolute_uri(with_script(request.path, request.page_script)),
    }


def neighbour(outline, number, step):
    """The row of the outline numbered `number + step`, or None."""
    return {row["number"]: row for row in outline}.get(number + step)


def initiatives_by_kind(items):
    """Initiatives (as serialized) grouped by kind, in the order of KIND_LABELS."""
    groups = defaultdict(list)
    for item in items:
        groups[item["kind"]].append(item)
    return [
        {"kind": kind, "label": KIND_LABELS.get(kind, kind), "items": groups[kind]}
        for kind in KIND_LABELS
        if groups.get(kind)
    ]


def merged_initiatives(*groups):
    """Initiatives named in several places (a chapter's intro, its articles), once each, their counts added."""
    merged = {}
    for group in groups:
        for item in group:
            if item["slug"] in merged:
                merged[item["slug"]]["count"] += item["count"]
            else:
                merged[item["slug"]] = dict(item)
    return list(merged.values())


def download_table(downloads):
    """Downloads as the page lists them: one row per collection (CSV, Excel, NDJSON); the source and the package."""
    rows, files = {}, []
    for download in downloads:
        if download.format in ("csv", "xlsx", "ndjson"):
            rows.setdefault(download.name, {})[download.format] = download
        else:
            files.append(download)
    return {"collections": [{"name": name, **formats} for name, formats in rows.items()], "files": files}


def chapter_chart(request, plan_slug, outline, counts):
    """A bar per chapter of the plan (those with no count too), each linking to its chapter."""
    return bar_chart(
        [
            (
                row["numeral"],
                convert_data(row["title"], request.page_script),
                counts.get(row["number"], 0),
                link(request, "web:chapter", plan_slug, row["number"]),
            )
            for row in outline
        ]
    )


def mention_groups(initiative, request):
    """The initiative's mentions in context, grouped by chapter in the order of the text (preamble first).

    Each mention's place gives the paragraphs to look in and the page they are on; every sentence there that
    names the initiative is shown, the name marked, linking to its paragraph.
    """
    plan, script = initiative.plan, request.page_script
    groups = {}
    mentions = sorted(
        initiative.mentions.all(),
        key=lambda m: (
            PLACE_ORDER[m.place],
            m.chapter.number if m.chapter else 0,
            m.article.number if m.article else 0,
        ),
    )
    for mention in mentions:
        if mention.place in ("preamble", "closing"):
            key, anchor = (mention.place,), f"{mention.place}-p"
            texts = list(enumerate(getattr(plan, mention.place), 1))
            page = reverse("web:plan", args=[plan.slug])
        elif mention.article is not None:
            key, anchor = ("chapter", mention.chapter.number), "p"
            texts = list(enumerate(mention.article.paragraphs, 1))
            page = reverse("web:article", args=[plan.slug, mention.article.number])
        else:  # a chapter's heading (its paragraph 0, on the chapter page's top) or intro
            key, anchor = ("chapter", mention.chapter.number), "p"
            texts = [(0, mention.chapter.title), *enumerate(mention.chapter.intro, 1)]
            page = reverse("web:chapter", args=[plan.slug, mention.chapter.number])
        group = groups.setdefault(
            key, {"place": key[0], "chapter": _chapter_brief(mention.chapter), "count": 0, "places": []}
        )
        group["count"] += mention.count
        group["places"].append(
            {
                "article": _article_brief(mention.article),
                "count": mention.count,
                "sentences": [
                    {
                        # The sentence's text is escaped before its <mark>s are added (web.text.marked).
                        "html": mark_safe(convert_data(html, script)),
                        "url": with_script(page, script) + (f"#{anchor}{number}" if number else ""),
                    }
                    for number, html in sentences_naming(texts, initiative.name)
                ],
            }
        )
    return convert_data(list(groups.values()), script, skip={"html", "url", "place"})


def _chapter_brief(chapter):
    return {"number": chapter.number, "numeral": chapter.numeral, "title": chapter.title} if chapter else None


def _article_brief(article):
    return {"number": article.number, "title": article.title} if article else None


def search_hits(request, entries, serialized_entries, paragraphs_by_hit, highlights):
    """Search results as the page lists them: the API's result, its kind in words, and the page (and paragraph)
    it leads to."""
    hits = []
    for entry, item in zip(entries, serialized_entries, strict=True):
        item["snippet"] = mark_safe(item["snippet"])
        item["type_label"] = TYPE_LABELS.get(entry.type, entry.type)
        item["match_label"] = MATCH_LABELS.get(item.get("match"), "")
        item["page_url"] = hit_url(request, entry, item.get("paragraph"), paragraphs_by_hit, highlights)
        hits.append(item)
    return hits


def hit_url(request, entry, paragraph, paragraphs_by_hit, highlights):
    """Where a search hit leads: an initiative's page; an article's or chapter's page at the paragraph the search
    matched; for a goal or principle, the paragraph of the article stating it that holds the words searched for."""
    if entry.type == SearchEntry.Type.INITIATIVE:
        return link(request, "web:initiative", entry.plan_slug, entry.slug)
    if entry.type in (SearchEntry.Type.ARTICLE, SearchEntry.Type.CHAPTER):
        url = link(request, f"web:{entry.type}", entry.plan_slug, entry.number)
        return f"{url}#p{paragraph}" if paragraph else url  # a chapter's heading (0) is the page's top
    page_type, number, texts = paragraphs_by_hit.get((entry.type, entry.plan_slug, entry.number), (None, None, []))
    if page_type is None:
        return link(request, "web:plan", entry.plan_slug)
    url = link(request, f"web:{page_type}", entry.plan_slug, number)
    paragraph = first_matching_paragraph(texts, highlights)
    return f"{url}#p{paragraph}" if paragraph else url


# How the search read a query (search.interpret): the API's words, as the page says them.
MATCH_LABELS = {
    "typed": "原文",
    "variant": "異體字",
    "regional": "地區用語",
    "number": "數字寫法",
    "alias": "別稱或縮寫",
    "segmented": "分詞相近",
}


def query_reading(described):
    """The interpretation the search gives (its `describe()`) as the page shows it: per term, what was typed, the
    other readings searched with what made them, and the words searched close together when it was split."""
    terms = []
    for term in described["terms"]:
        readings = [
            {"text": r["text"], "how": "、".join(MATCH_LABELS.get(how, how) for how in r["how"].split("+"))}
            for r in term["readings"][1:]
        ]
        terms.append(
            {
                "typed": term["typed"],
                "or": term["alternatives"],
                "readings": readings,
                "segmented": [" + ".join(words) for words in term["segmented"]],
            }
        )
    return {"terms": terms, "excluded": described["excluded"]}
