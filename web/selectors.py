"""What each page reads: the API's own querysets and selectors, composed per page.

A page and its twin in the API make the same queries: the querysets below are the API viewsets' own (with
their select_related/prefetch_related, matched to the serializers that both use).
"""

from django.db.models import Q
from django.http import Http404

from articles.api.views import ChapterViewSet, PlanViewSet
from articles.models import Article, Chapter, Plan
from indicators.api.views import ArticleViewSet, GoalViewSet, InitiativeViewSet, PrincipleViewSet
from indicators.models import Goal, Initiative, Mention, Principle
from search.models import SearchEntry


def plan_list():
    """Every plan, for the index: one query."""
    return list(Plan.objects.all())


def plan_or_404(slug):
    """The plan with its errata and publication (licence), or the site's 404: two queries."""
    plan = PlanViewSet.queryset.select_related("publication").prefetch_related("errata").filter(slug=slug).first()
    if plan is None:
        raise Http404(f"No plan with slug {slug!r}.")
    return plan


def plan_head_or_404(slug):
    """The plan alone (for the pages under it that show only its title), or the site's 404: one query."""
    plan = Plan.objects.filter(slug=slug).first()
    if plan is None:
        raise Http404(f"No plan with slug {slug!r}.")
    return plan


def plan_contents(plan):
    """The plan page's contents: chapters with their articles, principles, goals and initiatives (six queries)."""
    return {
        "chapters": list(ChapterViewSet.queryset.filter(plan=plan)),
        "principles": list(PrincipleViewSet.queryset.filter(plan=plan)),
        "goals": list(GoalViewSet.queryset.filter(plan=plan)),
        "initiatives": list(InitiativeViewSet.queryset.filter(plan=plan)),
    }


def chapter_outline(plan_slug):
    """(number, numeral, title) of every chapter of a plan, in order: one query; Http404 for an unknown plan."""
    chapters = list(Chapter.objects.filter(plan__slug=plan_slug).values("number", "numeral", "title"))
    if not chapters and not Plan.objects.filter(slug=plan_slug).exists():
        raise Http404(f"No plan with slug {plan_slug!r}.")
    return chapters


def chapter_page(plan_slug, number):
    """A chapter (with its plan), its articles as the API shows them, and the initiatives its intro names."""
    chapter = Chapter.objects.select_related("plan").filter(plan__slug=plan_slug, number=number).first()
    if chapter is None:
        _missing(plan_slug, f"No chapter {number} in plan {plan_slug!r}.")
    articles = list(ArticleViewSet.queryset.filter(chapter=chapter))
    intro_mentions = list(
        Mention.objects.filter(chapter=chapter, article=None)
        .select_related("initiative__plan")
        .order_by("initiative__position")
    )
    return chapter, articles, intro_mentions


def article_or_404(plan_slug, number):
    """An article as the API shows it (with its principles, goals and mentions): four queries."""
    article = ArticleViewSet.queryset.filter(plan__slug=plan_slug, number=number).first()
    if article is None:
        _missing(plan_slug, f"No article {number} in plan {plan_slug!r}.")
    return article


def article_outline(plan):
    """(number, title) of every article of a plan, for previous/next: one query."""
    return list(Article.objects.filter(plan=plan).values("number", "title"))


def initiative_or_404(plan_slug, slug):
    """An initiative with its mentions (their chapters and articles, text included): two queries."""
    initiative = InitiativeViewSet.queryset.filter(plan__slug=plan_slug, slug=slug).first()
    if initiative is None:
        _missing(plan_slug, f"No initiative {slug!r} in plan {plan_slug!r}.")
    return initiative


def _missing(plan_slug, message):
    """Http404 naming what is missing: the plan itself when it is the plan that is unknown (one more query)."""
    if not Plan.objects.filter(slug=plan_slug).exists():
        raise Http404(f"No plan with slug {plan_slug!r}.")
    raise Http404(message)


def in_chapter(entries, *, plan, chapter):
    """Keep the search entries that stand for something in one chapter of a plan (no query of its own).

    The chapter itself, its articles, the goals and principles those articles state, and the initiatives the
    chapter names: identities from the plan's structure, not search logic (the entries are the selector's).
    """
    in_plan = {"plan__slug": plan}
    articles = Article.objects.filter(**in_plan, chapter__number=chapter).values("number")
    goals = Goal.objects.filter(**in_plan, article__chapter__number=chapter).values("number")
    principles = Principle.objects.filter(**in_plan, article__chapter__number=chapter).values("number")
    initiatives = Initiative.objects.filter(
        Q(mentions__chapter__number=chapter) | Q(mentions__article__chapter__number=chapter), **in_plan
    ).values("slug")
    Type = SearchEntry.Type
    return entries.filter(plan__slug=plan).filter(
        Q(type=Type.CHAPTER, number=chapter)
        | Q(type=Type.ARTICLE, number__in=articles)
        | Q(type=Type.GOAL, number__in=goals)
        | Q(type=Type.PRINCIPLE, number__in=principles)
        | Q(type=Type.INITIATIVE, slug__in=initiatives)
    )


def hit_paragraphs(entries):
    """For a page of search entries, the article paragraphs a goal or principle hit can link to: one query per
    kind present (an article's or chapter's hit names its own paragraph).

    {(type, plan, number): ("article", the article's number, [its paragraphs])}.
    """
    wanted = {}
    for entry in entries:
        if entry.type in (SearchEntry.Type.GOAL, SearchEntry.Type.PRINCIPLE):
            wanted.setdefault(entry.type, set()).add((entry.plan_slug, entry.number))
    found = {}
    models = {"goal": Goal, "principle": Principle}
    for type_, keys in wanted.items():
        condition = Q()
        for plan_slug, number in keys:
            condition |= Q(plan__slug=plan_slug, number=number)
        rows = (
            models[type_]
            .objects.filter(condition)
            .values_list("plan__slug", "number", "article__number", "article__paragraphs")
        )
        found.update({(type_, p, n): ("article", a, texts) for p, n, a, texts in rows})
    return found
