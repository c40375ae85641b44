"""SQL injection attempts in every filter parameter of /api/genes/ and the /genes/ page.

Each answer is a 400 or an ordinary result: never a 500, never a row the list does not
show (an unscored gene), never data from another table (a user, a token), and the tables
are intact afterwards. The API's parameters are read from its OpenAPI schema, the page's
from the shared FilterSet, so a new filter is covered without editing this file.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from drf_spectacular.generators import SchemaGenerator

from curation.services import api_token_issue
from genes.filters import GeneScoreFilterSet
from genes.models import Gene

PAYLOADS = [
    "' OR '1'='1",
    "1 OR 1=1",
    "1; DROP TABLE genes_gene; --",
    "PKD1' UNION SELECT username, password FROM auth_user --",
    "%' OR 1=1 --",
    '" OR ""="',
    "1) OR (1=1",
    "-score; SELECT key FROM authtoken_token",
    "HGNC:9008' --",
    "\\'; SELECT pg_sleep(5); --",
    "true' OR 'x'='x",
    "\x00' OR 1=1",
]


def _api_parameters() -> list[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [parameter["name"] for parameter in schema["paths"]["/api/genes/"]["get"]["parameters"]]


API_PARAMETERS = _api_parameters()
PAGE_PARAMETERS = [*GeneScoreFilterSet().filters, "page", "page_size"]
SECRET_USER = "zz_secret_operator"


@pytest.fixture
def planted(db, scored_gene):
    """Rows no gene list may ever show: an unscored gene, a user and their API token."""
    Gene.objects.create(hgnc_id=99901, symbol="HIDDENGENE", name="never listed")
    user = User.objects.create_user(SECRET_USER, password="Planted-Pass-991")
    return {"token": api_token_issue(user=user)[0], "hash": user.password}


def _assert_clean(response, planted) -> None:
    assert response.status_code in (200, 400), response.status_code
    body = response.content.decode("utf-8", "replace")
    for secret in (SECRET_USER, "HIDDENGENE", planted["token"], planted["hash"]):
        assert secret not in body
    assert Gene.objects.count() == 2
    assert User.objects.filter(username=SECRET_USER).exists()


def test_the_schema_lists_the_filters_being_attacked():
    assert {"filter[search]", "filter[tier]", "sort", "page[number]"} <= set(API_PARAMETERS)


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("parameter", API_PARAMETERS)
def test_api_filter_parameters_resist_injection(api_client, planted, parameter, payload):
    response = api_client.get("/api/genes/", {parameter: payload})
    _assert_clean(response, planted)
    if response.status_code == 200 and response["Content-Type"].startswith("application/json"):
        symbols = {row["attributes"]["symbol"] for row in response.json()["data"]}
        assert symbols <= {"PKD1"}


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("parameter", PAGE_PARAMETERS)
def test_gene_browser_parameters_resist_injection(client, planted, parameter, payload):
    _assert_clean(client.get("/genes/", {parameter: payload}), planted)
