from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError

from articles.api.viewsets import unknown_plan
from articles.models import Plan
from plan_api.export import ExportMixin
from plan_api.renderers import SPREADSHEET_FORMATS
from search.api.serializers import SearchResponseSerializer, SearchResultSerializer, SearchResultTableSerializer
from search.filters import Q_SCHEMA
from search.models import SearchEntry
from search.selectors import plan_lexicon, search_entries, suggestions
from search.text import MAX_QUERY_LENGTH

QUERY_SYNTAX = f"""Web-search syntax (modelled on PostgreSQL's websearch_to_tsquery), at most {MAX_QUERY_LENGTH} characters:

- `新质生产力 京津冀` — terms separated by spaces (or `|`) must all match;
- `"京津冀协同发展"` — a quoted phrase matches as written (an unclosed quote runs to the end);
- `鲁班工坊 OR 枫桥经验` — either; `OR` binds tighter than the spaces around it;
- `京津冀 -交通` — leave out what contains a term (a query of exclusions only is a 400).

A term matches wherever it occurs in the text, also inside a longer word (`科创` finds 天開高教科創園), in either
script (text and query are normalised toward simplified characters with OpenCC t2s, so 碳达峰, 碳達峰 and 碳達峯
are one word), and through its other readings: Taiwan and Hong Kong vocabulary (軟體 → 软件), the converted text's
character variants (着力 → 著力), the alias files (民企 → 民营企业, R&D → 研发) and numbers (2035年 → 二〇三五年). A term
that is not quoted also matches where its words (jieba, with the plans' dictionary) stand close together: one
clause, or two in the order typed (托育服务 finds 普惠托育和托幼一体化服务). A term the plans do not contain finds
nothing: no reading falls back to single characters. `interpretation` in the response says how the query was
read; each result's `match` says which reading found it. Letters are matched case-insensitively; `&`, `!`, `:*` or
`<->` have no special meaning."""

PROBLEM_SCHEMA = {
    "type": "object",
    "properties": {
        "type": {"type": "string", "example": "about:blank"},
        "title": {"type": "string", "example": "Bad Request"},
        "status": {"type": "integer", "example": 400},
        "detail": {"type": "string", "example": "Invalid q: the query is empty; type one or more words to search for"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "example": {"q": ["the query is empty; type one or more words to search for"]},
        },
    },
    "required": ["type", "title", "status", "detail"],
}

ERRORS = OpenApiResponse(
    response=PROBLEM_SCHEMA,
    description=(
        "Problem details (application/problem+json): `q` missing or empty, over 200 characters, with a NUL "
        "character, or with nothing to search for (no letter, digit or Chinese character in a word that is not an "
        "exclusion: see the pattern of `q`); an unknown `type`; a bad `page` or "
        "`page_size`. `errors` names the parameter."
    ),
)


def _list_of(item):
    """The schema of a repeatable parameter whose every value is a comma-separated list of `item` (list_param)."""
    return {"type": "array", "items": {"type": "string", "pattern": rf"^\s*(?:{item})?\s*(?:,\s*(?:{item})?\s*)*$"}}


@extend_schema(
    summary="Search every plan",
    parameters=[
        OpenApiParameter(
            "q",
            Q_SCHEMA,
            required=True,
            description=QUERY_SYNTAX,
            examples=[
                OpenApiExample("A word, simplified", value="新质生产力"),
                OpenApiExample("The same word, traditional", value="新質生產力"),
                OpenApiExample("Part of a name", value="科创"),
                OpenApiExample("Phrase and exclusion", value='"高质量发展" -京津冀'),
                OpenApiExample("Words the plan writes apart", value="托育服务"),
                OpenApiExample("An abbreviation (alias)", value="民企"),
                OpenApiExample("Taiwan vocabulary", value="軟體"),
            ],
        ),
        OpenApiParameter(
            "type",
            # The values of a result's `type`: plan_api.schema.name_enums makes both one component.
            {"type": "array", "items": {"type": "string", "enum": SearchEntry.Type.values}},
            explode=True,
            description=f"Only results of this type ({', '.join(SearchEntry.Type.values)}); repeat, or separate "
            "with commas, for several. Empty values are ignored. Default: all types.",
        ),
        OpenApiParameter(
            "plan",
            _list_of(r"[-a-zA-Z0-9_]+"),
            explode=True,
            description="Only results from the plan with this slug; repeat, or separate with commas, for several. "
            "Empty values are ignored; an unknown plan is a 404.",
        ),
    ],
    responses={200: SearchResponseSerializer, (400, "application/problem+json"): ERRORS},
)
class SearchView(ExportMixin, generics.ListAPIView):
    """Full-text search across plans, best first: articles, chapters, goals, principles and initiatives.

    A title hit outranks a body hit, and a document about the topic (that names it often) outranks one that
    names it once; between equal ranks the shorter document comes first. Each result carries its type, plan,
    identifier, title, URL, score, the snippet and paragraph that matched, and how it matched; the response says
    how the query was read (`interpretation`) and, when nothing matched, offers `suggestions`.
    """

    serializer_class = SearchResultSerializer
    filter_backends = []
    query_parameters = ("q", "type", "plan")  # read by get_queryset(); pages and formats go without saying

    def get_serializer_class(self):
        # In a CSV or Excel sheet the snippet is plain text, with the highlights in a column of their own (no HTML
        # in a cell).
        renderer = getattr(self.request, "accepted_renderer", None) if self.request else None
        spreadsheet = getattr(renderer, "format", None) in SPREADSHEET_FORMATS
        return SearchResultTableSerializer if spreadsheet else SearchResultSerializer

    def list_param(self, name, *, choices=None):
        values = [v.strip() for raw in self.request.query_params.getlist(name) for v in raw.split(",") if v.strip()]
        if choices is not None:
            unknown = [v for v in values if v not in choices]
            if unknown:
                raise ValidationError({name: [f"unknown {name} {unknown[0][:50]!r}; use one of {', '.join(choices)}"]})
        return values

    def get_queryset(self):
        types = self.list_param("type", choices=SearchEntry.Type.values)
        plans = self.list_param("plan")
        ids = None
        if plans:
            known = dict(Plan.objects.filter(slug__in=plans).values_list("slug", "id"))
            unknown = [slug for slug in plans if slug not in known]
            if unknown:  # a 404, as everywhere else in the API that names a plan it does not have
                raise unknown_plan(unknown[0][:100])
            ids = sorted(set(known.values()))
        self.results = search_entries(q=self.request.query_params.get("q"), plans=plans, types=types, ids=ids)
        return self.results.entries

    def get_serializer_context(self):
        context = super().get_serializer_context()
        results = getattr(self, "results", None)
        if results is not None:
            context["query"] = results.query
            context["segmented"] = results.segmented
        return context

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        results = getattr(self, "results", None)
        # A streamed export (CSV, NDJSON) is the results alone.
        if results is not None and isinstance(getattr(response, "data", None), dict):
            # How the query was read, and (when nothing matched) words the plans do contain: beside the results.
            response.data["interpretation"] = results.query.describe()
            nothing = response.data.get("count") == 0
            response.data["suggestions"] = (
                suggestions(results.query, plan_lexicon(results.plans), plans=results.plans) if nothing else []
            )
        return response
