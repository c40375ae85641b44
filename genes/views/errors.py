"""The site's own "not found" page: a search box and the genes someone may have meant.

Django's handler404 only runs with DEBUG off; with DEBUG on (`make run`) Django answers with its
technical page listing every URL pattern. So the gene page renders this page itself, and
`genes.middleware.NotFoundPageMiddleware` puts it in place of any other HTML 404 — the same page
in every mode. Paths under /api/ keep the API's JSON error.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from common import api_errors
from genes.selectors import gene_suggestions

# The last path segment is taken as what the person was looking for when it could be a gene
# symbol or identifier (/gene/PKD1, /genes/PKD1/extra): letters, digits and a few separators.
SYMBOL_LIKE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@-]{0,31}")
# Marks a response as this page, so the middleware does not render it twice.
SITE_PAGE_ATTRIBUTE = "site_not_found_page"


def not_found_page(request: HttpRequest, query: str = "", *, guessed: bool = False) -> HttpResponse:
    """404 with a search box (pre-filled with `query`) and "did you mean" suggestions. A query
    `guessed` from an unknown path is shown only when it suggests a gene (/nothing/here is
    just "page not found")."""
    suggestions = gene_suggestions(query) if query else []
    if guessed and not suggestions:
        query = ""
    context = {"query": query, "suggestions": suggestions}
    response = render(request, "404.html", context, status=404)
    setattr(response, SITE_PAGE_ATTRIBUTE, True)
    return response


def query_from_path(path: str) -> str:
    """What the path's last segment was probably meant to name, or ""."""
    segments = [segment for segment in path.split("/") if segment]
    last = unquote(segments[-1]) if segments else ""
    return last if SYMBOL_LIKE.fullmatch(last) else ""


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: the API's JSON error under /api/, this page everywhere else."""
    if request.path.startswith(api_errors.API_PREFIX):
        return api_errors.handler404(request, exception)
    return not_found_page(request, query_from_path(request.path), guessed=True)
