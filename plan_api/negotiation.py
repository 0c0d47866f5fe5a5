"""Content negotiation for every DRF view: the format (`?format=` or Accept) and the script (`?script=` or
Accept-Language).

An unknown `format` or `script` is a 400 naming the allowed values (DRF alone would answer 404 to an unknown
format and would not know about scripts). OPTIONS is answered in JSON on every view, whatever Accept or
`format` ask for and whatever the view's own renderers (YAML for the schema, an HTML page for the docs). Because DRF negotiates before it runs the view, a view written
later (search, say) gets both checks without doing anything; renderers read the script again through
`script_of_request()`, which remembers it on the request.
"""

from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation

from plan_api.renderers import ScriptJSONRenderer
from plan_api.scripts import SCRIPT_PARAM, UnknownScript, script_of_request


class ContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        if request.method == "OPTIONS":  # DRF's description of the view (Allow, name, renders)
            return ScriptJSONRenderer(), ScriptJSONRenderer.media_type
        format_param = self.settings.URL_FORMAT_OVERRIDE
        wanted = format_suffix or request.query_params.get(format_param)
        if wanted is not None:  # an empty `format=` is as unknown as `format=xls`
            formats = list(dict.fromkeys(renderer.format for renderer in renderers))
            if wanted not in formats:
                raise ValidationError(
                    {format_param: [f"unknown format {wanted[:50]!r}; use one of {', '.join(formats)}"]}
                )
        try:
            script_of_request(request._request, strict=True)
        except UnknownScript as exc:
            raise ValidationError({SCRIPT_PARAM: [str(exc)]}) from None
        return super().select_renderer(request, renderers, format_suffix)
