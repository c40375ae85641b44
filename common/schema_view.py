"""The OpenAPI schema endpoint. Apart from common/api_schema.py, which drf-spectacular imports
while its own views module loads (a schema view there would be a circular import)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.views import SpectacularAPIView
from rest_framework.request import Request


class SchemaView(SpectacularAPIView):
    """The schema, as YAML by default; `?format=json` (or `yaml`) chooses, as people expect.

    DRF's own `?format=` override is off in this project (URL_FORMAT_OVERRIDE = None) because
    `format` picks an export on the gene list, so the schema view reads the parameter itself;
    an Accept header still works as before.
    """

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        wanted = request.query_params.get("format", "")
        for renderer in self.get_renderers():
            if wanted and renderer.format == wanted:
                return renderer, renderer.media_type
        return super().perform_content_negotiation(request, force)
