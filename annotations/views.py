"""The /network/ page: a form and a Cytoscape.js drawing of /api/network/."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from annotations.api.views import network_params
from annotations.config import annotation_setting, string_min_score
from common.api_errors import InvalidParameter
from genes.models import Tier

# The form's labels, to name a refused value the way the page does.
FIELD_LABELS = {"genes": "Genes", "top": "Top genes", "min_score": "Minimum combined score"}


def network_page(request: HttpRequest) -> HttpResponse:
    genes = request.GET.get("genes", "").strip()
    top = request.GET.get("top", "").strip() or str(annotation_setting("network_default_top"))
    min_score = request.GET.get("min_score", "").strip() or str(string_min_score())
    query = {"min_score": min_score, **({"genes": genes} if genes else {"top": top})}
    # The API's own validation, so a bad value is explained on the page (the drawing used to
    # report only "HTTP 400"); the page then draws nothing and keeps the form as typed.
    try:
        network_params(query)
        error = ""
    except InvalidParameter as invalid:
        label = FIELD_LABELS.get(invalid.parameter, invalid.parameter)
        error = f"{label}: {str(invalid.detail).removeprefix(f'{invalid.parameter}: ')}"
    context = {
        "error": error,
        "genes": genes,
        "top": top,
        "min_score": min_score,
        "max_genes": annotation_setting("network_max_genes"),
        "api_url": f"{reverse('api-network')}?{urlencode(query)}",
        "tiers": [(tier.value, tier.label) for tier in Tier],
        "tier_colours": {tier.value: tier.colour for tier in Tier},
        "tier_labels": {tier.value: tier.label for tier in Tier},
    }
    return render(request, "annotations/network.html", context, status=400 if error else 200)
