"""The API's query-string grammar: `filter[name]`, `sort`, `page[...]`, `format`.

A FilterSet speaks plain names; `filterset_data` maps `filter[name]` onto them and refuses
anything it does not know (a typo must not silently return everything).
"""

from __future__ import annotations

import re

from django.http import QueryDict
from rest_framework.request import Request

from common.api.pagination import PAGE_NUMBER, PAGE_SIZE
from common.api_errors import InvalidParameter

FILTER_PATTERN = re.compile(r"^filter\[([a-z0-9_]+)\]$")
SORT = "sort"
FORMAT = "format"
TOP_LEVEL = {SORT, FORMAT, PAGE_NUMBER, PAGE_SIZE}


def filter_param(name: str) -> str:
    """The API spelling of a FilterSet parameter."""
    return SORT if name == SORT else f"filter[{name}]"


def filterset_data(request: Request, allowed: set[str]) -> QueryDict:
    """`filter[x]=v` → `x=v` for the FilterSet; 400 for any parameter the endpoint lacks."""
    data = QueryDict(mutable=True)
    for key, values in request.query_params.lists():
        match = FILTER_PATTERN.match(key)
        name = match.group(1) if match else None
        if key in TOP_LEVEL:
            if key == SORT:
                data.setlist(SORT, values)
            continue
        if name is None or name == SORT or name not in allowed:
            known = ", ".join(sorted(filter_param(n) for n in allowed if n != SORT))
            raise InvalidParameter(key, f"Unknown parameter {key!r}. Filters: {known}.")
        if len(values) > 1:
            raise InvalidParameter(key, f"{key} is given {len(values)} times; give it once.")
        data[name] = values[0]
    return data
