"""Renderers beyond DRF's JSON."""

import json

from rest_framework import renderers


class PlainTextRenderer(renderers.BaseRenderer):
    """Lets a client that sends `Accept: text/plain` reach a plain-text view instead of getting a 406.

    Such a view returns its text as an HttpResponse, so this renderer only ever renders error bodies: it
    writes them as JSON, and the exception handler labels them application/problem+json.
    """

    media_type = "text/plain"
    format = "txt"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, str):
            return data.encode(self.charset)
        return json.dumps(data, ensure_ascii=False).encode(self.charset)
