"""Template helpers of the reading site: labels in the page's script, and links that keep the script."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from plan_api.scripts import DEFAULT_SCRIPT, SCRIPT_PARAM
from plantext.scripts import convert

register = template.Library()


@register.simple_tag(takes_context=True)
def tr(context, label):
    """A label of the interface, written in traditional characters in the templates, in the page's script."""
    return convert(label, context.get("script", DEFAULT_SCRIPT))


@register.simple_tag(takes_context=True)
def page_url(context, name, *args, **query):
    """The site's URL for a page (`web:article plan number`), in the page's script; keyword arguments are the
    query (empty values left out)."""
    return with_script(reverse(name, args=args), context.get("script", DEFAULT_SCRIPT), **query)


def with_script(url, script, **query):
    """The URL (which may have a query already) with `query` and, unless it is the default, the script added."""
    query = {key: value for key, value in query.items() if value not in (None, "")}
    if script != DEFAULT_SCRIPT:
        query[SCRIPT_PARAM] = script
    if not query:
        return url
    return f"{url}{'&' if '?' in url else '?'}{urlencode(query, doseq=True)}"
