"""Read functions over plans that other layers reach through settings rather than imports."""

from articles.models import Plan


def dataset_versions():
    """{slug: (version, updated_at as a Unix timestamp)} for every plan: what the response cache keys on.

    `version` names the plan's fixture and when anything derived from it last changed, so that a reindex or a
    new licence (which leave the fixture as it was) still give the plan's responses new keys.
    """
    return {
        slug: (f"{version}:{updated_at.timestamp():.6f}", int(updated_at.timestamp()))
        for slug, version, updated_at in Plan.objects.values_list("slug", "version", "updated_at")
    }
