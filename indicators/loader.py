"""Take a plan's principles, goals and initiatives (with their mentions) to the database.

Called by the ingest pipeline inside its transaction, after articles.loader has written the plan's chapters
and articles, which these rows refer to by number.
"""

from articles.loader import pick
from indicators.models import Goal, Initiative, Mention, Principle


def save_indicators(plan, data):
    """Replace the plan's indicator rows with those of its built data."""
    for model in (Initiative, Goal, Principle):
        model.objects.filter(plan=plan).delete()
    chapters = {chapter.number: chapter for chapter in plan.chapters.all()}
    articles = {article.number: article for article in plan.articles.all()}
    Principle.objects.bulk_create(
        Principle(
            plan=plan,
            article=pick(articles, p["article"], f"principle {p['number']} names article"),
            number=p["number"],
            title=p["title"],
            text=p["text"],
        )
        for p in data["principles"]
    )
    Goal.objects.bulk_create(
        Goal(
            plan=plan,
            article=pick(articles, g["article"], f"goal {g['number']} names article"),
            number=g["number"],
            horizon=g["horizon"],
            title=g["title"],
            text=g["text"],
            targets=g["targets"],
        )
        for g in data["goals"]
    )
    initiatives = Initiative.objects.bulk_create(
        Initiative(plan=plan, slug=i["slug"], name=i["name"], kind=i["kind"], position=position)
        for position, i in enumerate(data["initiatives"], start=1)
    )
    Mention.objects.bulk_create(
        Mention(
            initiative=initiative,
            place=m["place"],
            chapter=chapters.get(m["chapter"]),
            article=articles.get(m["article"]),
            count=m["count"],
        )
        for initiative, entry in zip(initiatives, data["initiatives"], strict=True)
        for m in entry["mentions"]
    )
